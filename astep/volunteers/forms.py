"""The onboarding steps of a volunteer, one form per step, and the correspondent's decision."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from astep.classes.models import Level as ClassLevel
from astep.classes.models import Theme
from astep.forms import checkboxes, submit_helper
from astep.half_days import HalfDay
from astep.partners.models import Organisation
from astep.territory.models import Commune
from astep.volunteers.charter import charter_date_problem
from astep.volunteers.eligibility import Level
from astep.volunteers.models import CharterVersion, Month, ProofKind, VolunteerProfile
from astep.volunteers.proofs import MAX_PROOF_BYTES, proof_clean


class ProfileStepForm(forms.ModelForm):
    """Step "profil": birth date, situation, organisation, home commune."""

    commune_text = forms.CharField(
        label=_("Commune de départ"),
        help_text=_(
            "Nom de la commune, avec le code postal s'il y a plusieurs communes de ce nom "
            "(ex. « Saint-Aubin 35250 »)."
        ),
        max_length=200,
    )

    class Meta:
        model = VolunteerProfile
        fields = ["birth_date", "status", "organisation"]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "birth_date": _("Seul vous la voyez : les autres voient seulement « majeur : oui »."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("birth_date", "status"):
            self.fields[name].required = True
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["organisation"].empty_label = _("Aucun : à titre personnel")
        self.fields["organisation"].help_text = _(
            "L'université, l'école, l'organisme de recherche, l'entreprise ou l'association "
            "par laquelle vous venez. Son correspondant scientifique pourra attester votre niveau."
        )
        if self.instance.commune_id:
            commune = self.instance.commune
            self.initial["commune_text"] = (
                f"{commune.name} {commune.postcodes.split(' ')[0]}".strip()
            )
        self.helper = submit_helper(_("Enregistrer et continuer"))

    def clean_commune_text(self) -> str:
        text = self.cleaned_data["commune_text"]
        communes = list(Commune.objects.lookup(text)[:6])
        if not communes:
            raise forms.ValidationError(
                _("Aucune commune ne correspond à « %(text)s ».") % {"text": text}
            )
        if len(communes) > 1:
            choices = ", ".join(f"{c.name} {c.postcodes.split(' ')[0]}" for c in communes[:5])
            raise forms.ValidationError(
                _("Plusieurs communes correspondent : %(choices)s. Ajoutez le code postal.")
                % {"choices": choices}
            )
        self.instance.commune = communes[0]
        return text


class LevelStepForm(forms.ModelForm):
    """Step "niveau": highest completed level and field, and how it is proven."""

    proof = forms.FileField(
        label=_("Justificatif"),
        required=False,
        help_text=_(
            "Diplôme, relevé de notes ou certificat de scolarité : PDF, JPEG ou PNG, "
            "%(size)d Mo au plus. Il est supprimé dès que votre niveau est validé."
        )
        % {"size": MAX_PROOF_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    class Meta:
        model = VolunteerProfile
        fields = ["level", "field", "diploma", "experience", "proof_kind"]
        widgets = {"proof_kind": forms.RadioSelect, "experience": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "diploma": _("Par exemple « Licence de physique, 3e année en cours »."),
            "experience": _(
                "Seulement si vous n'avez pas de diplôme de la liste : votre métier, "
                "vos années d'expérience scientifique ou technique."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("level", "field", "proof_kind"):
            self.fields[name].required = True
        self.fields["proof_kind"].choices = ProofKind.choices
        self.fields["proof_kind"].label = _("Je justifie mon niveau par")
        self.helper = submit_helper(_("Envoyer pour validation"))

    def clean_proof(self):
        upload = self.cleaned_data.get("proof")
        return proof_clean(upload) if upload else None

    def clean(self):
        data = super().clean()
        if data.get("level") == Level.EXPERIENCE and not data.get("experience", "").strip():
            self.add_error("experience", _("Décrivez votre expérience équivalente."))
        kind = data.get("proof_kind")
        if kind == ProofKind.ATTESTATION and self.instance.organisation_id is None:
            self.add_error(
                "proof_kind",
                _("Une attestation suppose un organisme : choisissez-le à l'étape « Profil »."),
            )
        if (
            kind == ProofKind.DIPLOMA
            and "proof" not in self.errors
            and data.get("proof") is None
            and not self.instance.proof_file
        ):
            self.add_error("proof", _("Joignez votre justificatif (PDF, JPEG ou PNG)."))
        return data


class AvailabilityStepForm(forms.ModelForm):
    """Step "disponibilites": when, how far, how many modules, preferences."""

    half_days = checkboxes(_("Demi-journées où vous êtes disponible"), HalfDay.choices)
    free_months = forms.TypedMultipleChoiceField(
        label=_("Mois où vous êtes disponible"),
        choices=Month.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_levels = checkboxes(
        _("Niveaux de classe préférés (facultatif)"), ClassLevel.choices, required=False
    )
    preferred_themes = checkboxes(_("Thèmes préférés (facultatif)"), Theme.choices, required=False)

    class Meta:
        model = VolunteerProfile
        fields = [
            "half_days",
            "free_months",
            "max_distance_km",
            "max_modules",
            "preferred_levels",
            "preferred_themes",
            "wants_pair",
            "pair_with",
        ]
        help_texts = {
            "max_distance_km": _("Depuis votre commune, à vol d'oiseau."),
            "max_modules": _("Un module compte 5 à 7 séances, en général sur quelques semaines."),
            "pair_with": _("Nom ou adresse e-mail de la personne, si vous la connaissez."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Enregistrer et continuer"))

    def clean_max_distance_km(self) -> int:
        distance = self.cleaned_data["max_distance_km"]
        if not 1 <= distance <= 200:
            raise forms.ValidationError(_("Indiquez une distance entre 1 et 200 km."))
        return distance

    def clean_max_modules(self) -> int:
        modules = self.cleaned_data["max_modules"]
        if not 1 <= modules <= 10:
            raise forms.ValidationError(_("Indiquez entre 1 et 10 modules."))
        return modules


class CharterSignForm(forms.Form):
    """The signature: read and accepted, the account's name typed; `version` names the
    version shown, so that a version published meanwhile is never signed unread."""

    accept = forms.BooleanField(label=_("J'ai lu la charte et je m'engage à la respecter."))
    full_name = forms.CharField(label=_("Votre nom complet, en guise de signature"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, expected_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected_name = expected_name
        self.helper = submit_helper(_("Signer la charte"))

    def clean_full_name(self) -> str:
        full_name = " ".join(self.cleaned_data["full_name"].split())
        if full_name.casefold() != " ".join(self.expected_name.split()).casefold():
            raise forms.ValidationError(
                _(
                    "Saisissez votre prénom et votre nom tels qu'indiqués sur votre compte : %(name)s."
                )
                % {"name": self.expected_name}
            )
        return full_name


class PublishForm(forms.ModelForm):
    """A new charter version: its label, the date it comes into force, its full text."""

    class Meta:
        model = CharterVersion
        fields = ["version", "effective_on", "text"]
        widgets = {
            "effective_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 20}),
        }
        help_texts = {
            "version": _("Par exemple 2025 ou 2025.1 : chiffres, lettres, point, tiret."),
            "effective_on": _(
                "Aujourd'hui ou plus tard. À partir de cette date, seuls les accompagnateurs "
                "qui ont signé cette version peuvent être proposés."
            ),
        }

    def __init__(self, *args, latest: CharterVersion | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.latest = latest
        self.fields["version"].validators.append(
            RegexValidator(r"^[0-9A-Za-z][0-9A-Za-z.\-]*$", _("Chiffres, lettres, point et tiret."))
        )
        if latest is not None:
            self.initial.setdefault("text", latest.text)
        self.helper = submit_helper(_("Publier cette version"))

    def clean_effective_on(self):
        effective_on = self.cleaned_data["effective_on"]
        problem = charter_date_problem(effective_on=effective_on)
        if problem:
            raise forms.ValidationError(problem)
        return effective_on


class DecisionForm(forms.Form):
    """The departmental correspondent's decision on a volunteer's level."""

    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[
            ("validate", _("Valider le niveau")),
            ("correction", _("Demander une correction")),
            ("refuse", _("Refuser")),
        ],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message à l'accompagnateur"),
        help_text=_("Obligatoire pour un refus ou une demande de correction ; il lui est envoyé."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Enregistrer la décision"))

    def clean(self):
        data = super().clean()
        if data.get("decision") in ("correction", "refuse") and not data.get("message", "").strip():
            self.add_error("message", _("Expliquez votre décision à l'accompagnateur."))
        return data

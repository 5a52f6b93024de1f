from django import forms
from django.utils.translation import gettext_lazy as _

from astep.forms import submit_helper
from astep.half_days import HalfDay
from astep.territory.models import Commune
from astep.volunteers.models import VolunteerProfile


class ProfileForm(forms.ModelForm):
    commune_text = forms.CharField(
        label=_("Commune de départ"),
        help_text=_(
            "Nom de la commune, avec le code postal s'il y a plusieurs communes de ce nom "
            "(ex. « Saint-Aubin 35250 »)."
        ),
        max_length=200,
    )
    half_days = forms.MultipleChoiceField(
        label=_("Demi-journées où vous êtes disponible"),
        choices=HalfDay.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = VolunteerProfile
        fields = [
            "birth_date",
            "level",
            "field",
            "status",
            "organisation",
            "max_distance_km",
            "half_days",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.commune_id:
            commune = self.instance.commune
            self.initial["commune_text"] = (
                f"{commune.name} {commune.postcodes.split(' ')[0]}".strip()
            )
        self.order_fields(
            ["birth_date", "level", "field", "status", "organisation", "commune_text"]
        )
        self.helper = submit_helper(_("Enregistrer mon profil"))

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

    def clean_max_distance_km(self) -> int:
        distance = self.cleaned_data["max_distance_km"]
        if not 1 <= distance <= 200:
            raise forms.ValidationError(_("Indiquez une distance entre 1 et 200 km."))
        return distance


class CharterSignForm(forms.Form):
    accept = forms.BooleanField(label=_("J'ai lu la charte et je m'engage à la respecter."))
    full_name = forms.CharField(label=_("Votre nom complet, en guise de signature"), max_length=300)

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

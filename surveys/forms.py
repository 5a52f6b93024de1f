from decimal import Decimal

from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from astep.forms import submit_helper
from astep.school_year import current_school_year, school_year_start
from surveys.figures import FIGURES
from surveys.models import Campaign, DepartementalSurvey, ReportFormat
from surveys.questionnaire import QUESTIONNAIRE_VERSION, figure_source


class SurveyForm(forms.ModelForm):
    """The correspondent's answers, and for each figure of the portal an optional
    corrected value (`fix_<key>`) with its justification (`why_<key>`)."""

    class Meta:
        model = DepartementalSurvey
        fields = [
            "training_actions",
            "training_participants",
            "conventions_signed",
            "resources",
            "difficulties",
            "perspectives",
        ]
        widgets = {
            "resources": forms.Textarea(attrs={"rows": 3}),
            "difficulties": forms.Textarea(attrs={"rows": 3}),
            "perspectives": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        corrections = {c.key: c for c in self.instance.corrections.all()}
        for key in FIGURES:
            if key not in self.instance.figures:
                continue
            correction = corrections.get(key)
            self.fields[f"fix_{key}"] = forms.DecimalField(
                label=_("%(figure)s : valeur corrigée") % {"figure": FIGURES[key]},
                widget=forms.NumberInput(attrs={"class": "fr-input", "step": "any"}),
                min_value=0,
                max_digits=12,
                decimal_places=1,
                required=False,
                initial=plain(correction.value) if correction else None,
            )
            self.fields[f"why_{key}"] = forms.CharField(
                label=_("%(figure)s : justification") % {"figure": FIGURES[key]},
                widget=forms.TextInput(attrs={"class": "fr-input"}),
                required=False,
                max_length=500,
                initial=correction.comment if correction else "",
            )
        self.helper = submit_helper(_("Enregistrer le brouillon"), form_tag=False)
        self.helper.add_input(Submit("transmit", _("Transmettre l'enquête")))
        # The template puts the error summary above the figures table, outside crispy.
        self.helper.form_show_errors = False
        self.helper.layout = Layout(
            Fieldset(
                _("Formation et partenariats"),
                "training_actions",
                "training_participants",
                "conventions_signed",
            ),
            Fieldset(_("Bilan qualitatif"), "resources", "difficulties", "perspectives"),
        )

    def figure_rows(self) -> list[tuple[str, object, str, object, object]]:
        """(label, portal value, source, corrected value field, justification field) per figure."""
        return [
            (
                label,
                self.instance.figures[key],
                figure_source(key),
                self[f"fix_{key}"],
                self[f"why_{key}"],
            )
            for key, label in FIGURES.items()
            if f"fix_{key}" in self.fields
        ]

    def answers(self) -> dict:
        """The answered fields of the survey itself, cleaned."""
        return {field: self.cleaned_data[field] for field in self.Meta.fields}

    def corrections(self) -> dict[str, tuple[Decimal, str]]:
        """{figure key: (corrected value, justification)} for every value typed."""
        return {
            name.removeprefix("fix_"): (value, self.cleaned_data[f"why_{name[4:]}"].strip())
            for name, value in self.cleaned_data.items()
            if name.startswith("fix_") and value is not None
        }

    def add_problems(self, problems: dict[str, str]) -> None:
        """Show `survey_problems` next to their fields: a figure's on its justification when
        that is what is missing, otherwise on its corrected value."""
        for key, message in problems.items():
            if key in self.fields:
                self.add_error(key, message)
            elif f"fix_{key}" in self.fields:
                missing_why = (
                    self.cleaned_data.get(f"fix_{key}") is not None
                    and not (self.cleaned_data.get(f"why_{key}") or "").strip()
                )
                self.add_error(f"why_{key}" if missing_why else f"fix_{key}", message)
            else:
                self.add_error(None, message)


class ReviewForm(forms.Form):
    """The academic correspondent's decision on a submitted survey."""

    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[
            ("validate", _("Valider l'enquête")),
            ("return", _("La renvoyer pour correction")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Obligatoire pour un renvoi : dites ce qu'il faut revoir."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Enregistrer la décision"))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("comment", "").strip():
            self.add_error(
                "comment", _("Dites au correspondant départemental ce qu'il faut revoir.")
            )
        return data


class ReopenForm(forms.Form):
    comment = forms.CharField(
        label=_("Motif de la réouverture"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Il est conservé dans l'historique de l'enquête et envoyé au département."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Rouvrir l'enquête"))


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "school_year",
            "opens_on",
            "closes_on",
            "sessions_min",
            "sessions_max",
            "questionnaire_version",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "school_year": _("Sous la forme 2025-2026."),
            "sessions_max": _(
                "Bornes du nombre de séances qu'un enseignant peut demander cette année "
                "(5 à 7 par défaut, circulaire 2010-083)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("school_year", current_school_year())
        self.fields["questionnaire_version"].required = False
        self.fields["questionnaire_version"].help_text = _(
            "Laissez vide pour la version en vigueur (%(version)s)."
        ) % {"version": QUESTIONNAIRE_VERSION}
        self.helper = submit_helper(_("Ouvrir la campagne"))

    def clean_questionnaire_version(self) -> str:
        return self.cleaned_data["questionnaire_version"].strip() or QUESTIONNAIRE_VERSION

    def clean_school_year(self) -> str:
        year = self.cleaned_data["school_year"].strip()
        try:
            school_year_start(year)
        except ValueError:
            raise forms.ValidationError(
                _("Écrivez l'année scolaire sous la forme 2025-2026.")
            ) from None
        return year

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] <= data["opens_on"]:
            self.add_error("closes_on", _("La clôture doit suivre l'ouverture."))
        return data


class ReportRequestForm(forms.Form):
    """The school year and format of a bilan to build; the scope is the person's."""

    school_year = forms.ChoiceField(label=_("Année scolaire"))
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices)

    def __init__(self, *args, school_years: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_year"].choices = [(year, year) for year in school_years]
        self.fields["school_year"].initial = current_school_year()
        self.helper = submit_helper(_("Construire le bilan"))
        self.helper.form_action = reverse("surveys:report_create")


def plain(value: Decimal) -> Decimal:
    """`value` without trailing zeros or exponent, as a person types it: 10.0 → 10,
    12.50 → 12.5 (`Decimal.normalize` alone writes 10 as 1E+1)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()

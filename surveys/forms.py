from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from astep.forms import submit_helper
from astep.school_year import current_school_year, school_year_start
from surveys.models import Campaign, DepartementalSurvey, ReportFormat


class SurveyForm(forms.ModelForm):
    class Meta:
        model = DepartementalSurvey
        fields = ["comments"]
        widgets = {"comments": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Enregistrer le brouillon"))
        self.helper.add_input(Submit("transmit", _("Transmettre l'enquête")))


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["school_year", "opens_on", "closes_on", "sessions_min", "sessions_max"]
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
        self.helper = submit_helper(_("Ouvrir la campagne"))

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

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from astep.classes.models import AccompanimentRequest, Level, SchoolClass
from astep.classes.services import request_problems
from astep.forms import checkboxes, submit_helper
from astep.half_days import HalfDay
from surveys.models import Campaign


class EcoleSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Votre école"),
        help_text=_("UAI (ex. 0350103X), nom de l'école ou commune"),
        max_length=100,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Rechercher"))
        self.helper.form_method = "get"


class SchoolClassForm(forms.ModelForm):
    levels = forms.MultipleChoiceField(
        label=_("Niveaux de la classe"),
        help_text=_("Cochez tous les niveaux d'une classe à plusieurs niveaux."),
        choices=Level.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SchoolClass
        fields = ["name", "levels", "pupils", "co_teacher"]
        help_texts = {
            "name": _("Facultatif, par exemple « CE2-CM1 de Mme Martin »."),
        }

    def __init__(self, *args, suggested_levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        if suggested_levels:
            self.fields["levels"].help_text = _(
                "Niveaux de l'école d'après les effectifs officiels : %(levels)s. "
                "Cochez ceux de votre classe."
            ) % {"levels": ", ".join(suggested_levels)}
        self.fields["pupils"].widget.attrs.update(min=1, max=40)
        self.helper = submit_helper(_("Enregistrer la classe"))

    def clean_pupils(self) -> int:
        pupils = self.cleaned_data["pupils"]
        if not 1 <= pupils <= 40:
            raise forms.ValidationError(_("Indiquez un nombre d'élèves entre 1 et 40."))
        return pupils


DEFAULTED = ("form", "sessions_count", "accompanists")  # fields with a default, kept in drafts


class RequestForm(forms.ModelForm):
    """A request as the teacher fills it in: every field may stay blank in a draft; what a
    sent request needs is checked by `classes.services.request_problems`."""

    half_days = checkboxes(_("Demi-journées qui conviennent"), HalfDay.choices, required=False)
    second_request = forms.BooleanField(
        label=_("Je confirme demander un second accompagnement pour cette classe cette année."),
        required=False,
    )

    class Meta:
        model = AccompanimentRequest
        fields = [
            "theme",
            "form",
            "period_start",
            "period_end",
            "sessions_count",
            "half_days",
            "accompanists",
            "comment",
        ]
        widgets = {
            "form": forms.RadioSelect,
            "accompanists": forms.RadioSelect,
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "theme": _("Cycle 2 : Questionner le monde ; cycle 3 : Sciences et technologie."),
            "comment": _("Projet de la classe, matériel, contraintes… (facultatif)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        school_class = self.instance.school_class
        for name in DEFAULTED:
            self.fields[name].required = False  # a draft left without them keeps the defaults
        least, most = Campaign.session_bounds(school_class.school_year)
        self.fields["sessions_count"].widget.attrs.update(min=least, max=most)
        self.fields["sessions_count"].help_text = _(
            "De %(min)s à %(max)s séances en %(year)s, en général une demi-journée par semaine."
        ) % {"min": least, "max": most, "year": school_class.school_year}
        self.fields["accompanists"].help_text = _(
            "Deux accompagnateurs pour un travail en groupes."
        )
        if not self.instance.siblings().exists():
            del self.fields["second_request"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Envoyer la demande")))
        self.helper.add_input(
            Submit("draft", _("Enregistrer le brouillon"), css_class="fr-btn--secondary")
        )
        self.helper.attrs = {"data-autosave": "true"}

    def clean(self):
        data = super().clean()
        for name in DEFAULTED:
            if data.get(name) in (None, ""):
                data[name] = self.Meta.model._meta.get_field(name).get_default()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            # The model's check constraint would say it too, but above the form: say it at
            # the end date (the constraint is then skipped, its field having an error).
            self.add_error("period_end", _("La fin de la période doit suivre son début."))
        return data

    def submit_clean(self) -> bool:
        """Check the request is complete enough to send; errors go next to their fields."""
        if not self.is_valid():
            return False
        for field, message in request_problems(self.instance).items():
            self.add_error(field, message)
        if "second_request" in self.fields and not self.cleaned_data["second_request"]:
            self.add_error(
                "second_request",
                _(
                    "Cette classe a déjà une demande en cours : confirmez qu'il en faut une seconde."
                ),
            )
        return not self.errors


class ReasonForm(forms.Form):
    """The reason asked before cancelling a request or closing it as not served."""

    reason = forms.CharField(
        label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, button: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(button, form_tag=False)

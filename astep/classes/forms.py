from django import forms
from django.utils.translation import gettext_lazy as _

from astep.classes.models import AccompanimentRequest, Level, SchoolClass
from astep.forms import checkboxes, submit_helper
from astep.half_days import HalfDay

SESSIONS_MIN, SESSIONS_MAX = 5, 7  # circular 2010-083: "généralement sur 5 à 7 séances"


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
        fields = ["name", "levels", "pupils"]
        help_texts = {
            "name": _("Facultatif, par exemple « CE2-CM1 de Mme Martin »."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].widget.attrs.update(min=1, max=40)
        self.helper = submit_helper(_("Enregistrer la classe"))

    def clean_pupils(self) -> int:
        pupils = self.cleaned_data["pupils"]
        if not 1 <= pupils <= 40:
            raise forms.ValidationError(_("Indiquez un nombre d'élèves entre 1 et 40."))
        return pupils


class RequestForm(forms.ModelForm):
    half_days = checkboxes(_("Demi-journées qui conviennent"), HalfDay.choices)

    class Meta:
        model = AccompanimentRequest
        fields = ["theme", "period_start", "period_end", "sessions_count", "half_days", "comment"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "sessions_count": _("Entre 5 et 7 séances, en général une demi-journée par semaine."),
            "comment": _("Projet de la classe, matériel, contraintes… (facultatif)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions_count"].widget.attrs.update(min=SESSIONS_MIN, max=SESSIONS_MAX)
        self.helper = submit_helper(_("Envoyer la demande"))

    def clean_sessions_count(self) -> int:
        count = self.cleaned_data["sessions_count"]
        if not SESSIONS_MIN <= count <= SESSIONS_MAX:
            raise forms.ValidationError(
                _("Un module compte de %(min)s à %(max)s séances.")
                % {"min": SESSIONS_MIN, "max": SESSIONS_MAX}
            )
        return count

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("La fin de la période doit suivre son début."))
        return data

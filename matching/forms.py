from django import forms
from django.utils.translation import gettext_lazy as _

from astep.forms import submit_helper


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi déclinez-vous cette proposition ?"),
        help_text=_("Le correspondant en tiendra compte pour vous proposer une autre classe."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Décliner la proposition"), form_tag=False)


class PairChoiceForm(forms.Form):
    """A correspondent's decision on one pair of a plan (hidden fields of the plan page)."""

    request = forms.IntegerField(min_value=1)
    volunteer = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(
        choices=[("lock", _("Verrouiller")), ("exclude", _("Écarter")), ("release", _("Libérer"))]
    )
    reason = forms.CharField(required=False, max_length=1000)


class VolunteerChoiceForm(forms.Form):
    volunteer = forms.IntegerField(min_value=1)

from django import forms
from django.utils.translation import gettext_lazy as _

from astep.accounts.models import Role

SELF_SERVICE_ROLES = [
    (
        Role.TEACHER.value,
        _("Je suis professeur ou professeure des écoles et je cherche un accompagnement"),
    ),
    (
        Role.VOLUNTEER.value,
        _("Je suis étudiant·e ou scientifique et je souhaite accompagner une classe"),
    ),
]


class SignupForm(forms.Form):
    """Extra sign-up fields: names and the role (only teacher or volunteer).

    Correspondents and national staff get their role and scope from an administrator.
    """

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    role = forms.ChoiceField(
        label=_("Vous êtes"), choices=SELF_SERVICE_ROLES, widget=forms.RadioSelect
    )

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.role = self.cleaned_data["role"]
        user.save()

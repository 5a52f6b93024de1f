from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from astep.accounts.models import SELF_REGISTERED_ROLES, Role, User
from astep.forms import submit_helper

SIGNUP_LABELS = {
    Role.TEACHER: _("Je suis professeur ou professeure des écoles et je cherche un accompagnement"),
    Role.VOLUNTEER: _("Je suis étudiant·e ou scientifique et je souhaite accompagner une classe"),
}


class SignupForm(forms.Form):
    """Extra sign-up fields: names and the role (only teacher or volunteer).

    Correspondents and national staff get their role and scope from an administrator.
    """

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    role = forms.ChoiceField(
        label=_("Vous êtes"),
        choices=[(role.value, SIGNUP_LABELS[role]) for role in SELF_REGISTERED_ROLES],
        widget=forms.RadioSelect,
    )

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.role = self.cleaned_data["role"]
        user.save()


class AccountDeleteForm(forms.Form):
    """Confirm the deletion of one's account: the current password and an acknowledgement."""

    password = forms.CharField(
        label=_("Votre mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    understood = forms.BooleanField(
        label=_(
            "Je comprends que mon compte sera anonymisé définitivement "
            "et que je ne pourrai plus m'y connecter."
        ),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = submit_helper(_("Supprimer définitivement mon compte"))
        self.helper.form_action = reverse("accounts:account_delete")

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("Ce mot de passe n'est pas le bon."), code="wrong_password"
            )
        return password

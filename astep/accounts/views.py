"""The user's data rights (RGPD): the privacy page, their data, its export, the account deletion."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from astep.accounts.data_rights import (
    GRACE,
    INACTIVITY,
    user_anonymise,
    user_export,
)
from astep.accounts.forms import AccountDeleteForm
from astep.volunteers.models import VolunteerProfile

EXPORT_FILENAME = "mes-donnees-astep.zip"


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    """The public page: what the portal keeps, why, how long, who sees it, your rights."""
    return render(
        request,
        "accounts/privacy.html",
        {
            "title": _("Données personnelles"),
            "inactivity_years": INACTIVITY.days // 365,
            "grace_days": GRACE.days,
        },
    )


@login_required
def data(request: HttpRequest) -> HttpResponse:
    """The signed-in user's rights: download their data, delete their account."""
    return _data_page(request, AccountDeleteForm(user=request.user))


@login_required
@require_GET
def data_export(request: HttpRequest) -> HttpResponse:
    """Download the zip of one's own data (RGPD art. 15 and 20)."""
    response = HttpResponse(user_export(user=request.user), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILENAME}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def account_delete(request: HttpRequest) -> HttpResponse:
    """Anonymise one's own account once the password is typed again (RGPD art. 17).

    Managed accounts (correspondents, inspectors, national staff) get 403: their
    administrator closes them.
    """
    if not request.user.manages_own_account:
        return _data_page(request, None, status=403)
    form = AccountDeleteForm(request.POST, user=request.user)
    if not form.is_valid():
        return _data_page(request, form)
    user_anonymise(user=request.user, now=timezone.now())
    logout(request)
    messages.success(
        request,
        _(
            "Votre compte a été supprimé : vos informations personnelles sont effacées. "
            "Les modules auxquels vous avez participé restent comptés, sans votre nom."
        ),
    )
    return redirect("home")


def _data_page(
    request: HttpRequest, form: AccountDeleteForm | None, status: int = 200
) -> HttpResponse:
    self_managed = request.user.manages_own_account
    return render(
        request,
        "accounts/data.html",
        {
            "title": _("Mes données"),
            "profile": VolunteerProfile.objects.filter(user=request.user).first(),
            "self_managed": self_managed,
            "form": form if self_managed else None,
            "refused": status == 403,
            "inactivity_years": INACTIVITY.days // 365,
            "grace_days": GRACE.days,
        },
        status=status,
    )

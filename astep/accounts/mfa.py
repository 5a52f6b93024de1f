"""Multi-factor authentication required for the accounts that decide or see a whole territory."""

from collections.abc import Callable

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# What a user without a second factor may still reach: setting it up (allauth asks the
# password again first), its recovery codes, and leaving.
SETUP_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
        "account_logout",
    }
)


def mfa_missing(user) -> bool:
    """Whether `user` must use a second factor and has no TOTP authenticator yet.

    Anonymous users and roles without the requirement (`User.mfa_required`) give False.
    Allauth asks the code at login to everyone who has an authenticator, so a user who
    has one has also passed it (or used a recovery code) in this session.
    """
    if not (user.is_authenticated and user.mfa_required):
        return False
    return not get_adapter().is_mfa_enabled(user, types=[Authenticator.Type.TOTP])


class MfaRequiredMiddleware:
    """Send a user who needs MFA and has none to the TOTP activation page, with a message.

    Place after AuthenticationMiddleware and MessageMiddleware. Only resolved views are
    checked (process_view): static files are served before the middleware stack.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.resolver_match.url_name in SETUP_URL_NAMES or not mfa_missing(request.user):
            return None
        messages.warning(
            request,
            _(
                "Votre rôle donne accès à des données de tout un territoire : activez la "
                "double authentification (une application d'authentification sur votre "
                "téléphone) pour continuer."
            ),
        )
        return redirect("mfa_activate_totp")

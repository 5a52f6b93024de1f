"""Logging out of the portal logs out of ProConnect too (RP-initiated logout).

ProConnect asks its clients to end the agent's session at its `end_session_endpoint`,
with the ID token it issued (`id_token_hint`), a `state`, and a `post_logout_redirect_uri`
registered with the client: the agent then comes back to the portal's home page.
"""

import secrets
from urllib.parse import urlencode

from django.http import HttpRequest

SESSION_KEY = "proconnect_end_session"


def end_session_remember(request: HttpRequest, *, end_session_endpoint: str, id_token: str) -> None:
    """Keep in the session the provider's end-session address and the raw ID token (JWT)."""
    if end_session_endpoint and id_token:
        request.session[SESSION_KEY] = {"endpoint": end_session_endpoint, "id_token": id_token}


def end_session_url(request: HttpRequest, post_logout_redirect_uri: str) -> str | None:
    """Return the address that ends the ProConnect session, or None when the user came otherwise.

    `post_logout_redirect_uri` is absolute and must be registered with ProConnect.
    """
    remembered = request.session.get(SESSION_KEY)
    if not (remembered and request.user.is_authenticated):
        return None
    query = urlencode(
        {
            "id_token_hint": remembered["id_token"],
            "state": secrets.token_urlsafe(16),
            "post_logout_redirect_uri": post_logout_redirect_uri,
        }
    )
    return f"{remembered['endpoint']}?{query}"


class ProConnectLogoutMixin:
    """For allauth's account adapter: after logging out, an agent who came by ProConnect
    leaves ProConnect too (the redirect is computed before the session ends)."""

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        home = super().get_logout_redirect_url(request)
        return end_session_url(request, request.build_absolute_uri(home)) or home

"""The ProConnect provider: allauth's openid_connect, with ProConnect's scopes and claims."""

import secrets

from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
    _pick_data,
)
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

from astep.accounts.proconnect.logout import end_session_remember
from astep.accounts.proconnect.userinfo import userinfo_decode

# The claims the portal needs, as ProConnect names its scopes (no "profile" scope there).
SCOPES = ["openid", "given_name", "usual_name", "email", "uid", "siret", "idp_id"]
# ProConnect requires a nonce; allauth's openid_connect sends none, so we send and check it.
NONCE_SESSION_KEY = "proconnect_nonce"


class ProConnectOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    """The openid_connect adapter, reading the userinfo as a JWT it verifies."""

    def complete_login(self, request, app, token, **kwargs):
        """Log in as allauth does once the ID token carries the nonce we sent; keep in the
        session what logging out of ProConnect needs.

        Raises OAuth2Error when the nonce is missing or another (a replayed ID token).
        """
        login = super().complete_login(request, app, token, **kwargs)
        sent = request.session.pop(NONCE_SESSION_KEY, "")
        received = login.account.extra_data.get("id_token", {}).get("nonce", "")
        if not (sent and secrets.compare_digest(sent, received)):
            raise OAuth2Error("ProConnect ID token without the nonce of this login")
        end_session_remember(
            request,
            end_session_endpoint=self.openid_config.get("end_session_endpoint", ""),
            id_token=kwargs["response"].get("id_token", ""),
        )
        return login

    def _fetch_user_info(self, access_token: str) -> dict:
        """Return the verified claims of the userinfo endpoint (see `userinfo_decode`).

        Raises OAuth2Error when the answer is not a JWT or does not verify.
        """
        headers = {"Authorization": f"Bearer {access_token}"}
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, headers=headers)
            response.raise_for_status()
        if not response.headers.get("Content-Type", "").startswith("application/jwt"):
            raise OAuth2Error("ProConnect userinfo is not a signed JWT")
        return userinfo_decode(
            response.text,
            jwks_uri=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            client_id=self.get_provider().app.client_id,
        )


class ProConnectProvider(OpenIDConnectProvider):
    """allauth's openid_connect provider for ProConnect (SOCIALACCOUNT_PROVIDERS `provider_class`).

    Its URLs are those of openid_connect (/comptes/oidc/<provider_id>/login/ and
    …/login/callback/) served by this package's views, which use the adapter above.
    """

    package = "astep.accounts.proconnect"
    oauth2_adapter_class = ProConnectOAuth2Adapter

    def get_default_scope(self) -> list[str]:
        return SCOPES

    def get_auth_params(self) -> dict:
        # ProConnect asks every client to state the level of assurance it accepts.
        return {"acr_values": "eidas1", **super().get_auth_params()}

    def get_auth_params_from_request(self, request, action) -> dict:
        """The authorization parameters, with a fresh nonce kept in the session."""
        nonce = request.session[NONCE_SESSION_KEY] = secrets.token_urlsafe(32)
        return {**super().get_auth_params_from_request(request, action), "nonce": nonce}

    def extract_common_fields(self, data: dict) -> dict:
        """Map ProConnect's claims to our User: given_name → first name, usual_name → last name."""
        data = _pick_data(data)
        return {
            "email": data.get("email"),
            "first_name": data.get("given_name", ""),
            "last_name": data.get("usual_name", ""),
        }

    def extract_email_addresses(self, data: dict) -> list[EmailAddress]:
        # ProConnect only hands out the professional address its identity provider
        # verified, and sends no email_verified claim: trust it as verified.
        email = _pick_data(data).get("email")
        return [EmailAddress(email=email, verified=True, primary=True)] if email else []

"""A local stand-in for ProConnect: django-oidc-provider, answering userinfo as ProConnect does.

django-oidc-provider is a real OpenID provider (authorize, token, JWKS, discovery, RS256 ID
tokens) but answers userinfo in JSON, while ProConnect answers a JWT signed with its key
(application/jwt). `userinfo_jwt` wraps the provider's own userinfo in such a JWT, signed
with the provider's RSA key and its kid, with `iss` and `aud` as ProConnect sets them: our
adapter is then checked against the same shape of answer as in production. Setting
`IDP_USERINFO_FORGERY` ("foreign_key" or "wrong_audience") makes the answer one that the
adapter must refuse.

The provider's login account is a row of the same User table (one database serves both
sides); the identity it asserts is the agent of `AGENT`, whose address differs, so the
portal's account is a row of its own. Serve with `@pytest.mark.urls("tests.proconnect.idp")`.
"""

import json
import time

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from oidc_provider import urls as oidc_urls
from oidc_provider import views as oidc_views
from oidc_provider.lib.claims import ScopeClaims
from oidc_provider.lib.utils.common import get_issuer
from oidc_provider.lib.utils.oauth2 import extract_access_token
from oidc_provider.models import RSAKey, Token

AGENT = {
    "given_name": "Claire",
    "usual_name": "Martin",
    "email": "claire.martin@ac-rennes.fr",
    "uid": "agent-4242",
    "siret": "17350001000014",
    "idp_id": "ac-rennes",
}


class ProConnectScopeClaims(ScopeClaims):
    """ProConnect's scopes, one claim each, all telling the identity of `AGENT`."""

    def scope_given_name(self) -> dict:
        return {"given_name": AGENT["given_name"]}

    def scope_usual_name(self) -> dict:
        return {"usual_name": AGENT["usual_name"]}

    def scope_email(self) -> dict:
        return {"email": AGENT["email"]}

    def scope_uid(self) -> dict:
        return {"uid": AGENT["uid"]}

    def scope_siret(self) -> dict:
        return {"siret": AGENT["siret"]}

    def scope_idp_id(self) -> dict:
        return {"idp_id": AGENT["idp_id"]}


def rsa_private_pem() -> str:
    """A new 2048-bit RSA private key, PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


@csrf_exempt
@login_not_required
def userinfo_jwt(request: HttpRequest) -> HttpResponse:
    """The provider's userinfo claims as a JWT signed RS256 by its key (see the module)."""
    answer = oidc_views.userinfo(request)
    if answer.status_code != 200:
        return answer
    token = Token.objects.select_related("client").get(access_token=extract_access_token(request))
    now = int(time.time())
    claims = json.loads(answer.content) | {
        "iss": get_issuer(request=request),
        "aud": token.client.client_id,
        "iat": now,
        "exp": now + 60,
    }
    signing_key = RSAKey.objects.first()
    private_pem = signing_key.key
    forgery = getattr(settings, "IDP_USERINFO_FORGERY", "")
    if forgery == "wrong_audience":
        claims["aud"] = "un-autre-service"
    elif forgery == "foreign_key":
        private_pem = rsa_private_pem()  # same kid, another key: the signature cannot verify
    body = jwt.encode(claims, private_pem, algorithm="RS256", headers={"kid": signing_key.kid})
    return HttpResponse(body, content_type="application/jwt")


# The provider's endpoints are public by nature (deny-by-default middleware aside).
for pattern in oidc_urls.urlpatterns:
    pattern.callback = login_not_required(pattern.callback)

urlpatterns = [
    re_path(r"^idp/userinfo/?$", userinfo_jwt),
    path("idp/", include("oidc_provider.urls", namespace="oidc_provider")),
    path("", include("astep.urls")),
]

"""Verify the userinfo of ProConnect: a JWT signed by the provider, not plain JSON."""

import jwt
from allauth.socialaccount.providers.oauth2.client import OAuth2Error

# ProConnect signs its ID tokens and userinfo with RS256 (documentation of the provider,
# "userinfo_signed_response_alg"); pinning it refuses a token that names another algorithm.
ALGORITHMS = ["RS256"]

# A provider that does not answer fails the login in 5 s (urllib's default would be 30 s).
JWKS_TIMEOUT = 5


def userinfo_decode(token: str, *, jwks_uri: str, issuer: str, client_id: str) -> dict:
    """Return the claims of a userinfo JWT once its signature, issuer and audience hold.

    `token` is the body of the userinfo response (compact JWS); the key is the one of the
    provider's JWKS (`jwks_uri`, fetched over HTTPS) that its header's `kid` names. The
    token must come from `issuer` and be meant for us (`aud` = our `client_id`).
    Returns the claims as a dict (sub, given_name, usual_name, email, uid, siret, idp_id…).
    Raises OAuth2Error, which allauth shows as a failed login, when any check fails.
    """
    try:
        key = jwt.PyJWKClient(jwks_uri, timeout=JWKS_TIMEOUT).get_signing_key_from_jwt(token)
        return jwt.decode(
            token,
            key=key,
            algorithms=ALGORITHMS,
            issuer=issuer,
            audience=client_id,
            options={"require": ["iss", "aud", "sub"]},
        )
    except jwt.PyJWTError as error:
        raise OAuth2Error(f"ProConnect userinfo refused: {error}") from error

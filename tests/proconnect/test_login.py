"""ProConnect login, end to end against a real OpenID provider on the live server.

Our app is driven by the Django test client; the provider (tests/proconnect/idp.py) is
reached over HTTP, by our callback (code exchange, JWKS, userinfo) and by a
requests.Session that plays the agent's browser at the provider.
"""

from urllib.parse import urljoin, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse
from oidc_provider.models import Client, ResponseType, RSAKey

from astep.accounts.models import Role, User
from astep.accounts.proconnect.provider import NONCE_SESSION_KEY
from tests.factories import UserFactory, totp_code
from tests.proconnect.idp import AGENT, rsa_private_pem

# Committed rows: the provider answers from the live server's thread. Serialized rollback
# gives the next tests the rows of the data migrations back, as the other such tests do.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.urls("tests.proconnect.idp"),
]

CLIENT_ID, CLIENT_SECRET = "astep-portail", "secret-de-test"
CALLBACK = "http://testserver" + "/comptes/oidc/proconnect/login/callback/"
REFUSED = "n'a pas pu être vérifiée"


@pytest.fixture
def provider(live_server, settings):
    """The provider's key, our client registered at it, its login account; our settings."""
    RSAKey.objects.create(key=rsa_private_pem())
    client = Client.objects.create(
        name="ASTEP",
        client_type="confidential",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        jwt_alg="RS256",
        require_consent=False,
        _redirect_uris=CALLBACK,
        _post_logout_redirect_uris="http://testserver/",
    )
    code, _ = ResponseType.objects.get_or_create(
        value="code", defaults={"description": "code (Authorization Code Flow)"}
    )
    client.response_types.add(code)
    settings.SITE_URL = live_server.url  # the provider's issuer and endpoints
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            **settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": [
                {
                    "provider_id": "proconnect",
                    "name": "ProConnect",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": f"{live_server.url}/idp"},
                }
            ],
        }
    }
    return UserFactory(email="compte-idp@idp.test", role=Role.TEACHER)  # the agent at the provider


def proconnect_login(client, live_server, nonce: str | None = None):
    """Click the button, log in at the provider, come back (with `nonce` in our session
    instead of the one sent, when given).

    Returns the response of our callback and the agent's browser at the provider.
    """
    response = client.post(reverse("openid_connect_login", args=["proconnect"]))
    assert response.status_code == 302
    assert "nonce=" in response["Location"] and "acr_values=eidas1" in response["Location"]
    if nonce is not None:
        session = client.session
        session[NONCE_SESSION_KEY] = nonce
        session.save()
    assert response["Location"].startswith(f"{live_server.url}/idp/authorize")
    browser = requests.Session()
    login_page = browser.get(response["Location"])  # the provider sends to its login page
    answer = browser.post(
        login_page.url,
        data={
            "login": "compte-idp@idp.test",
            "password": "secret-pass-123",
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        headers={"Referer": login_page.url},
        allow_redirects=False,
    )
    location = answer.headers["Location"]
    while not location.startswith(CALLBACK):  # up to the redirect with the code
        answer = browser.get(urljoin(answer.url, location), allow_redirects=False)
        assert answer.status_code == 302, (answer.url, answer.text[-3000:])
        location = answer.headers["Location"]
    parts = urlsplit(location)
    return client.get(f"{parts.path}?{parts.query}"), browser


def test_the_login_page_shows_the_proconnect_button_only_when_configured(client, settings):
    assert "S'identifier avec" not in client.get(reverse("account_login")).content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            **settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": [
                {
                    "provider_id": "proconnect",
                    "name": "ProConnect",
                    "client_id": "x",
                    "secret": "y",
                    "settings": {"server_url": "https://idp.invalid"},
                }
            ],
        }
    }
    page = client.get(reverse("account_login")).content.decode()
    assert "S'identifier avec" in page and "ProConnect" in page
    assert reverse("openid_connect_login", args=["proconnect"]) in page


def test_an_agent_arriving_by_proconnect_gets_a_teacher_account_with_their_name(
    client, live_server, provider
):
    response, _ = proconnect_login(client, live_server)

    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email=AGENT["email"])
    assert (user.first_name, user.last_name, user.role) == ("Claire", "Martin", Role.TEACHER)
    assert client.get(reverse("home")).wsgi_request.user == user
    extra = SocialAccount.objects.get(user=user).extra_data["userinfo"]
    assert (extra["siret"], extra["idp_id"]) == (AGENT["siret"], AGENT["idp_id"])


def test_an_account_opened_by_an_administrator_is_found_by_its_address(
    client, live_server, provider
):
    staff = UserFactory(email=AGENT["email"], role=Role.DEPARTMENTAL_CORRESPONDENT)

    callback = proconnect_login(client, live_server)[0]

    # A correspondent's second factor is asked after ProConnect too (MFA for their role).
    assert callback["Location"] == reverse("mfa_authenticate")
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.get(reverse("home")).wsgi_request.user == staff
    assert User.objects.filter(email=AGENT["email"]).count() == 1
    staff.refresh_from_db()
    assert staff.role == Role.DEPARTMENTAL_CORRESPONDENT  # ProConnect grants no role


def test_logging_out_of_the_portal_ends_the_proconnect_session_too(client, live_server, provider):
    _, browser = proconnect_login(client, live_server)

    leave = client.post(reverse("account_logout"))

    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
    end_session = leave["Location"]
    assert end_session.startswith(f"{live_server.url}/idp/end-session?")
    assert "id_token_hint=" in end_session and "state=" in end_session
    back = browser.get(end_session, allow_redirects=False)  # the provider knows its token
    assert back.status_code == 302
    assert back.headers["Location"].startswith("http://testserver/?state=")
    # the agent's session at the provider is over: authorizing again asks to log in
    again = browser.get(
        client.post(reverse("openid_connect_login", args=["proconnect"]))["Location"]
    )
    assert "/comptes/login/" in again.url


def test_logging_out_after_a_password_login_stays_on_the_portal(client, db):
    client.force_login(UserFactory())

    assert client.post(reverse("account_logout"))["Location"] == "/"


@pytest.mark.parametrize("forgery", ["foreign_key", "wrong_audience"])
def test_a_userinfo_that_does_not_verify_refuses_the_login_and_creates_nobody(
    client, live_server, provider, settings, forgery
):
    settings.IDP_USERINFO_FORGERY = forgery

    response, _ = proconnect_login(client, live_server)

    assert response.status_code == 401
    assert REFUSED in response.content.decode()
    assert not User.objects.filter(email=AGENT["email"]).exists()
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_an_id_token_with_another_nonce_refuses_the_login(client, live_server, provider):
    response, _ = proconnect_login(client, live_server, nonce="celui-d-une-autre-connexion")

    assert response.status_code == 401
    assert REFUSED in response.content.decode()
    assert not User.objects.filter(email=AGENT["email"]).exists()

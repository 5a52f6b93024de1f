"""Deny by default, the Content-Security-Policy, rate limits and enumeration-safe answers."""

import re

import pytest
from django.core import mail
from django.http import HttpResponse
from django.urls import URLResolver, get_resolver, path, reverse

from astep.accounts.models import Role
from astep.urls import urlpatterns as portal_urlpatterns
from tests.factories import UserFactory, departement

pytestmark = pytest.mark.django_db

# The only views anonymous visitors reach; any other view asks to sign in first.
PUBLIC_VIEWS = {
    "home",
    "healthz",
    "privacy",
    "accessibility",
    "legal_notice",
    "sitemap",
    "set_language",  # the language switcher, shown before signing in too
    "modules:feed",  # a calendar app's feed: its token is the secret
    "admin:login",  # allauth's secure_admin_login sends it to the portal's sign-in
    # allauth's own (marked by allauth): sign in and up, second factor, forgotten password.
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_email_verification_sent",
    "account_confirm_login_code",
    "account_confirm_email",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "mfa_authenticate",
    # allauth's social login: ProConnect's button and return, its cancel page and sign-up form.
    "openid_connect_login",
    "openid_connect_callback",
    "socialaccount_login_cancelled",
    "socialaccount_signup",
}


def page_without_marking(request):
    return HttpResponse("Une page ajoutée sans décorateur")


urlpatterns = [*portal_urlpatterns, path("nouvelle-page/", page_without_marking)]


def url_names(patterns, namespace=""):
    """Yield (name, view) for every URL pattern, names prefixed by their namespace."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        else:
            yield f"{namespace}{pattern.name}", pattern.callback


def test_every_view_needs_a_signed_in_user_except_the_listed_public_ones():
    public = {
        name
        for name, view in url_names(get_resolver().url_patterns)
        if getattr(view, "login_required", True) is False
    }

    assert public == PUBLIC_VIEWS


@pytest.mark.urls(__name__)
def test_a_new_page_without_decorator_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/nouvelle-page/")

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=/nouvelle-page/"


@pytest.mark.parametrize(
    "name", ["home", "privacy", "account_login", "account_signup", "account_reset_password"]
)
def test_the_public_pages_answer_anonymous_visitors(client, name):
    assert client.get(reverse(name)).status_code == 200


def test_the_admin_sends_anonymous_visitors_to_the_portal_sign_in(client):
    response = client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "national"])
def test_pages_carry_a_csp_without_inline_scripts(client, signed_in):
    if signed_in:
        client.force_login(UserFactory(role=Role.NATIONAL))

    response = client.get(reverse("home"))

    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["script-src"] == "'self'"
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    assert scripts, "the DSFR scripts are on every page"
    assert all(" src=" in attributes for attributes in scripts)
    assert not re.search(r"\s(style|on[a-z]+)=", response.content.decode())


def test_the_sixth_failed_sign_in_of_an_account_is_refused_in_french(client):
    user = UserFactory(role=Role.TEACHER)
    wrong = {"login": user.email, "password": "not-the-password"}
    for _ in range(5):
        assert "incorrect" in client.post(reverse("account_login"), wrong).content.decode()

    right = {"login": user.email, "password": "secret-pass-123"}
    refused = client.post(reverse("account_login"), right).content.decode()

    assert "Trop de tentatives de connexion échouées" in refused
    assert "_auth_user_id" not in client.session


def test_too_many_sign_ins_from_one_address_get_429_in_french(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    for _ in range(3):
        client.post(reverse("account_login"), {"login": "a@example.test", "password": "x"})

    response = client.post(reverse("account_login"), {"login": "a@example.test", "password": "x"})

    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


def test_a_reset_for_an_unknown_address_looks_like_one_for_a_known_address(
    client, django_capture_on_commit_callbacks
):
    known = UserFactory(role=Role.TEACHER)

    # allauth's mails go through the outbox: sent once the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post(reverse("account_reset_password"), {"email": email}, follow=True)
            for email in (known.email, "inconnu@example.test")
        ]

    assert [a.redirect_chain[-1][0] for a in answers] == [
        reverse("account_reset_password_done")
    ] * 2
    # Each address gets a mail: the unknown one is told no account exists there.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([known.email, "inconnu@example.test"])


def test_signing_up_with_a_taken_address_looks_like_a_new_sign_up(client):
    known = UserFactory(role=Role.TEACHER)
    form = {
        "first_name": "Claire",
        "last_name": "Fabre",
        "role": Role.TEACHER,
        "password1": "Un-mot-de-passe-solide-42",
        "password2": "Un-mot-de-passe-solide-42",
    }

    answers = [
        client_post_signup(client, {**form, "email": email})
        for email in ("nouvelle@example.test", known.email)
    ]

    assert [a.redirect_chain[-1][0] for a in answers] == [
        reverse("account_email_verification_sent")
    ] * 2


def client_post_signup(client, data):
    client.logout()
    return client.post(reverse("account_signup"), data, follow=True)


def sign_in_from(client, address_chain):
    return client.post(
        reverse("account_login"),
        {"login": "a@example.test", "password": "x"},
        headers={"x-forwarded-for": address_chain},
    )


def test_behind_one_proxy_the_limit_counts_the_address_the_proxy_saw(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    # The client writes the first entries; the proxy appends the address it saw.
    for forged in ("10.0.0.1", "10.0.0.2"):
        assert sign_in_from(client, f"{forged}, 203.0.113.7").status_code == 200

    assert sign_in_from(client, "10.0.0.3, 203.0.113.7").status_code == 429
    assert sign_in_from(client, "10.0.0.3, 198.51.100.9").status_code == 200


def test_without_a_proxy_a_forged_forwarded_for_changes_nothing(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for forged in ("10.0.0.1", "10.0.0.2"):
        sign_in_from(client, forged)

    assert sign_in_from(client, "10.0.0.3").status_code == 429


CORRESPONDENT_PAGES = [
    "home",
    "volunteers:queue",
    "matching:board",
    "classes:request_list",
    "modules:list",
    "surveys:reports",
    "accounts:data",
    "mfa_index",
]


def test_the_correspondents_pages_have_no_inline_script_or_style(client):
    client.force_login(
        UserFactory(role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("035"))
    )

    for name in CORRESPONDENT_PAGES:
        response = client.get(reverse(name))
        html = response.content.decode()
        assert response.status_code == 200, name
        assert "Content-Security-Policy" in response.headers, name
        assert all(" src=" in tag for tag in re.findall(r"<script([^>]*)>", html)), name
        assert not re.search(r"<style|\s(style|on[a-z]+)=", html), name

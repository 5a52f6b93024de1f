"""A second factor (TOTP) is required of correspondents, DGESCO staff and admins."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from astep.accounts.management.commands.seed_demo import DEMO_TOTP_SECRET
from astep.accounts.management.commands.seed_demo import PASSWORD as DEMO_PASSWORD
from astep.accounts.models import Role, User
from tests.factories import TOTP_SECRET, EcoleFactory, UserFactory, departement, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"


def sign_in(client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )


@pytest.fixture
def correspondent():
    return UserFactory(
        role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("035"), second_factor=False
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"role": Role.DEPARTMENTAL_CORRESPONDENT},
        {"role": Role.ACADEMIC_CORRESPONDENT},
        {"role": Role.SCIENTIFIC_CORRESPONDENT},
        {"role": Role.NATIONAL},
        {"role": Role.TEACHER, "is_staff": True},
    ],
    ids=["departmental", "academic", "scientific", "national", "admin"],
)
def test_a_user_whose_role_requires_mfa_is_sent_to_set_it_up_before_any_page(client, fields):
    user = UserFactory(**fields, second_factor=False)
    client.force_login(user)

    response = client.get(reverse("home"), follow=True)

    assert response.redirect_chain[0] == (reverse("mfa_activate_totp"), 302)
    assert "activez la double authentification" in response.content.decode()


@pytest.mark.parametrize("role", [Role.TEACHER, Role.VOLUNTEER, Role.CIRCONSCRIPTION_INSPECTOR])
def test_teachers_volunteers_and_inspectors_are_not_asked_for_a_second_factor(client, role):
    client.force_login(UserFactory(role=role))

    assert client.get(reverse("home")).status_code == 200


def test_a_correspondent_activates_totp_then_must_give_a_code_at_each_login(client, correspondent):
    signed_in = sign_in(client, correspondent)
    # allauth asks the password again before any change of the sign-in factors.
    assert signed_in.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    page = client.post(signed_in.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert page.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()  # to type in an app that cannot read the QR code

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=correspondent).exists()

    activated = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}, follow=True)
    # Then the recovery codes, to keep for the day the phone is lost.
    assert activated.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=correspondent, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("account_logout"))

    # A code serves once: sign in again in the next 30-second period.
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        asked = sign_in(client, correspondent)
        assert asked.redirect_chain[-1][0] == reverse("mfa_authenticate")
        assert client.get(reverse("accounts:data")).status_code == 302  # not signed in yet

        refused = client.post(reverse("mfa_authenticate"), {"code": "123456"})
        assert refused.status_code == 200
        assert "Code incorrect" in refused.content.decode()

        home = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}, follow=True)
        assert home.redirect_chain[-1][0] == reverse("home")
        assert home.context["user"] == correspondent


def test_the_factories_second_factor_is_asked_at_login(client):
    user = UserFactory(role=Role.NATIONAL)

    asked = sign_in(client, user)
    assert asked.redirect_chain[-1][0] == reverse("mfa_authenticate")
    home = client.post(reverse("mfa_authenticate"), {"code": totp_code(TOTP_SECRET)}, follow=True)

    assert home.redirect_chain[-1][0] == reverse("home")


def test_the_activation_page_shows_the_qr_code_and_the_secret_in_dsfr_fields(client, correspondent):
    signed_in = sign_in(client, correspondent)
    page = client.post(signed_in.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    html = page.content.decode()

    assert "Activer l'application d'authentification" in html
    assert '<img src="data:image/svg+xml;base64,' in html
    secret = client.session[SECRET_SESSION_KEY]
    assert f'<input class="fr-input" type="text" id="authenticator_secret" value="{secret}"' in html
    assert 'name="code"' in html


def test_a_recovery_code_signs_in_once_instead_of_the_app(client, correspondent):
    sign_in(client, correspondent)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    codes_page = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}, follow=True)
    recovery_code = codes_page.context["unused_codes"][0]
    client.post(reverse("account_logout"))

    sign_in(client, correspondent)
    home = client.post(reverse("mfa_authenticate"), {"code": recovery_code}, follow=True)
    assert home.redirect_chain[-1][0] == reverse("home")
    client.post(reverse("account_logout"))

    sign_in(client, correspondent)
    reused = client.post(reverse("mfa_authenticate"), {"code": recovery_code})
    assert reused.status_code == 200
    assert "Code incorrect" in reused.content.decode()


def test_the_demo_accounts_that_need_mfa_sign_in_with_the_documented_key(client):
    EcoleFactory()
    call_command("seed_demo", stdout=StringIO())
    dgesco = User.objects.get(email="dgesco@demo.astep.test")

    client.post(reverse("account_login"), {"login": dgesco.email, "password": DEMO_PASSWORD})
    home = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(DEMO_TOTP_SECRET)}, follow=True
    )

    assert home.context["user"] == dgesco
    assert not Authenticator.objects.filter(user__email="enseignante@demo.astep.test").exists()

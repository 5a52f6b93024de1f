from django.urls import reverse

from astep.accounts.models import Role
from astep.volunteers.models import CharterSignature, VolunteerProfile
from tests.factories import CommuneFactory, UserFactory

PROFILE = {
    "birth_date": "2009-03-01",
    "level": "bac+1",
    "field": "physics",
    "status": "student",
    "organisation": "",
    "max_distance_km": 10,
    "half_days": ["1-am"],
}


def test_an_under_18_bac_plus_1_volunteer_is_told_why_they_are_refused(client, db):
    CommuneFactory(name="Bruz", postcodes="35170")
    client.force_login(UserFactory(role=Role.VOLUNTEER))
    response = client.post(
        reverse("volunteers:profile"), PROFILE | {"commune_text": "Bruz"}, follow=True
    )
    page = response.content.decode()
    assert "Vous n'êtes pas éligible pour l'instant" in page
    assert "Il faut être majeur" in page and "au moins bac+2" in page
    assert VolunteerProfile.objects.get().verdict == "refused"


def test_a_profile_form_error_keeps_what_was_typed(client, db):
    client.force_login(UserFactory(role=Role.VOLUNTEER))
    response = client.post(
        reverse("volunteers:profile"),
        PROFILE | {"commune_text": "Ville-Qui-N-Existe-Pas", "organisation": "INRAE"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Aucune commune ne correspond" in page
    assert 'value="INRAE"' in page and 'value="Ville-Qui-N-Existe-Pas"' in page
    assert not VolunteerProfile.objects.exists()


def test_an_ambiguous_commune_asks_for_the_postcode(client, db):
    CommuneFactory(name="Saint-Aubin", postcodes="35250")
    CommuneFactory(name="Saint-Aubin", postcodes="36100")
    client.force_login(UserFactory(role=Role.VOLUNTEER))
    response = client.post(reverse("volunteers:profile"), PROFILE | {"commune_text": "saint-aubin"})
    assert "Ajoutez le code postal" in response.content.decode()
    response = client.post(
        reverse("volunteers:profile"), PROFILE | {"commune_text": "Saint-Aubin 35250"}
    )
    assert VolunteerProfile.objects.get().commune.postcodes == "35250"


def test_the_charter_signature_keeps_version_time_ip_and_typed_name(client, db):
    user = UserFactory(role=Role.VOLUNTEER, first_name="Lina", last_name="Kerbrat")
    client.force_login(user)
    response = client.post(
        reverse("volunteers:charter"), {"accept": "on", "full_name": "Lina Dupont"}
    )
    assert "tels qu&#x27;indiqués sur votre compte" in response.content.decode()
    client.post(
        reverse("volunteers:charter"),
        {"accept": "on", "full_name": "lina  kerbrat"},
        REMOTE_ADDR="192.0.2.7",
    )
    signature = CharterSignature.objects.get(user=user)
    assert signature.version.version == "2010"
    assert signature.ip_address == "192.0.2.7" and signature.full_name == "lina kerbrat"
    assert signature.signed_at is not None

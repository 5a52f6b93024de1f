"""The volunteer's onboarding in steps: saved as it goes, resumed where it stopped."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from astep.accounts.models import Role
from astep.volunteers.models import VolunteerProfile
from tests.factories import (
    CommuneFactory,
    OrganisationFactory,
    UserFactory,
    VolunteerProfileFactory,
    departement,
)
from tests.files import pdf_bytes, upload

PROFILE = {"birth_date": "2003-04-02", "status": "student", "organisation": ""}
LEVEL = {"level": "bac+3", "field": "physics", "diploma": "L3 de physique", "proof_kind": "diploma"}
AVAILABILITY = {
    "half_days": ["4-pm"],
    "free_months": [1, 2, 3],
    "max_distance_km": 15,
    "max_modules": 2,
}


def step(name: str) -> str:
    return reverse("volunteers:step", args=[name])


@pytest.fixture
def volunteer(client, db):
    CommuneFactory(name="Bruz", postcodes="35170")
    user = UserFactory(role=Role.VOLUNTEER, first_name="Lina", last_name="Kerbrat")
    client.force_login(user)
    return user


def test_a_new_volunteer_starts_at_the_profile_step(client, volunteer):
    assert client.get(reverse("volunteers:onboarding")).url == step("profil")


def test_a_volunteer_who_left_comes_back_to_the_step_where_they_stopped(client, volunteer):
    client.post(step("profil"), PROFILE | {"commune_text": "Bruz"})
    assert client.get(reverse("volunteers:onboarding")).url == step("niveau")
    page = client.get(step("profil")).content.decode()
    assert 'value="2003-04-02"' in page and 'value="Bruz 35170"' in page


def test_a_later_step_cannot_be_reached_before_the_earlier_ones(client, volunteer):
    response = client.get(step("disponibilites"))
    assert response.url == step("profil")


def test_a_profile_form_error_keeps_what_was_typed(client, volunteer):
    response = client.post(step("profil"), PROFILE | {"commune_text": "Ville-Qui-N-Existe-Pas"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Aucune commune ne correspond" in page
    assert 'value="2003-04-02"' in page and 'value="Ville-Qui-N-Existe-Pas"' in page
    assert not VolunteerProfile.objects.exists()


def test_an_ambiguous_commune_asks_for_the_postcode(client, volunteer):
    CommuneFactory(name="Saint-Aubin", postcodes="35250")
    CommuneFactory(name="Saint-Aubin", postcodes="36100")
    response = client.post(step("profil"), PROFILE | {"commune_text": "saint-aubin"})
    assert "Ajoutez le code postal" in response.content.decode()
    client.post(step("profil"), PROFILE | {"commune_text": "Saint-Aubin 35250"})
    assert VolunteerProfile.objects.get().commune.postcodes == "35250"


def test_an_under_18_bac_plus_1_is_told_every_reason_and_sent_to_nobody(
    client, volunteer, django_capture_on_commit_callbacks
):
    client.post(step("profil"), PROFILE | {"birth_date": "2012-03-01", "commune_text": "Bruz"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            step("niveau"),
            LEVEL | {"level": "bac+1", "proof": upload("bac.pdf", pdf_bytes())},
            follow=True,
        )
    page = response.content.decode()
    assert "Vous n'êtes pas éligible pour l'instant" in page
    assert "Il faut être majeur" in page and "au moins bac+2" in page
    profile = VolunteerProfile.objects.get()
    assert (profile.verdict, profile.review_status) == ("refused", "")
    assert mail.outbox == []


def test_an_l3_student_in_physics_is_sent_to_the_correspondent_of_their_departement(
    client, volunteer, django_capture_on_commit_callbacks
):
    UserFactory(
        role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("035"), email="ien@x.test"
    )
    UserFactory(role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("044"))
    client.post(step("profil"), PROFILE | {"commune_text": "Bruz"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            step("niveau"), LEVEL | {"proof": upload("licence.pdf", pdf_bytes())}
        )
    assert response.url == reverse("volunteers:onboarding")
    profile = VolunteerProfile.objects.get()
    assert (profile.verdict, profile.review_status) == ("eligible", "pending")
    assert profile.proof_file.name.endswith(".pdf") and "licence" not in profile.proof_file.name
    assert [m.to for m in mail.outbox] == [["ien@x.test"]]
    assert profile.events.get().kind == "submitted"


def test_a_diploma_proof_is_required(client, volunteer):
    client.post(step("profil"), PROFILE | {"commune_text": "Bruz"})
    response = client.post(step("niveau"), LEVEL)
    assert "Joignez votre justificatif" in response.content.decode()
    assert VolunteerProfile.objects.get().review_status == ""


def test_an_engineer_without_a_listed_diploma_goes_to_review_with_their_experience(
    client, volunteer
):
    client.post(step("profil"), PROFILE | {"status": "engineer", "commune_text": "Bruz"})
    response = client.post(
        step("niveau"),
        LEVEL | {"level": "experience", "field": "engineering", "diploma": ""},
    )
    assert "Décrivez votre expérience" in response.content.decode()
    client.post(
        step("niveau"),
        LEVEL
        | {
            "level": "experience",
            "field": "engineering",
            "experience": "15 ans d'ingénierie en électronique chez un équipementier",
            "proof": upload("attestation-employeur.pdf", pdf_bytes()),
        },
    )
    profile = VolunteerProfile.objects.get()
    assert (profile.verdict, profile.review_status) == ("needs_review", "pending")


def test_an_attestation_needs_an_organisation(client, volunteer):
    client.post(step("profil"), PROFILE | {"commune_text": "Bruz"})
    response = client.post(step("niveau"), LEVEL | {"proof_kind": "attestation"})
    assert "Une attestation suppose un organisme" in response.content.decode()


def test_an_attestation_is_asked_to_the_scientific_correspondent_of_the_organisation(
    client, volunteer, django_capture_on_commit_callbacks
):
    university = OrganisationFactory(name="Université de Rennes")
    UserFactory(role=Role.SCIENTIFIC_CORRESPONDENT, organisation=university, email="sci@univ.test")
    client.post(step("profil"), PROFILE | {"organisation": university.pk, "commune_text": "Bruz"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(step("niveau"), LEVEL | {"proof_kind": "attestation"})
    assert VolunteerProfile.objects.get().review_status == "awaiting_attestation"
    assert [m.to for m in mail.outbox] == [["sci@univ.test"]]


def test_the_whole_onboarding_saves_each_step_and_ends_on_the_charter(client, volunteer):
    client.post(step("profil"), PROFILE | {"commune_text": "Bruz"})
    client.post(step("niveau"), LEVEL | {"proof": upload("l3.pdf", pdf_bytes())})
    response = client.post(step("disponibilites"), AVAILABILITY)
    assert client.get(response.url).url == reverse("volunteers:charter")
    profile = VolunteerProfile.objects.get()
    assert profile.free_months == [1, 2, 3] and profile.max_modules == 2
    assert profile.half_days == ["4-pm"]


def test_a_half_finished_profile_is_never_proposed(client, volunteer):
    client.post(step("profil"), PROFILE | {"commune_text": "Bruz"})
    client.post(step("niveau"), LEVEL | {"proof": upload("l3.pdf", pdf_bytes())})
    client.post(step("disponibilites"), AVAILABILITY)
    client.post(reverse("volunteers:charter"), {"accept": "on", "full_name": "Lina Kerbrat"})
    assert VolunteerProfile.objects.get().review_status == "pending"
    assert not VolunteerProfile.objects.proposable().exists()


def test_a_changed_birth_date_is_assessed_again(client, db):
    profile = VolunteerProfileFactory(commune=CommuneFactory(name="Bruz", postcodes="35170"))
    client.force_login(profile.user)
    client.post(step("profil"), PROFILE | {"birth_date": date(2015, 1, 1), "commune_text": "Bruz"})
    profile.refresh_from_db()
    assert (profile.verdict, profile.review_status) == ("refused", "")
    assert not VolunteerProfile.objects.proposable().exists()

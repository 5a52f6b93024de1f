"""The user's data rights: the privacy page, the export of their data, the account deletion."""

import io
import json
import zipfile
from datetime import date, time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.urls import reverse

from astep.accounts.data_rights import user_export
from astep.accounts.models import Role, User
from astep.modules.models import Module
from astep.modules.models import Session as ModuleSession
from astep.volunteers.models import CharterSignature, VolunteerEvent, VolunteerProfile
from matching.models import Proposal, ProposalStatus
from surveys.figures import figures_by_departement
from tests.factories import RequestFactory, UserFactory, VolunteerProfileFactory, departement

PASSWORD = "secret-pass-123"  # the UserFactory's
PROOF = b"%PDF-1.4\n% the diploma of Lina Kerbrat\n"


@pytest.fixture
def correspondent(db) -> User:
    return UserFactory(
        role=Role.DEPARTMENTAL_CORRESPONDENT,
        departement=departement("035"),
        email="ien35@example.test",
    )


@pytest.fixture
def volunteer(correspondent) -> User:
    """A volunteer with every kind of row: profile and proof, events, signature, a module
    with a session, an accepted proposal and a pending one."""
    profile = VolunteerProfileFactory(
        user__first_name="Lina",
        user__last_name="Kerbrat",
        user__email="lina@example.test",
        diploma="Licence de physique",
        experience="Animatrice d'un club d'astronomie",
        wants_pair=True,
        pair_with="Yann Le Goff",
        review_message="Merci pour le relevé de notes.",
    )
    profile.proof_file.save("diplome.pdf", ContentFile(PROOF), save=True)
    VolunteerEvent.objects.create(profile=profile, kind="submitted", actor=profile.user)
    VolunteerEvent.objects.create(
        profile=profile, kind="validated", actor=correspondent, message="Niveau L3 vérifié."
    )
    user = profile.user
    accompanied = RequestFactory(status="matched")
    Proposal.objects.create(
        request=accompanied,
        volunteer=user,
        proposed_by=correspondent,
        distance_km=4.2,
        status=ProposalStatus.ACCEPTED,
    )
    module = Module.objects.create(
        request=accompanied, volunteer=user, school_year=accompanied.school_class.school_year
    )
    ModuleSession.objects.create(
        module=module,
        volunteer=user,
        date=date(2026, 1, 8),
        start_time=time(13, 30),
        end_time=time(16, 0),
    )
    Proposal.objects.create(
        request=RequestFactory(status="proposed"),
        volunteer=user,
        proposed_by=correspondent,
        distance_km=7.5,
    )
    return user


@pytest.fixture
def other_volunteer(correspondent) -> User:
    profile = VolunteerProfileFactory(
        user__first_name="Maël",
        user__last_name="Tanguy",
        user__email="mael@example.test",
        birth_date=date(1987, 6, 3),
        diploma="Doctorat de chimie",
    )
    VolunteerEvent.objects.create(profile=profile, kind="submitted", message="Message de Maël")
    return profile.user


@pytest.fixture
def proofs_cleanup():
    """Remove the proof files the test stored in the temporary proofs storage."""
    yield
    for profile in VolunteerProfile.objects.exclude(proof_file=""):
        profile.proof_file.storage.delete(profile.proof_file.name)


def export_of(user: User) -> tuple[zipfile.ZipFile, dict[tuple[str, int], dict]]:
    archive = zipfile.ZipFile(io.BytesIO(user_export(user=user)))
    rows = json.loads(archive.read("donnees.json"))
    return archive, {(row["model"], row["pk"]): row for row in rows}


def rows_about(user: User) -> list:
    """The rows the database holds about `user`, listed by hand, model by model."""
    profile = user.volunteer_profile
    return [
        user,
        profile,
        *EmailAddress.objects.filter(user=user),
        *CharterSignature.objects.filter(user=user),
        *VolunteerEvent.objects.filter(profile=profile),
        *Proposal.objects.filter(volunteer=user),
        *Module.objects.filter(volunteer=user),
        *ModuleSession.objects.filter(module__volunteer=user),
    ]


def test_the_export_holds_every_field_of_every_row_about_the_volunteer(volunteer, proofs_cleanup):
    _, exported = export_of(volunteer)

    expected = rows_about(volunteer)
    assert {type(obj) for obj in expected} >= {
        User,
        VolunteerProfile,
        EmailAddress,
        CharterSignature,
        VolunteerEvent,
        Proposal,
        Module,
        ModuleSession,
    }
    for obj in expected:
        row = exported[(obj._meta.label_lower, obj.pk)]
        for field in obj._meta.concrete_fields:
            if not field.primary_key:
                assert field.name in row["fields"], f"{obj._meta.label}.{field.name}"
    profile = exported[("volunteers.volunteerprofile", volunteer.volunteer_profile.pk)]
    assert profile["fields"]["birth_date"] == "2000-01-15"
    assert profile["fields"]["pair_with"] == "Yann Le Goff"
    user = exported[("accounts.user", volunteer.pk)]
    assert user["fields"]["email"] == "lina@example.test"


def test_the_export_never_holds_the_password_hash(volunteer, proofs_cleanup):
    _, exported = export_of(volunteer)

    assert exported[("accounts.user", volunteer.pk)]["fields"]["password"] == "(non exporté)"
    assert volunteer.password not in json.dumps(list(exported.values()))


def test_the_export_holds_the_proof_document_with_the_same_bytes(volunteer, proofs_cleanup):
    archive, _ = export_of(volunteer)

    name = volunteer.volunteer_profile.proof_file.name
    assert archive.read(f"documents/{name}") == PROOF


def test_the_export_holds_the_signed_charter_as_pdf_and_a_french_readme(volunteer, proofs_cleanup):
    archive, _ = export_of(volunteer)

    assert archive.read("documents/charte-astep-v2010.pdf").startswith(b"%PDF")
    assert "Vos données sur le portail ASTEP" in archive.read("LISEZMOI.txt").decode()


def test_the_export_holds_nothing_about_another_volunteer(
    volunteer, other_volunteer, proofs_cleanup
):
    archive, exported = export_of(volunteer)

    text = archive.read("donnees.json").decode()
    for secret in ("mael@example.test", "Tanguy", "1987-06-03", "Doctorat", "Message de Maël"):
        assert secret not in text
    assert ("accounts.user", other_volunteer.pk) not in exported
    assert ("volunteers.volunteerprofile", other_volunteer.volunteer_profile.pk) not in exported
    assert all(
        name in ("donnees.json", "LISEZMOI.txt") or name.startswith("documents/")
        for name in archive.namelist()
    )


def test_a_volunteer_downloads_their_own_data_as_a_zip(
    client, volunteer, other_volunteer, proofs_cleanup
):
    client.force_login(other_volunteer)

    response = client.get(reverse("accounts:data_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="mes-donnees-astep.zip"'
    text = zipfile.ZipFile(io.BytesIO(response.content)).read("donnees.json").decode()
    assert "mael@example.test" in text
    assert "lina@example.test" not in text and "Kerbrat" not in text


def test_the_data_page_shows_the_birth_date_to_the_volunteer_and_the_deletion_form(
    client, volunteer, proofs_cleanup
):
    client.force_login(volunteer)

    page = client.get(reverse("accounts:data")).content.decode()

    assert "15 janvier 2000" in page
    assert reverse("accounts:data_export") in page
    assert 'name="password"' in page and 'name="understood"' in page


def test_the_privacy_page_is_public_and_says_what_is_kept_and_how_long(client, db):
    page = client.get(reverse("privacy")).content.decode()

    assert "circulaire n° 2010-083" in page
    assert "Après 2 ans sans connexion" in page
    assert "30 jours plus tard" in page
    assert "majeur : oui" in page


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "accounts:data"),
        ("get", "accounts:data_export"),
        ("post", "accounts:account_delete"),
    ],
)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db, method, name):
    response = getattr(client, method)(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_deleting_with_a_wrong_password_keeps_the_account_and_shows_the_error(
    client, volunteer, proofs_cleanup
):
    client.force_login(volunteer)

    response = client.post(
        reverse("accounts:account_delete"), {"password": "not-my-password", "understood": "on"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    error = page.rindex("Ce mot de passe n&#x27;est pas le bon.")
    assert page.index('name="password"') < error < page.index('name="understood"')
    volunteer.refresh_from_db()
    assert volunteer.is_active and volunteer.email == "lina@example.test"
    assert volunteer.anonymised_at is None


def test_deleting_needs_the_box_i_understand_ticked(client, volunteer, proofs_cleanup):
    client.force_login(volunteer)

    response = client.post(reverse("accounts:account_delete"), {"password": PASSWORD})

    assert response.status_code == 200
    volunteer.refresh_from_db()
    assert volunteer.is_active


def test_a_volunteer_deletes_their_account_and_the_statistics_do_not_change(
    client,
    client_factory,
    volunteer,
    other_volunteer,
    proofs_cleanup,
    django_capture_on_commit_callbacks,
):
    school_year = volunteer.modules.get().school_year
    figures_before = figures_by_departement(school_year=school_year)
    profile = volunteer.volunteer_profile
    proof = profile.proof_file.storage, profile.proof_file.name
    other_browser = client_factory()
    other_browser.force_login(volunteer)
    client.force_login(volunteer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:account_delete"), {"password": PASSWORD, "understood": "on"}
        )

    assert response.status_code == 302 and response.url == reverse("home")
    assert figures_by_departement(school_year=school_year) == figures_before
    assert figures_before  # the module is counted, before and after
    user = User.objects.get(pk=volunteer.pk)
    assert (user.first_name, user.last_name) == ("", "")
    assert user.email == f"anonyme-{user.pk}@anonyme.invalid"
    assert not user.is_active and not user.has_usable_password()
    assert user.anonymised_at is not None
    assert not EmailAddress.objects.filter(user=user).exists()
    assert user.modules.count() == 1 and user.proposals.count() == 2
    profile.refresh_from_db()
    assert profile.birth_date is None and profile.commune is None
    assert (profile.diploma, profile.experience, profile.pair_with) == ("", "", "")
    assert profile.review_message == "" and not profile.proof_file
    assert (profile.level, profile.field, profile.status) == ("bac+3", "physics", "student")
    assert profile.review_status == "validated"
    assert not proof[0].exists(proof[1])
    signature = user.charter_signatures.get()
    assert (signature.full_name, signature.ip_address) == ("Anonyme", None)
    assert not VolunteerEvent.objects.filter(profile=profile).exclude(message="").exists()
    assert not user.proposals.filter(status=ProposalStatus.PENDING).exists()
    # Logged out everywhere; the other volunteer is untouched.
    assert client.get(reverse("accounts:data")).status_code == 302
    assert other_browser.get(reverse("accounts:data")).status_code == 302
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id")]
    other_volunteer.refresh_from_db()
    assert other_volunteer.is_active and other_volunteer.volunteer_profile.birth_date


def test_a_teacher_may_delete_their_account_too(client, db):
    teacher = UserFactory(role=Role.TEACHER)
    client.force_login(teacher)

    client.post(reverse("accounts:account_delete"), {"password": PASSWORD, "understood": "on"})

    teacher.refresh_from_db()
    assert teacher.anonymised_at is not None and not teacher.is_active


def test_a_correspondent_cannot_delete_their_account_and_is_told_to_ask_the_administrator(
    client, correspondent
):
    client.force_login(correspondent)

    response = client.post(
        reverse("accounts:account_delete"), {"password": PASSWORD, "understood": "on"}
    )

    assert response.status_code == 403
    assert "administrateur" in response.content.decode()
    correspondent.refresh_from_db()
    assert correspondent.is_active and correspondent.anonymised_at is None


def test_a_correspondent_sees_their_data_page_without_the_deletion_form(client, correspondent):
    client.force_login(correspondent)

    page = client.get(reverse("accounts:data")).content.decode()

    assert "Votre compte est géré par l'administrateur" in page
    assert 'name="password"' not in page


def test_deleting_an_account_needs_a_post(client, volunteer, proofs_cleanup):
    client.force_login(volunteer)

    assert client.get(reverse("accounts:account_delete")).status_code == 405

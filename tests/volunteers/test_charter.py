import io
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pypdf
import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from astep.accounts.models import Role
from astep.volunteers.charter import charter_pdf, charter_publish, charter_sign
from astep.volunteers.models import (
    CharterSignature,
    CharterVersion,
    EventKind,
    VolunteerProfile,
)
from tests.factories import UserFactory, VolunteerProfileFactory

PARIS = ZoneInfo("Europe/Paris")
V2_TEXT = "Charte de l'accompagnement, version 2025.\n\n1. Seconder l'enseignant, sans jamais le remplacer."


def noon_in_paris(day) -> datetime:
    return datetime.combine(day, time(12), tzinfo=PARIS)


def mails_to(user) -> list:
    return [message for message in mail.outbox if user.email in message.to]


@pytest.fixture
def volunteer(db):
    """A volunteer who finished onboarding and signed the 2010 charter."""
    return VolunteerProfileFactory(user__first_name="Lina", user__last_name="Kerbrat").user


@pytest.fixture
def national(db):
    return UserFactory(role=Role.NATIONAL, first_name="Claire", last_name="Martin")


def test_a_changed_charter_must_be_signed_again_before_any_new_proposal(
    client, volunteer, national, django_capture_on_commit_callbacks
):
    assert VolunteerProfile.objects.proposable().filter(user=volunteer).exists()

    with django_capture_on_commit_callbacks(execute=True):
        charter_publish(
            version="2025", effective_on=timezone.localdate(), text=V2_TEXT, by=national
        )

    assert not VolunteerProfile.objects.proposable().filter(user=volunteer).exists()
    [message] = mails_to(volunteer)
    assert message.to == [volunteer.email]
    assert "version 2025" in message.body and "dès aujourd'hui" in message.body
    assert settings.SITE_URL + reverse("volunteers:charter") in message.body

    client.force_login(volunteer)
    page = client.get(reverse("volunteers:charter")).content.decode()
    assert "Version 2025" in page and "Seconder l&#x27;enseignant" in page
    response = client.post(
        reverse("volunteers:charter"), {"accept": "on", "full_name": "Lina Kerbrat"}
    )
    assert response.status_code == 302
    assert response.url == reverse("volunteers:onboarding")
    assert VolunteerProfile.objects.proposable().filter(user=volunteer).exists()


def test_a_volunteer_who_never_signed_is_not_emailed_about_a_new_version(
    volunteer, national, django_capture_on_commit_callbacks
):
    newcomer = VolunteerProfileFactory(signed=False).user
    teacher = UserFactory(role=Role.TEACHER)
    CharterSignature.objects.create(
        user=teacher, version=CharterVersion.objects.current(), full_name="x"
    )

    with django_capture_on_commit_callbacks(execute=True):
        charter_publish(
            version="2025", effective_on=timezone.localdate(), text=V2_TEXT, by=national
        )

    assert len(mails_to(volunteer)) == 1
    assert mails_to(newcomer) == [] and mails_to(teacher) == []


def test_a_version_announced_for_a_later_date_removes_no_one_until_that_date(
    volunteer, national, django_capture_on_commit_callbacks
):
    effective_on = timezone.localdate() + timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        charter_publish(version="2025", effective_on=effective_on, text=V2_TEXT, by=national)

    [message] = mails_to(volunteer)
    assert "Signez-la avant le" in message.body
    assert VolunteerProfile.objects.proposable().filter(user=volunteer).exists()
    with time_machine.travel(noon_in_paris(effective_on - timedelta(days=1))):
        assert VolunteerProfile.objects.proposable().filter(user=volunteer).exists()
    with time_machine.travel(noon_in_paris(effective_on)):
        assert not VolunteerProfile.objects.proposable().filter(user=volunteer).exists()


def test_the_charter_page_says_when_an_announced_version_comes_into_force(
    client, volunteer, national
):
    effective_on = timezone.localdate() + timedelta(days=30)
    charter_publish(version="2025", effective_on=effective_on, text=V2_TEXT, by=national)
    client.force_login(volunteer)

    page = client.get(reverse("volunteers:charter")).content.decode()

    assert "Cette version entre en vigueur le" in page
    assert 'name="full_name"' in page


def test_a_signature_on_time_keeps_the_volunteer_proposable_after_the_date(
    client, volunteer, national
):
    effective_on = timezone.localdate() + timedelta(days=7)
    charter_publish(version="2025", effective_on=effective_on, text=V2_TEXT, by=national)
    client.force_login(volunteer)
    client.post(reverse("volunteers:charter"), {"accept": "on", "full_name": "Lina Kerbrat"})

    with time_machine.travel(noon_in_paris(effective_on)):
        assert VolunteerProfile.objects.proposable().filter(user=volunteer).exists()


def test_every_signature_is_kept_with_version_time_ip_and_typed_name(client, volunteer, national):
    v2010 = CharterVersion.objects.get(version="2010")
    v2025 = charter_publish(
        version="2025", effective_on=timezone.localdate(), text=V2_TEXT, by=national
    )
    client.force_login(volunteer)
    before = timezone.now()

    client.post(
        reverse("volunteers:charter"),
        {"accept": "on", "full_name": "  lina   KERBRAT ", "version": v2025.pk},
        REMOTE_ADDR="192.0.2.44",
    )

    signatures = CharterSignature.objects.filter(user=volunteer).order_by("signed_at")
    assert [s.version for s in signatures] == [v2010, v2025]
    new = signatures.last()
    assert new.full_name == "lina KERBRAT"
    assert new.ip_address == "192.0.2.44"
    assert new.signed_at >= before
    profile = volunteer.volunteer_profile
    assert profile.events.filter(kind=EventKind.CHARTER_SIGNED, message="Version 2025").count() == 1
    page = client.get(reverse("volunteers:charter")).content.decode()
    assert reverse("volunteers:charter_pdf", args=[signatures.first().pk]) in page
    assert reverse("volunteers:charter_pdf", args=[new.pk]) in page


def test_signing_twice_keeps_the_first_signature(volunteer):
    version = CharterVersion.objects.current()
    first = CharterSignature.objects.get(user=volunteer, version=version)

    again = charter_sign(
        user=volunteer, version=version, full_name="Autre Nom", ip_address="198.51.100.1"
    )

    assert again == first and again.full_name == first.full_name
    assert CharterSignature.objects.filter(user=volunteer).count() == 1


def test_signing_with_another_name_shows_the_error_next_to_the_field_and_keeps_it(client, national):
    user = VolunteerProfileFactory(
        signed=False, user__first_name="Lina", user__last_name="Kerbrat"
    ).user
    client.force_login(user)

    response = client.post(
        reverse("volunteers:charter"), {"accept": "on", "full_name": "Lina Dupont"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    field_error = re.search(r'id="id_full_name-desc-error">(.*?)</div>', page, re.S)
    assert "tels qu&#x27;indiqués sur votre compte : Lina Kerbrat" in field_error.group(1)
    assert 'value="Lina Dupont"' in page
    assert not CharterSignature.objects.filter(user=user).exists()


def test_a_version_published_while_the_volunteer_reads_is_not_signed_unread(
    client, volunteer, national
):
    client.force_login(volunteer)
    shown = CharterVersion.objects.latest_published()
    charter_publish(version="2025", effective_on=timezone.localdate(), text=V2_TEXT, by=national)

    response = client.post(
        reverse("volunteers:charter"),
        {"accept": "on", "full_name": "Lina Kerbrat", "version": shown.pk},
        follow=True,
    )

    assert "lisez-la avant de la signer" in response.content.decode()
    assert not CharterSignature.objects.filter(user=volunteer, version__version="2025").exists()


def test_the_signed_copy_is_a_pdf_with_the_typed_name_and_version(client, volunteer):
    signature = CharterSignature.objects.get(user=volunteer)
    client.force_login(volunteer)

    response = client.get(reverse("volunteers:charter_pdf", args=[signature.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="charte-astep-v2010.pdf"'
    assert response.content.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Lina Kerbrat" in text
    assert "Version de la charte 2010" in text
    assert "127.0.0.1" in text and "heure de Paris" in text


def test_the_pdf_gives_the_time_of_signing_in_paris(volunteer):
    signature = CharterSignature.objects.get(user=volunteer)
    signature.signed_at = datetime(2025, 1, 15, 9, 5, tzinfo=ZoneInfo("UTC"))

    text = pypdf.PdfReader(io.BytesIO(charter_pdf(signature=signature))).pages[-1].extract_text()

    assert "15 janvier 2025 à 10:05:00" in text


def test_another_volunteer_gets_404_on_a_signed_copy(client, volunteer):
    signature = CharterSignature.objects.get(user=volunteer)
    client.force_login(VolunteerProfileFactory().user)

    response = client.get(reverse("volunteers:charter_pdf", args=[signature.pk]))

    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_login_for_a_signed_copy(client, volunteer):
    signature = CharterSignature.objects.get(user=volunteer)

    response = client.get(reverse("volunteers:charter_pdf", args=[signature.pk]))

    assert response.status_code == 302 and "/comptes/" in response.url


@pytest.mark.parametrize("role", [Role.TEACHER, Role.DEPARTMENTAL_CORRESPONDENT, Role.VOLUNTEER])
def test_only_national_staff_reach_the_charter_versions(client, db, role):
    client.force_login(UserFactory(role=role))

    assert client.get(reverse("volunteers:charter_versions")).status_code == 403


def test_national_staff_publish_a_version_and_see_how_many_were_notified(
    client, volunteer, national, django_capture_on_commit_callbacks
):
    VolunteerProfileFactory()
    VolunteerProfileFactory(signed=False)
    client.force_login(national)
    page = client.get(reverse("volunteers:charter_versions")).content.decode()
    assert "2010" in page and "En vigueur" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("volunteers:charter_versions"),
            {"version": "2025", "effective_on": timezone.localdate().isoformat(), "text": V2_TEXT},
            follow=True,
        )

    page = response.content.decode()
    assert "La version 2025 est publiée ; 2 accompagnateurs sont prévenus par e-mail." in page
    version = CharterVersion.objects.get(version="2025")
    assert version.published_by == national and version.text == V2_TEXT
    assert len(mail.outbox) == 2 and all(len(message.to) == 1 for message in mail.outbox)


def test_publishing_with_a_past_date_redisplays_the_form_with_the_error(client, national):
    client.force_login(national)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()

    response = client.post(
        reverse("volunteers:charter_versions"),
        {"version": "2025-bis", "effective_on": yesterday, "text": V2_TEXT},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "La date d&#x27;entrée en vigueur ne peut pas être passée." in page
    assert 'value="2025-bis"' in page and f'value="{yesterday}"' in page
    assert not CharterVersion.objects.filter(version="2025-bis").exists()


def test_publishing_an_existing_version_label_is_refused(client, national):
    client.force_login(national)

    response = client.post(
        reverse("volunteers:charter_versions"),
        {"version": "2010", "effective_on": timezone.localdate().isoformat(), "text": V2_TEXT},
    )

    assert response.status_code == 200
    assert "existe déjà" in response.content.decode()
    assert CharterVersion.objects.filter(version="2010").count() == 1


def test_the_service_refuses_a_past_effective_date(national):
    with pytest.raises(ValueError):
        charter_publish(
            version="2025",
            effective_on=timezone.localdate() - timedelta(days=1),
            text=V2_TEXT,
            by=national,
        )


@pytest.mark.parametrize("extra_versions", [1, 6])
def test_the_versions_page_runs_a_fixed_number_of_queries(
    client, national, django_assert_max_num_queries, extra_versions
):
    for n in range(extra_versions):
        charter_publish(
            version=f"2030.{n}", effective_on=timezone.localdate(), text=V2_TEXT, by=national
        )
        VolunteerProfileFactory()
    client.force_login(national)

    with django_assert_max_num_queries(8):
        assert client.get(reverse("volunteers:charter_versions")).status_code == 200


def test_a_version_cannot_take_effect_before_one_already_announced(client, national):
    announced_on = timezone.localdate() + timedelta(days=30)
    charter_publish(version="2026", effective_on=announced_on, text=V2_TEXT, by=national)
    client.force_login(national)

    response = client.post(
        reverse("volunteers:charter_versions"),
        {"version": "2025", "effective_on": timezone.localdate().isoformat(), "text": V2_TEXT},
    )

    assert "La version 2026 entre déjà en vigueur le" in response.content.decode()
    assert not CharterVersion.objects.filter(version="2025").exists()


@pytest.mark.parametrize("versions_signed", [1, 5])
def test_the_charter_page_runs_a_fixed_number_of_queries(
    client, volunteer, national, django_assert_max_num_queries, versions_signed
):
    for n in range(1, versions_signed):
        version = charter_publish(
            version=f"2030.{n}", effective_on=timezone.localdate(), text=V2_TEXT, by=national
        )
        charter_sign(user=volunteer, version=version, full_name="Lina Kerbrat", ip_address=None)
    client.force_login(volunteer)

    with django_assert_max_num_queries(6):
        page = client.get(reverse("volunteers:charter")).content.decode()

    assert page.count("Télécharger (PDF)") == versions_signed

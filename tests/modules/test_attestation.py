import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.formats import date_format

from astep.accounts.models import Role
from astep.modules.attestations import AttestationError, attestation_pdf, hours_label
from astep.modules.models import SessionConfirmation, SessionStatus
from tests.factories import (
    EcoleFactory,
    ModuleFactory,
    SessionFactory,
    UserFactory,
    departement,
)

PARIS = ZoneInfo("Europe/Paris")
NO_SESSION_YET = "L'attestation sera disponible après la première séance réalisée."


def days_ago(n: int) -> date:
    return date.today() - timedelta(days=n)


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def module(db):
    """A module at an école of Ille-et-Vilaine, with no session yet."""
    ecole = EcoleFactory(name="École élémentaire Jules Ferry", uai="0351234K", commune_name="Vitré")
    return ModuleFactory(
        request__school_class__ecole=ecole,
        request__school_class__teacher__first_name="Claire",
        request__school_class__teacher__last_name="Lemoine",
        request__school_class__levels=["CM1", "CM2"],
        volunteer__first_name="Lina",
        volunteer__last_name="Kerbrat",
    )


@pytest.fixture
def held_module(module):
    """Three held sessions of 2 h (two confirmed by the teacher), one cancelled, one planned."""
    for n, day in enumerate([days_ago(21), days_ago(14), days_ago(7)]):
        session = SessionFactory(
            module=module, date=day, status=SessionStatus.HELD, topic=f"Séance {n + 1}"
        )
        if n < 2:
            SessionConfirmation.objects.create(
                session=session,
                user=module.teacher,
                at=datetime.combine(day, time(17, 30), tzinfo=PARIS),
            )
    SessionFactory(module=module, date=days_ago(10), status=SessionStatus.CANCELLED)
    SessionFactory(module=module, date=date.today() + timedelta(days=7))
    return module


def test_the_attestation_lists_the_held_sessions_and_their_total_in_hours(held_module):
    text = pdf_text(attestation_pdf(held_module))

    assert "Attestation de participation à l'ASTEP" in text
    assert "Lina Kerbrat" in text
    assert "École élémentaire Jules Ferry" in text and "0351234K" in text and "Vitré" in text
    assert "Claire Lemoine" in text
    assert "CM1-CM2" in text
    assert held_module.school_year in text
    assert "Matière, mouvement, énergie, information" in text
    assert "3 séances, dont 2 confirmées par l'enseignant·e" in text
    assert "Durée totale 6 h" in text
    assert f"confirmée par l'enseignant·e le {days_ago(21):%d/%m/%Y}" in text
    assert "non confirmée par l'enseignant·e" in text
    assert f"du {date_format(days_ago(21), 'j F Y')} au {date_format(days_ago(7), 'j F Y')}" in text
    assert f"ASTEP-{held_module.school_year}-{held_module.pk}" in text
    assert f"Délivrée le {date_format(date.today(), 'j F Y')}" in text


def test_the_attestation_leaves_out_cancelled_and_planned_sessions(held_module):
    text = pdf_text(attestation_pdf(held_module))

    for day in (days_ago(10), date.today() + timedelta(days=7)):
        assert f"{day:%d/%m/%Y}" not in text
        assert date_format(day, "j F Y") not in text


def test_no_attestation_before_a_session_is_held(module):
    SessionFactory(module=module, date=days_ago(3))  # past, but nobody confirmed it

    with pytest.raises(AttestationError, match="après la première séance réalisée"):
        attestation_pdf(module)


@pytest.mark.parametrize(
    ("hours", "label"), [(6, "6 h"), (12.5, "12,5 h"), (2.25, "2,25 h"), (4 / 3, "1,33 h")]
)
def test_hours_are_written_the_french_way(hours, label):
    assert hours_label(hours) == label


def test_the_volunteer_downloads_the_attestation(client, held_module):
    client.force_login(held_module.volunteer)

    response = client.get(reverse("modules:attestation", args=[held_module.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="attestation-astep-{held_module.pk}.pdf"'
    )
    assert response["Cache-Control"] == "no-store"
    assert "Lina Kerbrat" in pdf_text(response.content)


@pytest.mark.parametrize(
    "who",
    [
        "teacher",
        "other_volunteer",
        "correspondent_of_the_departement",
        "correspondent_of_another_departement",
        "national",
    ],
)
def test_nobody_but_the_volunteer_gets_the_attestation(client, held_module, who):
    users = {
        "teacher": lambda: held_module.teacher,
        "other_volunteer": lambda: UserFactory(role=Role.VOLUNTEER),
        "correspondent_of_the_departement": lambda: UserFactory(
            role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("035")
        ),
        "correspondent_of_another_departement": lambda: UserFactory(
            role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("029")
        ),
        "national": lambda: UserFactory(role=Role.NATIONAL),
    }
    client.force_login(users[who]())

    response = client.get(reverse("modules:attestation", args=[held_module.pk]))

    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_login_for_the_attestation(client, held_module):
    response = client.get(reverse("modules:attestation", args=[held_module.pk]))

    assert response.status_code == 302 and "/comptes/" in response.url


def test_before_a_held_session_the_volunteer_is_sent_back_to_the_module(client, module):
    SessionFactory(module=module)
    client.force_login(module.volunteer)

    response = client.get(reverse("modules:attestation", args=[module.pk]))

    assert response.status_code == 302
    assert response.url == reverse("modules:detail", args=[module.pk])
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "error"
    assert str(message) == NO_SESSION_YET


@pytest.mark.parametrize("held", [1, 6])
def test_the_attestation_runs_a_fixed_number_of_queries(
    module, django_assert_max_num_queries, held
):
    for n in range(held):
        session = SessionFactory(module=module, date=days_ago(7 * (n + 1)), status="held")
        SessionConfirmation.objects.create(session=session, user=module.teacher)

    with django_assert_max_num_queries(4):
        attestation_pdf(module)

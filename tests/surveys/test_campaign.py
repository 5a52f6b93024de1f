"""The campaign: opening it, the cockpit by académie and département, the reminders."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from astep.accounts.models import Role
from astep.school_year import current_school_year
from surveys.models import Campaign, CampaignReminder, DepartementalSurvey, SurveyStatus
from surveys.services import campaign_reminders_send
from tests.factories import UserFactory, departement

pytestmark = pytest.mark.django_db

CLOSES = date(2027, 6, 30)


@pytest.fixture
def campaign():
    return Campaign.objects.create(
        school_year="2026-2027", opens_on=date(2027, 4, 1), closes_on=CLOSES
    )


def correspondent(code: str):
    return UserFactory(
        role=Role.DEPARTMENTAL_CORRESPONDENT,
        departement=departement(code),
        email=f"ien-{code}@example.test",
    )


def signed_in(client_factory, user):
    client = client_factory()
    client.force_login(user)
    return client


def test_opening_a_campaign_tells_the_departmental_and_academic_correspondents(
    client_factory, django_capture_on_commit_callbacks
):
    dgesco = signed_in(client_factory, UserFactory(role=Role.NATIONAL))
    correspondent("035")
    UserFactory(
        role=Role.ACADEMIC_CORRESPONDENT,
        academie=departement("035").academie,
        email="ipr@example.test",
    )
    UserFactory(role=Role.TEACHER, email="prof@example.test")

    with django_capture_on_commit_callbacks(execute=True):
        dgesco.post(
            reverse("surveys:campaigns"),
            {
                "school_year": current_school_year(),
                "opens_on": "2026-11-01",
                "closes_on": "2027-01-31",
                "sessions_min": "5",
                "sessions_max": "7",
                "questionnaire_version": "",
            },
        )

    campaign = Campaign.objects.get()
    assert campaign.questionnaire_version == "2026-1"
    assert sorted(m.to[0] for m in mail.outbox) == ["ien-035@example.test", "ipr@example.test"]
    assert "31 janvier 2027" in mail.outbox[0].body


def test_the_cockpit_counts_each_state_by_academie_and_flags_the_late(campaign, client_factory):
    for code, status in [("035", "validated"), ("029", "submitted"), ("022", "draft")]:
        DepartementalSurvey.objects.create(
            campaign=campaign, departement=departement(code), status=status
        )
    staff = UserFactory(role=Role.NATIONAL)
    cockpit = reverse("surveys:campaign_cockpit", args=[campaign.pk])

    with time_machine.travel(date(2027, 6, 1)):
        before = signed_in(client_factory, staff).get(cockpit).context
    with time_machine.travel(date(2027, 7, 2)):
        after = signed_in(client_factory, staff).get(cockpit).context

    rennes = next(a for a in before["academies"] if a.academie.name == "Rennes")
    # not started (Morbihan), draft, submitted, returned, validated
    assert rennes.counts == [1, 1, 1, 0, 1]
    assert sum(before["totals"]) == 101 and before["late"] == []
    late = {line.departement.code for line in after["late"]}
    assert {"022", "056"} <= late and not {"035", "029"} & late
    assert len(late) == 99  # every département that has not submitted


def test_an_academic_correspondent_sees_only_their_academie_and_others_are_refused(
    campaign, client_factory
):
    cockpit = reverse("surveys:campaign_cockpit", args=[campaign.pk])
    rennes = signed_in(
        client_factory,
        UserFactory(role=Role.ACADEMIC_CORRESPONDENT, academie=departement("035").academie),
    )

    academies = rennes.get(cockpit).context["academies"]

    assert [a.academie.name for a in academies] == ["Rennes"]
    assert len(academies[0].lines) == 4
    assert signed_in(client_factory, correspondent("035")).get(cockpit).status_code == 403
    assert signed_in(client_factory, UserFactory()).get(cockpit).status_code == 403
    assert rennes.get(reverse("surveys:campaign_cockpit", args=[999])).status_code == 404


def test_the_cockpit_costs_the_same_queries_whatever_the_surveys(
    campaign, client_factory, django_assert_max_num_queries
):
    dgesco = signed_in(client_factory, UserFactory(role=Role.NATIONAL))
    cockpit = reverse("surveys:campaign_cockpit", args=[campaign.pk])
    DepartementalSurvey.objects.create(campaign=campaign, departement=departement("035"))
    with django_assert_max_num_queries(10) as few:
        dgesco.get(cockpit)
    for code in ["022", "029", "044", "056", "075", "013", "069", "971"]:
        DepartementalSurvey.objects.create(campaign=campaign, departement=departement(code))

    with django_assert_max_num_queries(len(few.captured_queries)):
        dgesco.get(cockpit)


def remind(day: date, capture) -> list[str]:
    """Run the reminders on `day`; the addresses e-mailed."""
    mail.outbox.clear()
    with capture(execute=True):
        campaign_reminders_send(today=day)
    return sorted(m.to[0] for m in mail.outbox)


def test_each_reminder_goes_once_to_the_departements_that_owe_their_survey(
    campaign, django_capture_on_commit_callbacks, settings
):
    settings.SURVEY_REMINDER_DAYS = [14, 7, 2]
    for code in ["035", "029", "022"]:
        correspondent(code)
    DepartementalSurvey.objects.create(
        campaign=campaign, departement=departement("029"), status=SurveyStatus.SUBMITTED
    )
    DepartementalSurvey.objects.create(
        campaign=campaign, departement=departement("022"), status=SurveyStatus.RETURNED
    )
    capture = django_capture_on_commit_callbacks

    assert remind(CLOSES - timedelta(days=15), capture) == []  # not due yet
    assert remind(CLOSES - timedelta(days=14), capture) == [
        "ien-022@example.test",
        "ien-035@example.test",
    ]
    assert remind(CLOSES - timedelta(days=13), capture) == []  # the 14-day one went already
    assert remind(CLOSES - timedelta(days=5), capture) == [  # the beat missed day 7
        "ien-022@example.test",
        "ien-035@example.test",
    ]
    assert "dans 5 jours" in mail.outbox[0].subject
    assert remind(CLOSES - timedelta(days=5), capture) == []
    assert remind(CLOSES + timedelta(days=1), capture) == []  # closed
    assert CampaignReminder.objects.filter(departement=departement("035")).count() == 2

"""Accounts unused for two years: warned by e-mail, anonymised a month later (frozen time)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from astep.accounts.data_rights import RetentionResult, accounts_retention
from astep.accounts.models import Role, User
from astep.celery import app
from astep.modules.models import Module
from surveys.figures import figures_by_departement
from tests.factories import RequestFactory, UserFactory, VolunteerProfileFactory, departement

PARIS = ZoneInfo("Europe/Paris")
LAST_LOGIN = datetime(2023, 9, 4, 18, 0, tzinfo=PARIS)
TWO_YEARS = LAST_LOGIN + timedelta(days=730)
STILL_ACTIVE = datetime(2030, 1, 1, tzinfo=PARIS)
NOTHING = RetentionResult(warned=0, anonymised=0)


@pytest.fixture
def volunteer(db) -> User:
    """A volunteer who ran a module in 2023-2024 and last logged in on 4 September 2023."""
    with time_machine.travel(LAST_LOGIN - timedelta(days=10), tick=False):
        profile = VolunteerProfileFactory(user__email="lina@example.test", user__first_name="Lina")
        accompanied = RequestFactory(status="matched")
        Module.objects.create(
            request=accompanied,
            volunteer=profile.user,
            school_year=accompanied.school_class.school_year,
        )
    User.objects.filter(pk=profile.user.pk).update(last_login=LAST_LOGIN)
    # The teacher of the class keeps using the portal: only the volunteer is inactive.
    User.objects.filter(pk=accompanied.school_class.teacher_id).update(last_login=STILL_ACTIVE)
    return User.objects.get(pk=profile.user.pk)


def run_on(day: datetime, django_capture_on_commit_callbacks) -> RetentionResult:
    """Run the retention as the nightly task would on `day`, e-mails sent."""
    with time_machine.travel(day, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            return accounts_retention(now=day)


def test_nothing_happens_after_23_months_of_inactivity(
    volunteer, django_capture_on_commit_callbacks
):
    result = run_on(LAST_LOGIN + timedelta(days=700), django_capture_on_commit_callbacks)

    assert result == NOTHING
    assert mail.outbox == []
    volunteer.refresh_from_db()
    assert volunteer.inactivity_warned_at is None


def test_a_volunteer_inactive_for_24_months_is_warned_by_one_email(
    volunteer, django_capture_on_commit_callbacks
):
    result = run_on(TWO_YEARS, django_capture_on_commit_callbacks)

    assert result == RetentionResult(warned=1, anonymised=0)
    [message] = mail.outbox
    assert message.to == ["lina@example.test"]
    assert message.subject == "[ASTEP] Votre compte sera anonymisé faute de connexion"
    assert "à partir du 3 octobre 2025" in message.body
    assert f"{settings.SITE_URL}/comptes/login/" in message.body
    volunteer.refresh_from_db()
    assert volunteer.inactivity_warned_at == TWO_YEARS
    assert volunteer.anonymised_at is None and volunteer.is_active


def test_running_twice_the_same_day_changes_nothing_more(
    volunteer, django_capture_on_commit_callbacks
):
    run_on(TWO_YEARS, django_capture_on_commit_callbacks)

    assert run_on(TWO_YEARS + timedelta(hours=1), django_capture_on_commit_callbacks) == NOTHING
    assert len(mail.outbox) == 1


def test_a_warned_volunteer_is_not_anonymised_29_days_after_the_warning(
    volunteer, django_capture_on_commit_callbacks
):
    run_on(TWO_YEARS, django_capture_on_commit_callbacks)

    result = run_on(TWO_YEARS + timedelta(days=29), django_capture_on_commit_callbacks)

    assert result == NOTHING
    volunteer.refresh_from_db()
    assert volunteer.anonymised_at is None and volunteer.email == "lina@example.test"


def test_a_warned_volunteer_is_anonymised_31_days_later_and_the_statistics_do_not_change(
    volunteer, django_capture_on_commit_callbacks
):
    school_year = volunteer.modules.get().school_year
    figures_before = figures_by_departement(school_year=school_year)
    run_on(TWO_YEARS, django_capture_on_commit_callbacks)

    day = TWO_YEARS + timedelta(days=31)
    result = run_on(day, django_capture_on_commit_callbacks)

    assert result == RetentionResult(warned=0, anonymised=1)
    volunteer.refresh_from_db()
    assert volunteer.anonymised_at == day and not volunteer.is_active
    assert volunteer.email == f"anonyme-{volunteer.pk}@anonyme.invalid"
    assert volunteer.volunteer_profile.birth_date is None
    assert volunteer.modules.count() == 1
    assert figures_before and figures_by_departement(school_year=school_year) == figures_before
    assert run_on(day + timedelta(hours=1), django_capture_on_commit_callbacks) == NOTHING
    assert len(mail.outbox) == 1  # the warning only


def test_a_login_after_the_warning_keeps_the_account(
    client, volunteer, django_capture_on_commit_callbacks
):
    run_on(TWO_YEARS, django_capture_on_commit_callbacks)
    with time_machine.travel(TWO_YEARS + timedelta(days=10), tick=False):
        client.force_login(volunteer)

    result = run_on(TWO_YEARS + timedelta(days=31), django_capture_on_commit_callbacks)

    assert result == NOTHING
    volunteer.refresh_from_db()
    assert volunteer.is_active and volunteer.anonymised_at is None


def test_after_a_login_the_volunteer_is_warned_again_two_years_later(
    client, volunteer, django_capture_on_commit_callbacks
):
    run_on(TWO_YEARS, django_capture_on_commit_callbacks)
    login = TWO_YEARS + timedelta(days=10)
    with time_machine.travel(login, tick=False):
        client.force_login(volunteer)

    result = run_on(login + timedelta(days=730), django_capture_on_commit_callbacks)

    assert result == RetentionResult(warned=1, anonymised=0)
    assert len(mail.outbox) == 2


def test_an_account_never_used_counts_from_its_creation(db, django_capture_on_commit_callbacks):
    with time_machine.travel(LAST_LOGIN, tick=False):
        teacher = UserFactory(role=Role.TEACHER)

    assert run_on(TWO_YEARS - timedelta(days=1), django_capture_on_commit_callbacks) == NOTHING
    assert run_on(TWO_YEARS, django_capture_on_commit_callbacks).warned == 1
    teacher.refresh_from_db()
    assert teacher.inactivity_warned_at == TWO_YEARS


def test_managed_and_staff_accounts_are_left_to_the_administrators(
    db, django_capture_on_commit_callbacks
):
    with time_machine.travel(LAST_LOGIN, tick=False):
        UserFactory(role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("035"))
        UserFactory(role=Role.NATIONAL)
        UserFactory(role=Role.TEACHER, is_staff=True)

    assert run_on(TWO_YEARS, django_capture_on_commit_callbacks) == NOTHING
    assert run_on(TWO_YEARS + timedelta(days=31), django_capture_on_commit_callbacks) == NOTHING


@pytest.mark.parametrize("count", [2, 8])
def test_warning_takes_the_same_queries_for_few_or_many_accounts(db, count):
    with time_machine.travel(LAST_LOGIN, tick=False):
        UserFactory.create_batch(count, role=Role.VOLUNTEER)

    with time_machine.travel(TWO_YEARS, tick=False):
        with CaptureQueriesContext(connection) as queries:
            assert accounts_retention(now=TWO_YEARS).warned == count

    # the anonymise check, then select, the e-mails' outbox rows (one INSERT), update (and
    # savepoints)
    assert len(queries) <= 6


def test_the_retention_task_runs_every_night_at_half_past_three_paris_time():
    entry = settings.CELERY_BEAT_SCHEDULE["accounts-retention"]

    assert entry["task"] == "astep.accounts.tasks.accounts_retention_run"
    assert entry["task"] in app.tasks
    assert entry["schedule"] == crontab(hour=3, minute=30)
    assert app.conf.timezone == "Europe/Paris"

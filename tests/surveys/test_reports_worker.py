"""Reports and e-mails built by a real Celery worker on the local Redis, and on a private
Redis stopped and restarted to show that a request made while the broker is down is built
once it is back."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connections
from django.urls import reverse

from astep.accounts.models import Role
from astep.accounts.services import user_notify
from astep.modules.models import Module
from astep.school_year import current_school_year
from surveys.bilans import report_build, report_request, reports_sweep
from surveys.models import Report, ReportStatus
from tests.brokers import BROKER_URL, point_app_at
from tests.conftest import wait_for
from tests.factories import RequestFactory, UserFactory, VolunteerProfileFactory, departement

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_worker_builds_the_national_report_and_emails_the_requester(celery_worker_on_redis):
    accompaniment = RequestFactory(status="matched")
    Module.objects.create(
        request=accompaniment,
        volunteer=VolunteerProfileFactory().user,
        school_year=accompaniment.school_class.school_year,
    )
    dgesco = UserFactory(role=Role.NATIONAL, email="dgesco@example.test")

    report = report_request(user=dgesco, school_year=accompaniment.school_class.school_year)

    assert wait_for(lambda: Report.objects.get(pk=report.pk).status == ReportStatus.READY)
    with Report.objects.get(pk=report.pk).file.open("rb") as stored:
        lines = stored.read().decode("utf-8-sig").splitlines()
    france = next(line for line in lines if line.startswith("France;"))
    assert france.split(";")[7] == "1"  # classes accompanied
    assert wait_for(lambda: any(m.to == ["dgesco@example.test"] for m in mail.outbox))


def test_a_worker_sends_a_notification_email(celery_worker_on_redis):
    teacher = UserFactory(email="prof@example.test")
    user_notify(
        recipients=[teacher],
        subject="Essai",
        template="report_ready",
        context={"report": Report(pk=1, scope="national", school_year="2025-2026")},
    )
    assert wait_for(lambda: [m.subject for m in mail.outbox] == ["[ASTEP] Essai"])


@pytest.fixture
def private_broker(private_redis, celery_app):
    """The Celery app pointed at the private Redis (tests/brokers.py), with a worker on it;
    the test may stop and start the Redis again. Everything is given back after."""
    from celery.contrib.testing.worker import start_worker

    app = point_app_at(BROKER_URL)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield app


def test_a_report_requested_while_the_broker_is_down_is_built_once_it_is_back(
    client, private_broker, private_redis
):
    correspondent = UserFactory(
        role=Role.DEPARTMENTAL_CORRESPONDENT,
        departement=departement("035"),
        email="ien@example.test",
    )
    client.force_login(correspondent)
    private_redis.stop()

    started = time.monotonic()
    response = client.post(
        reverse("surveys:report_create"), {"school_year": current_school_year(), "format": "csv"}
    )
    answered_in = time.monotonic() - started

    assert response.status_code == 302 and answered_in < 5
    report = Report.objects.get()
    assert (report.status, report.queued_at) == (ReportStatus.PENDING, None)
    private_redis.start()
    assert wait_for(lambda: reports_sweep() == 1, timeout=30)
    assert wait_for(lambda: Report.objects.get().status == ReportStatus.READY, timeout=60)
    assert wait_for(lambda: len(mail.outbox) == 1, timeout=20)
    assert reports_sweep() == 0  # built: nothing left to queue
    time.sleep(1)  # a duplicate build or e-mail would show by now
    assert Report.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["ien@example.test"]]


def test_two_builds_of_one_report_at_once_give_one_build_and_one_email():
    dgesco = UserFactory(role=Role.NATIONAL, email="dgesco@example.test")
    report = Report.objects.create(
        school_year=current_school_year(), scope="national", format="xlsx", requested_by=dgesco
    )

    def build(_):
        try:
            return report_build(report_id=report.pk)
        finally:
            connections.close_all()  # each thread has its own connection: give it back

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(build, range(2)))

    assert sorted(result is None for result in results) == [False, True]
    assert Report.objects.get(pk=report.pk).status == ReportStatus.READY
    assert [m.to for m in mail.outbox] == [["dgesco@example.test"]]

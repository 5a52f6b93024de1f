"""Reports and e-mails built by a real Celery worker on the local Redis."""

import pytest
from django.core import mail

from astep.accounts.models import Role
from astep.accounts.services import user_notify
from astep.modules.models import Module
from surveys.bilans import report_request
from surveys.models import Report, ReportStatus
from tests.conftest import wait_for
from tests.factories import RequestFactory, UserFactory, VolunteerProfileFactory

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

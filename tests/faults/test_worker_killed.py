"""A worker process killed (SIGKILL) in the middle of a bilan: another worker takes the
redelivered task over, and the bilan is built once, with one file and one e-mail."""

import hashlib
import signal
import time
from pathlib import Path

import pytest

from astep.accounts.models import Role
from astep.outbox.models import OutboxTask
from astep.school_year import current_school_year
from surveys.bilans import report_request
from surveys.models import Report, ReportStatus
from tests.brokers import BROKER_URL, point_app_at
from tests.conftest import wait_for
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.faults,
    pytest.mark.timeout(120),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def status(report: Report) -> str:
    return Report.objects.get(pk=report.pk).status


def test_a_report_whose_worker_is_killed_mid_build_is_built_once_by_the_next_worker(
    private_redis, celery_app, worker_processes
):
    point_app_at(BROKER_URL)
    dgesco = UserFactory(role=Role.NATIONAL, email="dgesco@example.test")
    report = report_request(user=dgesco, school_year=current_school_year())
    assert Report.objects.get(pk=report.pk).queued_at is not None  # the broker has it

    # The first worker pauses 60 s inside the build, after claiming the row.
    first = worker_processes.start(TEST_REPORTS_PAUSE="60")
    assert wait_for(lambda: status(report) == ReportStatus.RUNNING, timeout=40)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert status(report) == ReportStatus.RUNNING  # left behind by the dead worker

    worker_processes.start()
    assert wait_for(lambda: status(report) == ReportStatus.READY, timeout=60)
    assert wait_for(lambda: len(list(worker_processes.mail_dir.iterdir())) >= 1, timeout=20)
    time.sleep(5)  # a second delivery (visibility timeout 3 s) would have run by now

    built = Report.objects.get(pk=report.pk)
    mails = [path.read_text() for path in worker_processes.mail_dir.iterdir()]
    assert len(mails) == 1 and "To: dgesco@example.test" in mails[0]
    assert Report.objects.count() == 1 and built.notified_at is not None
    stored = Path(built.file.storage.location)
    assert [path.name for path in stored.rglob(f"{Path(built.file.name).stem}*")] == [
        Path(built.file.name).name
    ]
    with built.file.open("rb") as data:
        assert hashlib.sha256(data.read()).hexdigest() == built.checksum
    assert OutboxTask.objects.get().done_at is not None  # the e-mail's row, marked sent once

"""The bilans as stored files: requests, builds, the sweeper and the nightly builds.

A request is a Report row written with the click; its task is queued after commit. If the
broker is down the row stays pending with no `queued_at`, and `reports_sweep` (celery
beat, every minute) queues it later. The Report row is its own outbox (it records the
work owed and its progress), so reports do not go through `astep.outbox`; they share
its publish policy (`publish`) and its run lock (`run_lock`).

A build holds a PostgreSQL advisory lock on its report, then claims the row with a
conditional UPDATE, so a task run twice (redelivery, sweeper and click) builds one file
and sends one e-mail. A row left `running` by a worker killed mid-build is claimed again
by the redelivered task at once: the dead worker's lock went with its connection.
"""

import hashlib
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from astep.accounts.models import Role, User
from astep.accounts.services import user_notify
from astep.modules.models import Module
from astep.outbox.queue import publish, run_lock
from astep.school_year import current_school_year
from astep.territory.models import Academie, Departement
from surveys.models import Report, ReportFormat, ReportStatus, Scope
from surveys.reports import report_render, report_tables
from surveys.tasks import build_report

logger = logging.getLogger(__name__)

# A queued task not started after this long (the broker lost it), or a build not finished
# (its worker died), is queued again by the sweeper.
STALE_AFTER = timedelta(minutes=10)
# First key of the advisory lock a build holds on its report (`run_lock`).
REPORT_LOCK = 2


def report_request(*, user: User, school_year: str, format: str = ReportFormat.CSV) -> Report:
    """Ask for the bilan of `user`'s scope for `school_year` ("2025-2026") in `format`.

    National staff get the national report, an academic correspondent their académie's,
    a departmental correspondent their département's. The row is written in the caller's
    transaction and its task queued once it commits (`report_queue`): a broker that is
    down leaves it pending for the sweeper. Raises ValueError for other roles.
    """
    scopes = {
        Role.NATIONAL: {"scope": Scope.NATIONAL},
        Role.ACADEMIC_CORRESPONDENT: {"scope": Scope.ACADEMIE, "academie_id": user.academie_id},
        Role.DEPARTMENTAL_CORRESPONDENT: {
            "scope": Scope.DEPARTEMENT,
            "departement_id": user.departement_id,
        },
    }
    if user.role not in scopes:
        raise ValueError(f"role {user.role} has no report scope")
    report = Report.objects.create(
        school_year=school_year, format=format, requested_by=user, **scopes[user.role]
    )
    transaction.on_commit(lambda: report_queue(report_id=report.pk))
    return report


def report_queue(*, report_id: int) -> bool:
    """Hand the build of report `report_id` to the broker and note when; True if done.

    A broker that cannot be reached is logged, not raised: the request stays pending with
    its old `queued_at` (none at first) and the sweeper tries again.
    """
    if not publish(build_report, [report_id]):
        return False
    Report.objects.filter(pk=report_id).update(queued_at=timezone.now())
    return True


def report_build(*, report_id: int) -> Report | None:
    """Build the file of report `report_id`, store it with its checksum, e-mail the requester.

    Returns the report, or None when another run has it or it is already built (then
    nothing is written). Progress goes 5 → 50 → 90 → 100 % as the build goes. The file
    name is the row's (`report_file_name`), so a rebuild overwrites it; the requester is
    e-mailed once (`notified_at`). A failing build is marked failed, and raised.
    The file is in French (`LANGUAGE_CODE`) whoever asked for it: the bilans go to DGESCO's
    official French report.
    """
    with run_lock(REPORT_LOCK, report_id) as locked:
        if not locked or not _claim(report_id):
            return None
        report = Report.objects.select_related("departement", "academie").get(pk=report_id)
        try:
            # Tests only: long enough to kill the worker mid-build (tests/faults).
            time.sleep(settings.REPORTS_TEST_PAUSE)
            with translation.override(settings.LANGUAGE_CODE):
                tables = report_tables(report)
                _progress(report_id, 50)
                data = report_render(report, tables)
            _progress(report_id, 90)
            return _store(report_id, data)
        except Exception:
            Report.objects.filter(pk=report_id).update(status=ReportStatus.FAILED, progress=0)
            raise


def reports_sweep() -> int:
    """Queue the reports the broker never got or that no worker finished; returns how many.

    Pending reports never queued (broker down at the click) or queued more than
    STALE_AFTER ago and not started, and running reports started more than STALE_AFTER
    ago (a worker that died). One query to find them, one update per report queued.
    """
    stale = timezone.now() - STALE_AFTER
    waiting = Report.objects.filter(
        Q(status=ReportStatus.PENDING, queued_at__isnull=True)
        | Q(status=ReportStatus.PENDING, queued_at__lt=stale)
        | Q(status=ReportStatus.RUNNING, started_at__lt=stale)
    )
    return sum(report_queue(report_id=pk) for pk in waiting.values_list("pk", flat=True))


def reports_nightly(*, school_year: str | None = None) -> int:
    """Rebuild tonight's bilans of `school_year` (default: the current one); returns how many.

    The national report, each académie's and each département's with modules that year,
    in the three formats. Each has one nightly row (scope, territory, year, format),
    set back to pending and rebuilt in place, so they do not pile up; a row still
    being built is left alone.
    """
    school_year = school_year or current_school_year()
    departements = Departement.objects.filter(
        pk__in=Module.objects.filter(school_year=school_year).values(
            "request__school_class__ecole__departement"
        )
    )
    territories = [{"scope": Scope.NATIONAL, "departement": None, "academie": None}]
    territories += [
        {"scope": Scope.ACADEMIE, "departement": None, "academie": academie}
        for academie in Academie.objects.filter(departements__in=departements).distinct()
    ]
    territories += [
        {"scope": Scope.DEPARTEMENT, "departement": departement, "academie": None}
        for departement in departements
    ]
    queued = 0
    for territory in territories:
        for format in ReportFormat.values:
            queued += _nightly_reset(school_year=school_year, format=format, **territory)
    return queued


def report_school_years() -> list[str]:
    """The school years a bilan may be asked for, newest first: those with modules, and
    the current one ("2025-2026")."""
    # order_by(): the default ordering of Module would make it DISTINCT (year, created_at),
    # one row per module (50,000 on the national data of benchmarks/load).
    years = set(Module.objects.order_by().values_list("school_year", flat=True).distinct())
    return sorted(years | {current_school_year()}, reverse=True)


def _nightly_reset(**key) -> bool:
    with transaction.atomic():
        report, _ = Report.objects.select_for_update().get_or_create(nightly=True, **key)
        if report.status == ReportStatus.RUNNING:
            return False
        report.status, report.progress, report.queued_at = ReportStatus.PENDING, 0, None
        report.save(update_fields=["status", "progress", "queued_at"])
        transaction.on_commit(lambda: report_queue(report_id=report.pk))
    return True


def _claim(report_id: int) -> bool:
    """Mark the report running if it is pending, or running for a dead run; True if we did.

    Called under the report's run lock: a row found running then was left by a worker
    that died (a live one would hold the lock). The conditional UPDATE keeps a built or
    failed report as it is.
    """
    return bool(
        Report.objects.filter(
            pk=report_id, status__in=[ReportStatus.PENDING, ReportStatus.RUNNING]
        ).update(status=ReportStatus.RUNNING, started_at=timezone.now(), progress=5)
    )


def _progress(report_id: int, percent: int) -> None:
    Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(progress=percent)


@transaction.atomic
def _store(report_id: int, data: bytes) -> Report:
    report = Report.objects.select_for_update().get(pk=report_id)
    report.file.save(f"bilan.{report.format}", ContentFile(data), save=False)
    report.checksum = hashlib.sha256(data).hexdigest()
    report.size = len(data)
    report.status, report.progress, report.built_at = ReportStatus.READY, 100, timezone.now()
    notify = report.requested_by_id is not None and report.notified_at is None
    if notify:
        report.notified_at = report.built_at
    report.save()
    if notify:
        user_notify(
            recipients=[report.requested_by],
            subject=_("Votre %(scope)s %(year)s est prêt")
            % {"scope": report.get_scope_display().lower(), "year": report.school_year},
            template="report_ready",
            context={"report": report},
        )
    return report

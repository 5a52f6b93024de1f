"""The surveys' Celery tasks: bilans and campaign reminders; each calls one service,
imported late because the services queue these tasks."""

from celery import shared_task


@shared_task(acks_late=True)
def build_report(report_id: int) -> None:
    """Build the file of report `report_id`; a second run of a built report does nothing."""
    from surveys.bilans import report_build

    report_build(report_id=report_id)


@shared_task(acks_late=True)
def campaign_reminders_send() -> int:
    """Send the campaign reminders due today (each once: see the service)."""
    from django.utils import timezone

    from surveys.services import campaign_reminders_send as send

    return send(today=timezone.localdate())


@shared_task
def reports_sweep() -> int:
    """Queue the reports waiting for a broker that was down, or for a worker that died."""
    from surveys.bilans import reports_sweep

    return reports_sweep()


@shared_task
def reports_nightly() -> int:
    """Rebuild the nightly bilans of the current school year, in the three formats."""
    from surveys.bilans import reports_nightly

    return reports_nightly()

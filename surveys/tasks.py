from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def build_report(report_id: int) -> None:
    """Build the CSV of report `report_id` (idempotent: a rerun rewrites the same content)."""
    from surveys.services import report_build  # services enqueue this task: import late

    report_build(report_id=report_id)


@shared_task(acks_late=True)
def campaign_reminders_send() -> int:
    """Send the campaign reminders due today (each once: see the service)."""
    from django.utils import timezone

    from surveys.services import campaign_reminders_send as send

    return send(today=timezone.localdate())

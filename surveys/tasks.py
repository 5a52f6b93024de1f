from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def build_report(report_id: int) -> None:
    """Build the CSV of report `report_id` (idempotent: a rerun rewrites the same content)."""
    from surveys.services import report_build  # services enqueue this task: import late

    report_build(report_id=report_id)

from datetime import date

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from astep.modules import reminders


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def session_reminders_send(today: str | None = None) -> int:
    """Remind the parties of the sessions in two days (daily, celery beat).

    `today` is an ISO date ("2026-03-10") to replay a given day; by default the current
    day in Europe/Paris. Returns the number of sessions reminded. Idempotent: a session is
    reminded once however many times the task runs (`reminders.session_reminders_send`).
    """
    day = date.fromisoformat(today) if today else timezone.localdate()
    return reminders.session_reminders_send(today=day)

from dataclasses import asdict

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from astep.outbox.queue import run_once


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(self, recipients: list[str], subject: str, body: str) -> None:
    """Send one plain-text e-mail, once per outbox row; SMTP failures are retried with backoff.

    A redelivered or replayed message of a sent e-mail sends nothing (`run_once`).
    """
    with run_once(self.request.id) as todo:
        if todo:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


@shared_task
def accounts_retention_run() -> dict[str, int]:
    """Warn, then anonymise, the accounts inactive for two years (nightly, celery beat).

    Returns {"warned": n, "anonymised": n}. Idempotent: a rerun the same day does nothing.
    """
    # Imported here: data_rights imports services, which imports this module.
    from astep.accounts.data_rights import accounts_retention

    return asdict(accounts_retention(now=timezone.now()))

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(recipients: list[str], subject: str, body: str) -> None:
    """Send one plain-text e-mail; SMTP failures are retried with backoff."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)

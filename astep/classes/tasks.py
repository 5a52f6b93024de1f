from celery import shared_task
from django.utils import timezone

from astep.classes.services import requests_close_year as close_year


@shared_task
def requests_close_year() -> int:
    """Close as "not served" the requests of past school years still without an accompanist
    (nightly, celery beat). Returns how many were closed; a rerun closes nothing more."""
    return close_year(today=timezone.localdate())

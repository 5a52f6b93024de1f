from celery import shared_task
from django.utils import timezone

from matching.services import proposals_expire as expire


@shared_task
def proposals_expire() -> int:
    """Expire the proposals unanswered in time and put their requests back in the pool
    (hourly, celery beat). Returns how many expired; a rerun expires nothing more."""
    return expire(now=timezone.now())

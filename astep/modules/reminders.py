"""Reminders e-mailed to every party of a session two days before it (daily, celery beat)."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from astep.accounts.services import user_notify
from astep.modules.models import UPCOMING_STATUSES, Session

# How many days ahead of a session its parties are reminded of it.
REMINDER_DAYS_AHEAD = 2


def session_reminders_send(*, today: date) -> int:
    """E-mail a reminder of every session held in `REMINDER_DAYS_AHEAD` (2) days, once.

    `today` is the day of the run (Europe/Paris). The sessions to come (planned or moved)
    on `today + 2 days` whose `reminder_sent_at` is empty are reminded: one e-mail to the
    module's teacher and one to each of its volunteers, co-volunteer included (inactive
    accounts left out), sent by Celery after commit. Returns the number of sessions reminded.

    Each session is claimed by a conditional UPDATE in its own transaction before its
    e-mails are queued, so that a second run — the same day, or concurrently on another
    worker — finds it claimed and sends nothing. The claim also re-checks the date and the
    status, so a session moved or cancelled meanwhile is skipped.
    """
    day = today + timedelta(days=REMINDER_DAYS_AHEAD)
    due = Session.objects.filter(
        date=day, status__in=UPCOMING_STATUSES, reminder_sent_at__isnull=True
    )
    return sum(_remind(pk, day) for pk in due.values_list("pk", flat=True))


@transaction.atomic
def _remind(pk: int, day: date) -> bool:
    claimed = Session.objects.filter(
        pk=pk, date=day, status__in=UPCOMING_STATUSES, reminder_sent_at__isnull=True
    ).update(reminder_sent_at=timezone.now())
    if not claimed:  # another run got there first
        return False
    # Read after the claim: the row is locked until commit, so these are its current times.
    session = Session.objects.select_related(
        "module__request__school_class__ecole",
        "module__request__school_class__teacher",
        "module__volunteer",
        "module__co_volunteer",
    ).get(pk=pk)
    module = session.module
    parties = [module.request.school_class.teacher, *module.volunteers]
    user_notify(
        recipients=[user for user in parties if user.is_active],
        subject=_("Rappel : séance du %(day)s à %(time)s")
        % {"day": f"{session.date:%d/%m/%Y}", "time": f"{session.start_time:%H:%M}"},
        template="session_reminder",
        context={"session": session, "module": module},
    )
    return True

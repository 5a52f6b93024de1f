"""Modules: creation on a match, with their sessions planned week after week."""

from datetime import date, time, timedelta

from django.db import transaction

from astep.accounts.models import User
from astep.classes.models import AccompanimentRequest
from astep.half_days import HalfDay
from astep.modules.models import Module, Session

MORNING = (time(9, 0), time(11, 30))
AFTERNOON = (time(14, 0), time(16, 0))


def sessions_plan(*, start: date, half_day: str, count: int) -> list[tuple[date, time, time]]:
    """Plan `count` weekly sessions on `half_day` ("4-pm"), the first on or after `start`.

    Returns (date, start time, end time) tuples: mornings 9:00–11:30, afternoons 14:00–16:00.
    School holidays are not skipped yet.
    """
    slot = HalfDay(half_day)
    first = start + timedelta(days=(slot.iso_weekday - start.isoweekday()) % 7)
    begin, end = MORNING if slot.is_morning else AFTERNOON
    return [(first + timedelta(weeks=week), begin, end) for week in range(count)]


@transaction.atomic
def module_create(*, request: AccompanimentRequest, volunteer: User, today: date) -> Module:
    """Create the module serving `request` with `volunteer`, and plan its sessions.

    The sessions fall on the first half-day that both the request and the volunteer's
    profile accept, weekly from the later of the wished period's start and tomorrow.
    Returns the module with `request.sessions_count` sessions.
    """
    shared = sorted(set(request.half_days) & set(volunteer.volunteer_profile.half_days))
    half_day = shared[0] if shared else sorted(request.half_days)[0]
    start = max(request.period_start, today + timedelta(days=1))
    module = Module.objects.create(
        request=request, volunteer=volunteer, school_year=request.school_class.school_year
    )
    Session.objects.bulk_create(
        Session(module=module, date=day, start_time=begin, end_time=end)
        for day, begin, end in sessions_plan(
            start=start, half_day=half_day, count=request.sessions_count
        )
    )
    return module

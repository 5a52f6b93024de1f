"""Modules and their sessions: planning on a match, changes by the teacher or the volunteer,
confirmations that a session took place, and the end-of-module questionnaires."""

from datetime import date, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from astep.accounts.models import User
from astep.accounts.services import user_notify
from astep.classes.models import AccompanimentRequest, RequestStatus
from astep.classes.services import request_transition
from astep.half_days import HalfDay
from astep.modules.models import (
    UPCOMING_STATUSES,
    Feedback,
    Module,
    Session,
    SessionChange,
    SessionChangeKind,
    SessionConfirmation,
    SessionStatus,
)
from astep.modules.school_calendar import SchoolCalendar, sessions_plan

OVERLAP_MESSAGE = gettext_lazy("L'accompagnateur a déjà une séance sur ce créneau.")
CO_OVERLAP_MESSAGE = gettext_lazy(
    "Le second accompagnateur, %(name)s, a déjà une séance sur ce créneau."
)


class SessionError(Exception):
    """A session change the rules forbid; the message is French, for the user."""


@transaction.atomic
def module_create(
    *,
    request: AccompanimentRequest,
    volunteer: User,
    today: date,
    co_volunteer: User | None = None,
) -> Module:
    """Create the module serving `request` with `volunteer` (and `co_volunteer` for a request
    run by two accompanists), and plan its sessions.

    The sessions fall weekly on the first half-day, in week order, that the request and
    every volunteer accept (`VolunteerProfile.half_days`); when they share none, on the
    request's first half-day. They start from the later of the wished period's start and
    tomorrow, skipping the école's school and public holidays and the days on which either
    volunteer already has a live session at that time (`sessions_plan`). The sessions repeat
    `volunteer` (`Session.volunteer`, for the PostgreSQL overlap constraint).
    Returns the module; `module.plan` tells the days skipped and the sessions that did not
    fit before the summer.
    Raises ValueError when `co_volunteer` is `volunteer`.
    """
    volunteers = [volunteer] if co_volunteer is None else [volunteer, co_volunteer]
    if co_volunteer is not None and co_volunteer.pk == volunteer.pk:
        raise ValueError("A module's two volunteers must be two different people.")
    half_day = _shared_half_day(request, volunteers)
    start = max(request.period_start, today + timedelta(days=1))
    begin, end = HalfDay(half_day).times
    plan = sessions_plan(
        start=start,
        half_day=half_day,
        count=request.sessions_count,
        calendar=SchoolCalendar.of_ecole(request.school_class.ecole),
        taken=_busy_days(volunteers, start, begin, end),
    )
    module = Module.objects.create(
        request=request,
        volunteer=volunteer,
        co_volunteer=co_volunteer,
        school_year=request.school_class.school_year,
        half_day=half_day,
    )
    Session.objects.bulk_create(
        Session(module=module, volunteer=volunteer, date=day, start_time=s, end_time=e)
        for day, s, e in plan.slots
    )
    module.plan = plan
    return module


def _shared_half_day(request: AccompanimentRequest, volunteers: list[User]) -> str:
    """The first half-day in week order ("1-am" < "1-pm" < "2-am"…) that the request and
    every volunteer accept; the request's first one when they share none."""
    shared = set(request.half_days)
    for user in volunteers:
        shared &= set(user.volunteer_profile.half_days)
    return min(shared) if shared else min(request.half_days)


@transaction.atomic
def session_change(
    *,
    session: Session,
    actor: User,
    day: date,
    start_time: time,
    end_time: time,
    topic: str,
    reason: str,
) -> Session:
    """Move a session to another slot, or change its times or topic, and tell the other party.

    A change of date or time needs a `reason` and marks the session "moved"; a topic alone
    does not. The new date must be a school day of the école (`SchoolCalendar.day_off`).
    Raises SessionError when the session is over or cancelled, when the slot is not a school
    day, or when the volunteer or the co-volunteer already has a session then (PostgreSQL
    refuses the volunteer's overlap too: constraint `no_overlapping_sessions`; the
    co-volunteer's is checked here only).
    """
    session = Session.objects.select_for_update().select_related(*_RELATED).get(pk=session.pk)
    if not session.is_upcoming:
        raise SessionError(_("Seule une séance à venir peut être modifiée."))
    if end_time <= start_time:
        raise SessionError(_("L'heure de fin doit suivre l'heure de début."))
    moved = (day, start_time, end_time) != (session.date, session.start_time, session.end_time)
    reason = reason.strip()
    if moved:
        if not reason:
            raise SessionError(_("Indiquez le motif du changement de date ou d'horaire."))
        ecole = session.module.request.school_class.ecole
        closed = SchoolCalendar.of_ecole(ecole).slot_off(day, start_time)
        if closed:
            raise SessionError(
                _("L'école est fermée le %(day)s (%(reason)s).")
                % {"day": f"{day:%d/%m/%Y}", "reason": closed}
            )
        previous = _record(session, SessionChangeKind.MOVED, actor, reason)
    elif topic != session.topic:
        _record(session, SessionChangeKind.EDITED, actor, reason)
    session.date, session.start_time, session.end_time = day, start_time, end_time
    session.topic = topic
    if moved:
        session.status = SessionStatus.MOVED
        session.reminder_sent_at = None  # the reminder of the old date told the old date
    _save_without_overlap(session)
    if moved:
        _tell_other_party(
            session, actor, "session_moved", _("Séance déplacée"), reason, previous=previous
        )
    return session


@transaction.atomic
def session_cancel(*, session: Session, actor: User, reason: str) -> Session:
    """Cancel a session still to come, with `reason`, and tell the other party.

    When it was the last one to come and others were held, the module is completed.
    Raises SessionError when the session is not to come or the reason is blank.
    """
    session = Session.objects.select_for_update().select_related(*_RELATED).get(pk=session.pk)
    if not session.is_upcoming:
        raise SessionError(_("Seule une séance à venir peut être annulée."))
    if not reason.strip():
        raise SessionError(_("Indiquez le motif de l'annulation."))
    _record(session, SessionChangeKind.CANCELLED, actor, reason.strip())
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status"])
    _tell_other_party(session, actor, "session_cancelled", _("Séance annulée"), reason.strip())
    module_progress(module=session.module)
    return session


@transaction.atomic
def session_confirm(*, session: Session, actor: User, today: date) -> SessionConfirmation:
    """Record that `actor` (the module's teacher, volunteer or co-volunteer) confirms the
    session took place.

    The first confirmation, whoever gives it, marks the session held; the others' are kept
    beside it, one per party. With a binôme the rule stays the same: no party's
    confirmation is required, none waits for another (the attestation says which sessions
    the teacher confirmed). The caller checks that `actor` is a party (`Module.is_party`).
    Raises SessionError before the session's day, on a cancelled session, or when `actor`
    already confirmed.
    """
    session = Session.objects.select_for_update().select_related(*_RELATED).get(pk=session.pk)
    if session.status == SessionStatus.CANCELLED:
        raise SessionError(_("Cette séance est annulée."))
    if session.date > today:
        raise SessionError(_("Une séance se confirme le jour même ou après."))
    confirmation, created = SessionConfirmation.objects.get_or_create(session=session, user=actor)
    if not created:
        raise SessionError(_("Vous avez déjà confirmé cette séance."))
    if session.status != SessionStatus.HELD:
        session.status = SessionStatus.HELD
        session.save(update_fields=["status"])
        module_progress(module=session.module)
    return confirmation


def module_progress(*, module: Module) -> None:
    """Move the module's request along as its sessions are held: in progress at the first
    held session, completed when none is left to come (and at least one was held)."""
    request = module.request
    statuses = set(module.sessions.values_list("status", flat=True))
    held = SessionStatus.HELD in statuses
    if held and request.status == RequestStatus.MATCHED:
        request_transition(request=request, status=RequestStatus.IN_PROGRESS, actor=None)
    if held and not statuses & set(UPCOMING_STATUSES):
        if request.status in (RequestStatus.MATCHED, RequestStatus.IN_PROGRESS):
            request_transition(request=request, status=RequestStatus.COMPLETED, actor=None)


def feedback_save(*, feedback: Feedback) -> Feedback:
    """Save the end-of-module questionnaire of the module's teacher or one of its volunteers
    (one answer per party: constraint `one_feedback_per_party`).

    Raises SessionError before any session was held (there is nothing to judge yet).
    """
    if not feedback.module.has_held_session():
        raise SessionError(_("Le questionnaire s'ouvre après la première séance réalisée."))
    feedback.role = feedback.user.role
    feedback.at = timezone.now()
    feedback.save()
    return feedback


# Read with select_for_update(), which locks every joined row: no nullable relation here
# (PostgreSQL refuses FOR UPDATE on an outer join), so the co-volunteer is read lazily.
_RELATED = ("module__request__school_class__ecole__departement__academie", "module__volunteer")


def _busy_days(volunteers: list[User], start: date, begin: time, end: time) -> set[date]:
    """Days from `start` on which one of `volunteers` has a live session overlapping
    begin–end (as volunteer or co-volunteer of a module)."""
    busy = Session.objects.overlapping(
        volunteer_ids=[user.pk for user in volunteers],
        day={"date__gte": start},
        begin=begin,
        end=end,
    )
    return set(busy.values_list("date", flat=True))


def _save_without_overlap(session: Session) -> None:
    """Save `session` unless one of its module's volunteers has another session then.

    Only the first volunteer's overlap is also refused by PostgreSQL; the co-volunteer's
    rests on this check alone (two concurrent moves onto one slot of theirs may both pass).
    """
    module = session.module
    overlapping = Session.objects.overlapping(
        volunteer_ids=module.volunteer_ids,
        day=session.date,
        begin=session.start_time,
        end=session.end_time,
    ).exclude(pk=session.pk)
    busy = {
        pk
        for row in overlapping.values_list("volunteer_id", "module__co_volunteer_id")
        for pk in row
    }
    if module.volunteer_id in busy:
        raise SessionError(OVERLAP_MESSAGE)
    if module.co_volunteer_id in busy:
        co_volunteer = module.co_volunteer
        name = co_volunteer.get_full_name() or co_volunteer.email
        raise SessionError(CO_OVERLAP_MESSAGE % {"name": name})
    try:
        with transaction.atomic():  # a savepoint: a concurrent insert still meets the constraint
            session.save()
    except IntegrityError as error:
        if "no_overlapping_sessions" in str(error):
            raise SessionError(OVERLAP_MESSAGE) from error
        raise


def _record(session: Session, kind: str, actor: User, reason: str) -> SessionChange:
    return SessionChange.objects.create(
        session=session,
        kind=kind,
        previous_date=session.date,
        previous_start_time=session.start_time,
        previous_end_time=session.end_time,
        reason=reason,
        actor=actor,
    )


def _tell_other_party(
    session: Session, actor: User, template: str, subject: str, reason: str, previous=None
):
    module = session.module
    others = [u for u in (module.teacher, *module.volunteers) if u != actor]
    user_notify(
        recipients=others,
        subject=f"{subject} — {module.request.school_class.ecole.name}",
        template=template,
        context={
            "session": session,
            "module": module,
            "actor": actor,
            "reason": reason,
            "previous": previous,
        },
    )

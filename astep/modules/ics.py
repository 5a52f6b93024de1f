"""iCalendar (RFC 5545) files of the sessions: one module's, and each party's private feed.

Every session appears, cancelled ones too with STATUS:CANCELLED: a calendar app that
already holds the event (same UID) then strikes it out or removes it, where a session
that vanished from the file would stay in some apps forever. SEQUENCE counts the
session's changes (`SessionChange`) and LAST-MODIFIED/DTSTAMP is the last of them (else
the module's creation), so that a file for unchanged sessions is byte-for-byte the same.
"""

from datetime import UTC, date
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from astep.accounts.models import Role, User
from astep.modules.models import CalendarFeed, Module, Session, SessionStatus, calendar_token

PRODID = "-//ASTEP//Portail ASTEP//FR"
# Roles with a private feed: the parties of a module (other roles follow modules on the site).
FEED_ROLES = [Role.TEACHER, Role.VOLUNTEER]
_RELATED = (
    "module__request__school_class__ecole",
    "module__request__school_class__teacher",
    "module__volunteer",
    "module__co_volunteer",
)


def module_ics(module: Module) -> bytes:
    """Return the .ics file of every session of `module` (UTF-8 bytes, CRLF lines)."""
    sessions = _sessions(Session.objects.filter(module=module))
    school_class = module.request.school_class
    name = f"ASTEP — {school_class.levels_label}, {school_class.ecole.name}"
    return _calendar(name, sessions)


def user_feed_ics(user: User) -> bytes:
    """Return the private feed of `user`: every session of the modules they may see.

    Meant for the parties (teacher, volunteer: `FEED_ROLES`), whose scope is their own
    modules (a volunteer's include those where they are the co-volunteer); for another role
    it would hold their whole territory's sessions.
    """
    sessions = _sessions(Session.objects.for_user(user))
    return _calendar(f"ASTEP — {user.get_full_name() or user.email}", sessions)


def calendar_feed_get(user: User) -> CalendarFeed:
    """Return the private feed of `user`, creating it (with a new secret) on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_renew(*, user: User) -> CalendarFeed:
    """Give `user`'s feed a new secret: every calendar subscribed to the old address loses it."""
    feed = calendar_feed_get(user)
    feed.token = calendar_token()
    feed.save(update_fields=["token"])
    return feed


def _sessions(sessions: QuerySet) -> list[Session]:
    return list(
        sessions.select_related(*_RELATED)
        .annotate(changes_count=Count("changes"), changed_at=Max("changes__at"))
        .order_by("date", "start_time", "pk")
    )


def _calendar(name: str, sessions: list[Session]) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for session in sessions:
        cal.add_component(_event(session))
    if sessions:
        # Only the DST rules of the years the sessions span: a short VTIMEZONE.
        cal.add_missing_timezones(
            first_date=date(sessions[0].date.year - 1, 1, 1),
            last_date=date(sessions[-1].date.year + 1, 12, 31),
        )
    return cal.to_ical()


def _event(session: Session) -> Event:
    module = session.module
    school_class = module.request.school_class
    ecole = school_class.ecole
    cancelled = session.status == SessionStatus.CANCELLED
    summary = f"ASTEP — Sciences, {school_class.levels_label}, {ecole.name}"
    module_url = settings.SITE_URL + reverse("modules:detail", args=[module.pk])
    modified = (session.changed_at or module.created_at).astimezone(UTC)

    event = Event()
    event.add("uid", f"session-{session.pk}@{_host()}")
    event.add("dtstamp", modified)
    event.add("last-modified", modified)
    event.add("sequence", session.changes_count)
    # TZID=Europe/Paris: the times are the école's wall clock, whatever the reader's zone.
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add(
        "summary", _("Annulée : %(summary)s") % {"summary": summary} if cancelled else summary
    )
    event.add("location", _location(ecole))
    event.add("description", _description(session, module_url))
    event.add("url", module_url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def _location(ecole) -> str:
    town = " ".join(part for part in (ecole.postcode, ecole.commune_name) if part)
    return ", ".join(part for part in (ecole.name, ecole.address, town) if part)


def _description(session: Session, module_url: str) -> str:
    module = session.module
    lines = [
        _("Séance %(status)s.") % {"status": session.get_status_display().lower()},
        _("Thème : %(theme)s") % {"theme": module.request.get_theme_display() or _("libre")},
        _("Enseignant·e : %(name)s") % {"name": module.request.school_class.teacher},
        (
            _("Accompagnateurs : %(names)s") % {"names": module.volunteers_label}
            if module.co_volunteer_id
            else _("Accompagnateur·rice : %(name)s") % {"name": module.volunteer}
        ),
    ]
    if session.topic:
        lines.append(_("Contenu prévu : %(topic)s") % {"topic": session.topic})
    lines.append(_("Le module sur le portail ASTEP : %(url)s") % {"url": module_url})
    return "\n".join(lines)


def _host() -> str:
    """The portal's host name (from SITE_URL), which makes the UIDs unique worldwide."""
    return urlsplit(settings.SITE_URL).hostname or "astep.invalid"

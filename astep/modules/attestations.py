"""The volunteer's attestation of participation in an ASTEP module, as a PDF.

Universities may count the accompaniment towards a student's course credits: the
attestation lists the sessions held, which of them the teacher confirmed, and the hours.
A module run by two accompanists gives each their own attestation, in their name, with
its own reference, naming the other as their partner.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from astep.accounts.models import User
from astep.modules.models import Module, Session, SessionConfirmation, SessionStatus
from astep.pdf import html_to_pdf
from astep.volunteers.models import VolunteerProfile


class AttestationError(ValueError):
    """No attestation can be issued; the message is French, for the user."""


@dataclass(frozen=True)
class HeldSession:
    """One line of the attestation: a held session and the teacher's confirmation, if any."""

    session: Session
    hours: str
    teacher_confirmed_at: date | None


def attestation_pdf(module: Module, *, volunteer: User | None = None) -> bytes:
    """Render the attestation of participation of `volunteer`, one of `module`'s accompanists
    (by default its first volunteer).

    It names the volunteer (and the other accompanist of a binôme), the école (name, UAI,
    commune), the teacher, the class levels,
    the school year and the theme, then lists the HELD sessions only (date, times, length
    in hours, topic, and the date the teacher confirmed it, if they did), with the number
    of sessions, the total in hours ("12,5 h"), the first and last dates, the date of
    issue (today in Paris) and a reference (`attestation_reference`).
    Returns the bytes of a PDF document (A4, French, no external asset).
    Raises AttestationError while no session of the module is held, ValueError when
    `volunteer` is not one of the module's accompanists.
    """
    module = Module.objects.select_related(
        "request__school_class__ecole",
        "request__school_class__teacher",
        "volunteer",
        "co_volunteer",
    ).get(pk=module.pk)
    volunteer = volunteer or module.volunteer
    if not module.is_volunteer(volunteer):
        raise ValueError(f"User {volunteer.pk} is not an accompanist of module {module.pk}.")
    partner = next((user for user in module.volunteers if user.pk != volunteer.pk), None)
    teacher_id = module.request.school_class.teacher_id
    sessions = list(
        module.sessions.filter(status=SessionStatus.HELD).prefetch_related(
            Prefetch(
                "confirmations",
                queryset=SessionConfirmation.objects.filter(user_id=teacher_id),
                to_attr="teacher_confirmations",
            )
        )
    )
    if not sessions:
        raise AttestationError(
            _("L'attestation sera disponible après la première séance réalisée.")
        )
    lines = [
        HeldSession(
            session=session,
            hours=hours_label(session.duration_hours),
            teacher_confirmed_at=(
                timezone.localdate(session.teacher_confirmations[0].at)
                if session.teacher_confirmations
                else None
            ),
        )
        for session in sessions
    ]
    profile = VolunteerProfile.objects.filter(user=volunteer).select_related("organisation").first()
    with translation.override("fr"):
        html = render_to_string(
            "modules/attestation.html",
            {
                "module": module,
                "school_class": module.request.school_class,
                "ecole": module.request.school_class.ecole,
                "volunteer_name": _name(volunteer),
                "partner_name": _name(partner) if partner else "",
                "organisation": profile.organisation if profile else None,
                "teacher_name": module.teacher.get_full_name() or module.teacher.email,
                "lines": lines,
                "confirmed_by_teacher": sum(1 for line in lines if line.teacher_confirmed_at),
                "total_hours": hours_label(sum(s.duration_hours for s in sessions)),
                "first_date": sessions[0].date,
                "last_date": sessions[-1].date,
                "issued_on": timezone.localdate(),
                "reference": attestation_reference(module, volunteer=volunteer),
            },
        )
    return html_to_pdf(html)


def attestation_reference(module: Module, *, volunteer: User | None = None) -> str:
    """The reference printed on `volunteer`'s attestation: "ASTEP-2026-2027-42" for the
    module's volunteer (the default), "ASTEP-2026-2027-42-2" for its co-volunteer."""
    reference = f"ASTEP-{module.school_year}-{module.pk}"
    if volunteer is not None and volunteer.pk == module.co_volunteer_id:
        reference += "-2"
    return reference


def _name(user: User) -> str:
    return user.get_full_name() or user.email


def hours_label(hours: float) -> str:
    """A number of hours written the French way, to the hundredth: 6 → "6 h", 12.5 → "12,5 h"."""
    number = f"{hours:.2f}".rstrip("0").rstrip(".")
    return f"{number.replace('.', ',')} h"

"""The versioned charter: publishing a version, signing it, the signed copy as a PDF.

Circular n° 2010-083 (8 June 2010) asks every accompanist to sign the *Charte de
l'accompagnement en science et technologie à l'école primaire* (published by the
Fondation La main à la pâte). When the charter changes, national staff publish a new
version; from its effective date a volunteer is proposed only once they signed it
(`VolunteerProfile.objects.proposable()`).
"""

from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from astep.accounts.models import Role, User
from astep.accounts.services import user_notify
from astep.pdf import html_to_pdf
from astep.volunteers.models import (
    CharterSignature,
    CharterVersion,
    EventKind,
    VolunteerEvent,
    VolunteerProfile,
)


def charter_sign(
    *, user: User, version: CharterVersion, full_name: str, ip_address: str | None
) -> CharterSignature:
    """Record that `user` signed `version` under the typed `full_name`, from `ip_address`.

    Circular 2010-083: every accompanist signs the charter; the signature names the
    version, the time, the IP address and the name typed. Signing a version already
    signed returns the existing signature unchanged. A first signature adds a
    "charte signée" line to the history of the volunteer's profile, when they have one.
    """
    with transaction.atomic():
        signature, created = CharterSignature.objects.get_or_create(
            user=user, version=version, defaults={"full_name": full_name, "ip_address": ip_address}
        )
        profile = VolunteerProfile.objects.filter(user=user).first() if created else None
        if profile is not None:
            VolunteerEvent.objects.create(
                profile=profile,
                kind=EventKind.CHARTER_SIGNED,
                actor=user,
                message=f"Version {version.version}",
                at=signature.signed_at,
            )
    return signature


def charter_recipients(*, version: CharterVersion) -> QuerySet[User]:
    """The volunteers to tell about `version`: active, having signed another version."""
    return (
        User.objects.filter(role=Role.VOLUNTEER, is_active=True, charter_signatures__isnull=False)
        .exclude(charter_signatures__version=version)
        .distinct()
        .order_by("pk")
    )


def charter_date_problem(*, effective_on: date) -> str | None:
    """Why a new version cannot come into force on `effective_on` (French), or None.

    The date is today (Paris) or later, and not before the newest version published.
    """
    if effective_on < timezone.localdate():
        return _("La date d'entrée en vigueur ne peut pas être passée.")
    latest = CharterVersion.objects.latest_published()
    if latest is not None and effective_on < latest.effective_on:
        return _(
            "La version %(version)s entre déjà en vigueur le %(date)s : choisissez cette date "
            "ou une date ultérieure."
        ) % {"version": latest.version, "date": date_format(latest.effective_on, "j F Y")}
    return None


def charter_publish(*, version: str, effective_on: date, text: str, by: User) -> CharterVersion:
    """Publish charter version `version` (a label such as "2025"), in force from `effective_on`.

    `text` is the full text volunteers will sign. From `effective_on` (a date in Paris,
    today or later, and not before the newest version already published), a volunteer must
    sign it to be proposed again. Every active volunteer who signed an earlier version is
    e-mailed, one message each, once the transaction commits. Raises ValueError when the
    date is too early or the label is taken (the publishing form checks both first).
    """
    today = timezone.localdate()
    problem = charter_date_problem(effective_on=effective_on)
    if problem:
        raise ValueError(problem)
    if CharterVersion.objects.filter(version=version).exists():
        raise ValueError(f"Charter version {version!r} already exists.")
    with transaction.atomic():
        published = CharterVersion.objects.create(
            version=version, effective_on=effective_on, text=text, published_by=by
        )
        # One e-mail per volunteer: it greets them by name.
        for user in charter_recipients(version=published):
            user_notify(
                recipients=[user],
                subject=_("Nouvelle version de la charte ASTEP (v%(version)s)")
                % {"version": published.version},
                template="charter_published",
                context={"user": user, "version": published, "in_force_now": effective_on == today},
            )
    return published


def charter_to_sign(*, user: User) -> CharterVersion | None:
    """The newest published version `user` has not signed yet, or None when up to date.

    For the volunteer's home page and onboarding: it may be announced for a later date,
    in which case the version in force still lets them be proposed until then.
    """
    latest = CharterVersion.objects.latest_published()
    if latest is None or latest.signatures.filter(user=user).exists():
        return None
    return latest


def charter_pdf(*, signature: CharterSignature) -> bytes:
    """Render the signed copy of the charter: the version's text and the signature block.

    The block states the name typed, the version, the date and time of signing in
    Europe/Paris and the IP address (circular 2010-083: the charter signed by the
    accompanist). Returns the bytes of a PDF document, in French, with no external asset.
    """
    version = signature.version
    with translation.override("fr"):
        html = render_to_string(
            "volunteers/charter_pdf.html",
            {
                "signature": signature,
                "version": version,
                "email": signature.user.email,
            },
        )
    return html_to_pdf(html)

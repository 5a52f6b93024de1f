"""The data rights of a user (RGPD) and the retention of inactive accounts.

A user downloads everything the database holds about them (RGPD art. 15 and 20),
deletes their account (art. 17), and the self-registered accounts left unused for two
years are warned then anonymised (art. 5.1.e, storage limitation; CNIL recommendation
on the retention of inactive accounts). Anonymising keeps the rows that the statistics
count (modules, proposals, classes, the volunteer's status and organisation) and blanks
everything that names or locates the person.
"""

import io
import json
import logging
import posixpath
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.admin.utils import NestedObjects
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router, transaction
from django.db.models import F, Q
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from astep.accounts.models import SELF_REGISTERED_ROLES, User
from astep.accounts.services import user_notify
from astep.outbox.queue import outbox_batch
from astep.volunteers.charter import charter_pdf
from astep.volunteers.models import CharterSignature, VolunteerEvent, VolunteerProfile
from astep.volunteers.proofs import proof_discard
from matching.models import LIVE_STATUSES, Proposal
from matching.services import proposal_withdraw

logger = logging.getLogger(__name__)

# CNIL, "Les durées de conservation" and its recommendation on inactive accounts: an
# account unused for two years is deleted or anonymised, after warning its holder.
INACTIVITY = timedelta(days=730)
# The time the warned holder has to log in and keep their account.
GRACE = timedelta(days=30)

NOT_EXPORTED = "(non exporté)"
ANONYMOUS_NAME = "Anonyme"
DECLINED_ON_DELETION = "Compte de l'accompagnateur supprimé."


@dataclass(frozen=True)
class RetentionResult:
    """What one run of `accounts_retention` did: accounts warned, accounts anonymised."""

    warned: int
    anonymised: int


def user_export(*, user: User) -> bytes:
    """Build the zip of everything the database holds about `user` (RGPD art. 15 and 20).

    The zip holds `donnees.json`, a list of rows in Django's serialization format
    ({"model": "app.model", "pk": …, "fields": {…}}), sorted by model then pk, and
    `documents/<file name>` for every file a row stores (the proof of level), the signed
    charters as PDF, and `LISEZMOI.txt` (French) explaining the format.

    The rows are found generically, as the admin finds what deleting the user would
    touch: the user, the rows deleted with them (CASCADE: profile, events, charter
    signatures, e-mail addresses), the rows that keep them from being deleted (PROTECT:
    modules, proposals, classes, surveys) and the rows deleted with those (a module's
    sessions). Rows that only name the user as the staff member who acted on someone
    else's record (SET_NULL, e.g. `reviewed_by` on another volunteer's profile) are
    about that other person and are left out. Password hashes are replaced by
    "(non exporté)". A file missing from the storage is logged and skipped.
    """
    rows = _rows_about(user)
    records = serializers.serialize("python", rows)
    for record in records:
        if "password" in record["fields"]:
            record["fields"]["password"] = NOT_EXPORTED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "donnees.json",
            json.dumps(records, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        archive.writestr("LISEZMOI.txt", render_to_string("accounts/export_readme.txt"))
        for signature in CharterSignature.objects.filter(user=user).select_related("version"):
            archive.writestr(
                f"documents/charte-astep-v{signature.version.version}.pdf",
                charter_pdf(signature=signature),
            )
        for stored in _files_of(rows):
            try:
                with stored.open("rb") as handle:
                    content = handle.read()
            except FileNotFoundError:
                logger.warning("Export of user %s: file %s is missing", user.pk, stored.name)
                continue
            archive.writestr(f"documents/{posixpath.basename(stored.name)}", content)
    return buffer.getvalue()


def _rows_about(user: User) -> list[models.Model]:
    """The user's row and every row that cascades from it or protects it (see user_export)."""
    using = router.db_for_write(User)
    collector = NestedObjects(using=using)
    collector.collect([user])
    rows = {obj for objs in collector.data.values() for obj in objs} | collector.protected
    by_model = defaultdict(list)
    for obj in collector.protected:
        by_model[type(obj)].append(obj)
    for objs in by_model.values():
        below = NestedObjects(using=using)
        below.collect(objs)
        # Only what cascades: what protects these rows belongs to other people.
        rows |= {obj for found in below.data.values() for obj in found}
    return sorted(rows, key=lambda obj: (obj._meta.label, obj.pk))


def _files_of(rows: list[models.Model]) -> list[FieldFile]:
    """The stored files (FieldFile) of `rows` that have a name."""
    files = []
    for row in rows:
        for field in row._meta.concrete_fields:
            if isinstance(field, models.FileField):
                stored = getattr(row, field.attname)
                if stored:
                    files.append(stored)
    return files


@transaction.atomic
def user_anonymise(*, user: User, now: datetime) -> None:
    """Anonymise `user` for good: they can no longer log in; the statistics do not change.

    Blanks the names, replaces the e-mail by `anonyme-<pk>@anonyme.invalid`, makes the
    password unusable, deactivates the account and stamps `anonymised_at = now` (an
    aware datetime); deletes the allauth e-mail addresses and the user's sessions. On a
    volunteer profile: birth date and commune emptied, diploma, experience, partner's
    name and the correspondent's message blanked, the proof of level deleted (after
    commit); level, field, status, organisation and review status stay, for the
    statistics by status and organisation. Charter signatures keep their version and
    date under the name "Anonyme" without IP address; the messages of the volunteer's
    history and the reasons of their declined proposals are blanked; a proposal still
    waiting is withdrawn, so the correspondent can offer the request to someone else.
    Modules, proposals and classes stay linked to the anonymised row, so
    `surveys.figures.figures_by_departement` counts the same (RGPD art. 17 and 89).
    """
    user.first_name = ""
    user.last_name = ""
    user.email = f"anonyme-{user.pk}@anonyme.invalid"
    user.set_unusable_password()
    user.is_active = False
    user.anonymised_at = now
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    _sessions_delete(user=user, now=now)
    profile = VolunteerProfile.objects.filter(user=user).first()
    if profile is not None:
        _profile_anonymise(profile)
    CharterSignature.objects.filter(user=user).update(full_name=ANONYMOUS_NAME, ip_address=None)
    VolunteerEvent.objects.filter(profile__user=user).update(message="")
    Proposal.objects.filter(volunteer=user).update(decline_reason="")
    for proposal in Proposal.objects.filter(volunteer=user, status__in=LIVE_STATUSES):
        proposal_withdraw(proposal=proposal, reason=DECLINED_ON_DELETION)


def _profile_anonymise(profile: VolunteerProfile) -> None:
    profile.birth_date = None
    profile.commune = None
    profile.diploma = ""
    profile.experience = ""
    profile.pair_with = ""
    profile.review_message = ""
    proof_discard(profile)
    profile.save()


def _sessions_delete(*, user: User, now: datetime) -> None:
    """Delete the unexpired database sessions of `user`.

    Sessions do not index their user, so each unexpired one is decoded. With another
    session engine nothing is stored here, and the unusable password and the inactive
    account already end every session at its next request.
    """
    user_id = str(user.pk)
    stale = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=now).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(pk__in=stale).delete()


def accounts_retention(*, now: datetime) -> RetentionResult:
    """Warn the accounts inactive for 24 months, anonymise those warned 1 month ago.

    `now` is an aware datetime (the task passes `timezone.now()`). Covers the
    self-registered accounts (teachers and volunteers, not staff), active and not yet
    anonymised; correspondents, inspectors and national staff are managed by the
    administrators, who close them. The last activity is `last_login`, or `date_joined`
    for an account never used.

    - inactive for `INACTIVITY` (730 days) and not warned since the last activity: one
      e-mail (templates/emails/account_inactive.txt, sent after commit) and
      `inactivity_warned_at = now`;
    - warned `GRACE` (30 days) ago or more, with no login since the warning:
      `user_anonymise`.

    Idempotent: a second run on the same day changes nothing more. Returns the counts.
    Source: RGPD art. 5.1.e; CNIL recommendation on inactive accounts.
    """
    anonymised = _inactive_anonymise(now)
    warned = _inactive_warn(now)
    return RetentionResult(warned=warned, anonymised=anonymised)


def _retention_candidates() -> models.QuerySet:
    return User.objects.filter(
        role__in=SELF_REGISTERED_ROLES,
        is_staff=False,
        is_active=True,
        anonymised_at__isnull=True,
    ).annotate(last_activity=Coalesce("last_login", "date_joined"))


def _inactive_warn(now: datetime) -> int:
    due = _retention_candidates().filter(
        Q(inactivity_warned_at__isnull=True) | Q(inactivity_warned_at__lt=F("last_activity")),
        last_activity__lte=now - INACTIVITY,
    )
    with transaction.atomic():
        users = list(due.select_for_update())
        with outbox_batch():
            for user in users:
                user_notify(
                    recipients=[user],
                    subject=_("Votre compte sera anonymisé faute de connexion"),
                    template="account_inactive",
                    context={"user": user, "deadline": now + GRACE},
                )
        User.objects.filter(pk__in=[user.pk for user in users]).update(inactivity_warned_at=now)
    return len(users)


def _inactive_anonymise(now: datetime) -> int:
    due = _retention_candidates().filter(
        inactivity_warned_at__lte=now - GRACE,
        last_activity__lt=F("inactivity_warned_at"),
        last_activity__lte=now - INACTIVITY,
    )
    count = 0
    for pk in due.values_list("pk", flat=True):
        # One transaction per account; the row is locked and checked again, so a login
        # racing with the task keeps the account.
        with transaction.atomic():
            user = due.select_for_update().filter(pk=pk).first()
            if user is not None:
                user_anonymise(user=user, now=now)
                count += 1
    return count

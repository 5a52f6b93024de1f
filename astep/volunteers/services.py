"""Volunteer writes: each onboarding step, and the review of the level by the correspondent."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from astep.accounts.models import Role, User
from astep.accounts.services import departmental_correspondents, user_notify
from astep.school_year import school_year_end
from astep.volunteers.eligibility import eligibility_assess
from astep.volunteers.models import (
    EventKind,
    ProofKind,
    ReviewStatus,
    Verdict,
    VolunteerEvent,
    VolunteerProfile,
)
from astep.volunteers.proofs import CleanProof, proof_attach, proof_discard


class ReviewError(Exception):
    """A review decision that does not apply to the profile as it stands (message in French)."""


def profile_assess(*, profile: VolunteerProfile, today: date) -> VolunteerProfile:
    """Apply the rules of circular 2010-083 to `profile` and store the verdict (not saved).

    Age is checked on the last day of the current school year (`school_year_end`): a
    volunteer who turns 18 before then may enrol now; the matching checks age again on
    each module's start date. Needs birth_date, level, field and status set.
    """
    result = eligibility_assess(
        birth_date=profile.birth_date,
        level=profile.level,
        field=profile.field,
        status=profile.status,
        on=school_year_end(today),
    )
    profile.verdict = result.verdict
    profile.refusal_reasons = list(result.reasons)
    return profile


def profile_save(*, profile: VolunteerProfile, today: date) -> VolunteerProfile:
    """Save the "profil" or "disponibilites" step of `profile` (user set).

    When a level was already given, the rules are applied again (a changed birth date
    may change the verdict); a profile the rules now refuse leaves the review and must
    send its level again. Returns the saved profile.
    """
    if profile.level:
        profile_assess(profile=profile, today=today)
        if profile.verdict == Verdict.REFUSED:
            profile.review_status = ""
    profile.save()
    return profile


@transaction.atomic
def level_submit(
    *, profile: VolunteerProfile, proof: CleanProof | None, today: date
) -> VolunteerProfile:
    """Save the "level and proof" step and send it for review when the rules allow it.

    Takes the profile with level, field, diploma or experience and `proof_kind` set, and
    the cleaned uploaded file (None to keep the one stored, or for an attestation).
    Refused by the rules → saved with its reasons, nothing sent. Otherwise the review
    status becomes pending (a diploma), or awaiting the organisation's attestation; the
    departmental correspondents (or the organisation's scientific correspondents) are
    e-mailed after commit. Returns the saved profile.
    """
    profile_assess(profile=profile, today=today)
    if profile.proof_kind == ProofKind.ATTESTATION:
        proof_discard(profile)
    elif proof is not None:
        proof_attach(profile, proof)
    if profile.verdict == Verdict.REFUSED:
        profile.review_status = ""
        profile.save()
        return profile
    attestation = profile.proof_kind == ProofKind.ATTESTATION
    already_attested = attestation and profile.attested_at is not None
    profile.review_status = (
        ReviewStatus.AWAITING_ATTESTATION
        if attestation and not already_attested
        else ReviewStatus.PENDING
    )
    profile.submitted_at = timezone.now()
    profile.review_message = ""
    profile.save()
    VolunteerEvent.objects.create(profile=profile, kind=EventKind.SUBMITTED, actor=profile.user)
    _reviewers_notify(profile)
    return profile


def _reviewers_notify(profile: VolunteerProfile) -> None:
    if profile.review_status == ReviewStatus.AWAITING_ATTESTATION:
        recipients = list(
            User.objects.filter(
                role=Role.SCIENTIFIC_CORRESPONDENT,
                organisation_id=profile.organisation_id,
                is_active=True,
            )
        )
        subject, template = (
            _("Une attestation de niveau vous est demandée"),
            "level_attestation_asked",
        )
    else:
        recipients = departmental_correspondents(profile.commune.departement_id)
        subject, template = (
            _("Un accompagnateur attend la validation de son niveau"),
            "level_to_review",
        )
    user_notify(
        recipients=recipients, subject=subject, template=template, context={"profile": profile}
    )


@transaction.atomic
def level_attest(*, profile: VolunteerProfile, by: User) -> VolunteerProfile:
    """Record that `by`, scientific correspondent of the volunteer's organisation, attests
    their level; the profile then goes to the departmental correspondent's review.

    Raises ReviewError when the profile is not awaiting an attestation or `by` is not a
    correspondent of its organisation.
    """
    if profile.review_status != ReviewStatus.AWAITING_ATTESTATION:
        raise ReviewError(_("Cet accompagnateur n'attend pas d'attestation."))
    if by.role != Role.SCIENTIFIC_CORRESPONDENT or by.organisation_id != profile.organisation_id:
        raise ReviewError(_("Seul un correspondant scientifique de son organisme peut attester."))
    profile.attested_by, profile.attested_at = by, timezone.now()
    profile.review_status = ReviewStatus.PENDING
    profile.save()
    VolunteerEvent.objects.create(profile=profile, kind=EventKind.ATTESTED, actor=by)
    _reviewers_notify(profile)
    return profile


DECISIONS = {
    "validate": (ReviewStatus.VALIDATED, EventKind.VALIDATED, "level_validated"),
    "refuse": (ReviewStatus.REFUSED, EventKind.REFUSED, "level_refused"),
    "correction": (ReviewStatus.CORRECTION, EventKind.CORRECTION, "level_correction"),
}


@transaction.atomic
def level_decide(
    *, profile: VolunteerProfile, decision: str, message: str, by: User
) -> VolunteerProfile:
    """Apply the departmental correspondent's decision on a pending level.

    `decision` is "validate", "refuse" or "correction" (`DECISIONS`); `message` is the
    reason or the correction asked (required for both, read by the volunteer). A
    validation deletes the uploaded proof (after commit): what remains is who validated,
    when, and from which kind of proof. The volunteer is e-mailed after commit and the
    decision is kept in their history. Raises ReviewError when the level is not pending,
    or a refusal or correction comes without a message.
    """
    if profile.review_status != ReviewStatus.PENDING:
        raise ReviewError(_("Ce niveau n'est pas en attente de validation."))
    status, kind, template = DECISIONS[decision]
    message = message.strip()
    if status != ReviewStatus.VALIDATED and not message:
        raise ReviewError(_("Expliquez votre décision à l'accompagnateur."))
    profile.review_status = status
    profile.review_message = message
    profile.reviewed_by, profile.reviewed_at = by, timezone.now()
    if status == ReviewStatus.VALIDATED:
        proof_discard(profile)
    profile.save()
    VolunteerEvent.objects.create(profile=profile, kind=kind, actor=by, message=message)
    user_notify(
        recipients=[profile.user],
        subject=str(kind.label),
        template=template,
        context={"profile": profile, "message": message},
    )
    return profile

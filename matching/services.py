"""Proposals of volunteers for requests, and the answers of the volunteer and the teacher."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from astep.accounts.models import User
from astep.accounts.services import departmental_correspondents, user_notify
from astep.classes.models import AccompanimentRequest, RequestStatus
from astep.classes.services import request_transition
from astep.modules.models import Module
from astep.modules.services import module_create
from matching.candidates import candidates_for
from matching.models import LIVE_STATUSES, PairChoice, Plan, Proposal, ProposalStatus


class ProposalError(Exception):
    """A proposal or an answer that the rules forbid; the message is for the user, in the
    active language."""


@transaction.atomic
def proposal_create(
    *, request: AccompanimentRequest, volunteer: User, proposed_by: User, today: date
) -> Proposal:
    """Propose `volunteer` for `request` by hand and e-mail the volunteer and the teacher.

    A request needing two accompanists takes two proposals, one at a time. Raises
    ProposalError when the request has all the proposals it needs or is not waiting, or when
    the volunteer is not among its candidates (`matching.candidates.candidates_for`).
    """
    request = request_locked(request.pk)
    if request.status not in (RequestStatus.SUBMITTED, RequestStatus.PROPOSED):
        raise ProposalError(_("Cette demande n'attend pas de proposition."))
    if request.proposals.filter(status__in=LIVE_STATUSES).count() >= request.accompanists:
        raise ProposalError(_("Cette demande a déjà toutes les propositions qu'il lui faut."))
    candidate = next(
        (c for c in candidates_for(request, today=today) if c.profile.user_id == volunteer.pk),
        None,
    )
    if candidate is None:
        raise ProposalError(_("Cette personne ne peut pas être proposée pour cette demande."))
    return proposals_make(
        request=request,
        offers=[(volunteer, candidate.distance_km)],
        proposed_by=proposed_by,
    )[0]


def proposals_make(
    *,
    request: AccompanimentRequest,
    offers: list[tuple[User, float]],
    proposed_by: User,
    plan: Plan | None = None,
) -> list[Proposal]:
    """Create the proposals of `offers` [(volunteer, km)] for a locked `request` already
    checked by the caller, move it to "proposed" and e-mail each volunteer and the teacher.

    They expire after `MATCHING_PROPOSAL_DAYS` days without an answer.
    """
    expires_at = timezone.now() + timedelta(days=settings.MATCHING_PROPOSAL_DAYS)
    proposals = [
        Proposal.objects.create(
            request=request,
            volunteer=volunteer,
            proposed_by=proposed_by,
            distance_km=km,
            plan=plan,
            expires_at=expires_at,
        )
        for volunteer, km in offers
    ]
    if request.status == RequestStatus.SUBMITTED:
        request_transition(
            request=request, status=RequestStatus.PROPOSED, actor=proposed_by, notify=False
        )
    for proposal in proposals:
        user_notify(
            recipients=[proposal.volunteer],
            subject=_("Une classe vous est proposée"),
            template="proposal_created",
            context={"proposal": proposal, "request": request},
        )
        user_notify(
            recipients=[request.school_class.teacher],
            subject=_("Un accompagnateur est proposé pour votre classe"),
            template="proposal_created_teacher",
            context={"proposal": proposal, "request": request},
        )
    return proposals


@transaction.atomic
def proposal_accept(*, proposal: Proposal, by: User, today: date) -> Module | None:
    """Record that `by` (the volunteer or the teacher) accepts `proposal`.

    Once both have accepted every proposal the request needs (one, or two for a binôme), the
    request is matched and its module planned: returns that module, else None. E-mails the
    teacher, the volunteers and the departmental correspondents when the module is created.
    Raises ProposalError when `by` has nothing to answer.
    """
    proposal = _proposal_locked(proposal, by)
    now = timezone.now()
    if by.pk == proposal.volunteer_id:
        proposal.volunteer_accepted_at = now
    else:
        proposal.teacher_accepted_at = now
    if proposal.volunteer_accepted_at and proposal.teacher_accepted_at:
        proposal.status = ProposalStatus.ACCEPTED
        proposal.answered_at = now
    proposal.save()
    request = proposal.request
    accepted = list(
        request.proposals.filter(status=ProposalStatus.ACCEPTED)
        .select_related("volunteer__volunteer_profile")
        .order_by("created_at", "pk")
    )
    if len(accepted) < request.accompanists:
        return None
    request_transition(request=request, status=RequestStatus.MATCHED, actor=by, notify=False)
    volunteers = [p.volunteer for p in accepted]
    module = module_create(
        request=request,
        volunteer=volunteers[0],
        co_volunteer=volunteers[1] if len(volunteers) > 1 else None,
        today=today,
    )
    ecole = request.school_class.ecole
    user_notify(
        recipients=[
            request.school_class.teacher,
            *volunteers,
            *departmental_correspondents(ecole.departement_id),
        ],
        subject=_("Accompagnement confirmé — %(ecole)s") % {"ecole": ecole.name},
        template="proposal_accepted",
        context={"proposal": proposal, "module": module, "volunteers": volunteers},
    )
    return module


@transaction.atomic
def proposal_decline(*, proposal: Proposal, by: User, reason: str) -> Proposal:
    """`by` (the volunteer or the teacher) declines `proposal` with `reason`.

    The pair is never proposed again; the request's other proposals are withdrawn and it goes
    back to the pool. E-mails the departmental correspondents and the other parties. Raises
    ProposalError when `by` has nothing to answer or the reason is blank.
    """
    reason = reason.strip()
    if not reason:
        raise ProposalError(_("Indiquez le motif du refus."))
    proposal = _proposal_locked(proposal, by)
    _close(proposal, ProposalStatus.DECLINED, reason=reason, by=by)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, reason: str) -> None:
    """Withdraw a live proposal whose request still waits (its volunteer leaves the portal):
    its siblings are withdrawn too and the request goes back to the pool, as on a decline.
    Does nothing when the proposal is no longer live or its module exists."""
    request = request_locked(proposal.request_id)
    proposal = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    if proposal.status in LIVE_STATUSES and request.status == RequestStatus.PROPOSED:
        proposal.request = request
        _close(proposal, ProposalStatus.WITHDRAWN, reason=reason, by=None)


def proposals_expire(*, now: datetime) -> int:
    """Expire every pending proposal unanswered at `expires_at` ≤ `now`: the request goes back
    to the pool and the departmental correspondents are told. Returns how many expired.

    Run by celery beat; running it twice expires nothing more.
    """
    expired = 0
    due = Proposal.objects.filter(status=ProposalStatus.PENDING, expires_at__lte=now)
    for pk, request_id in due.values_list("pk", "request_id"):
        with transaction.atomic():
            request = request_locked(request_id)
            proposal = Proposal.objects.select_for_update(of=("self",)).get(pk=pk)
            if proposal.status != ProposalStatus.PENDING:
                continue  # answered meanwhile
            proposal.request = request
            _close(
                proposal, ProposalStatus.EXPIRED, reason=_("Sans réponse dans le délai."), by=None
            )
            expired += 1
    return expired


def pair_choose(
    *, request: AccompanimentRequest, volunteer: User, kind: str | None, by: User, reason: str = ""
) -> None:
    """Lock or exclude the pair (request, volunteer), or release it when `kind` is None.

    A locked pair stays in every later plan while its rules allow it; an excluded pair is
    never proposed again (issue 5).
    """
    if kind is None:
        PairChoice.objects.filter(request=request, volunteer=volunteer).delete()
        return
    PairChoice.objects.update_or_create(
        request=request,
        volunteer=volunteer,
        defaults={"kind": kind, "by": by, "reason": reason.strip(), "at": timezone.now()},
    )


def _close(proposal: Proposal, status: str, *, reason: str, by: User | None) -> None:
    """Decline or expire `proposal`, withdraw its siblings, put the request back in the pool."""
    now = timezone.now()
    proposal.status = status
    proposal.decline_reason = reason
    proposal.declined_by = by
    proposal.answered_at = now
    proposal.save()
    request = proposal.request
    siblings = list(
        request.proposals.filter(status__in=LIVE_STATUSES)
        .exclude(pk=proposal.pk)
        .select_related("volunteer")
    )
    request.proposals.filter(pk__in=[p.pk for p in siblings]).update(
        status=ProposalStatus.WITHDRAWN, answered_at=now
    )
    request_transition(request=request, status=RequestStatus.SUBMITTED, actor=by, reason=reason)
    others = [u for u in [proposal.volunteer, *(p.volunteer for p in siblings)] if u != by]
    user_notify(
        recipients=[
            *departmental_correspondents(request.school_class.ecole.departement_id),
            *others,
        ],
        subject=_("Proposition %(status)s — %(ecole)s")
        % {
            "status": ProposalStatus(status).label.lower(),
            "ecole": request.school_class.ecole.name,
        },
        template="proposal_declined",
        context={"proposal": proposal, "siblings": siblings},
    )


def request_locked(pk: int) -> AccompanimentRequest:
    """The request `pk` re-read and locked: the request row is always locked before its
    proposals, as every change of a request does (no lock-order deadlock)."""
    return (
        AccompanimentRequest.objects.select_for_update(of=("self",))
        .select_related("school_class__ecole", "school_class__teacher")
        .get(pk=pk)
    )


def _proposal_locked(proposal: Proposal, by: User) -> Proposal:
    request = request_locked(proposal.request_id)
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("volunteer__volunteer_profile")
        .get(pk=proposal.pk)
    )
    proposal.request = request
    if not proposal.awaits(by):
        raise ProposalError(_("Cette proposition n'attend pas de réponse de votre part."))
    return proposal

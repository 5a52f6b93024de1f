"""Proposals of a volunteer for a request, and the volunteer's answer."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from astep.accounts.models import User
from astep.accounts.services import departmental_correspondents, user_notify
from astep.classes.models import AccompanimentRequest, RequestStatus
from astep.classes.services import request_transition
from astep.modules.models import Module
from astep.modules.services import module_create
from matching.candidates import candidates_for
from matching.models import Proposal, ProposalStatus


class ProposalError(Exception):
    """A proposal that the rules forbid; the message is French, for the user."""


@transaction.atomic
def proposal_create(
    *, request: AccompanimentRequest, volunteer: User, proposed_by: User
) -> Proposal:
    """Propose `volunteer` for `request` and e-mail the volunteer (and the teacher).

    Raises ProposalError when the request is not waiting for an accompanist or the
    volunteer is not among its candidates (`matching.candidates.candidates_for`).
    """
    request = AccompanimentRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.SUBMITTED:
        raise ProposalError("Cette demande n'attend pas de proposition.")
    candidate = next(
        (c for c in candidates_for(request) if c.profile.user_id == volunteer.pk), None
    )
    if candidate is None:
        raise ProposalError("Cette personne ne peut pas être proposée pour cette demande.")
    proposal = Proposal.objects.create(
        request=request,
        volunteer=volunteer,
        proposed_by=proposed_by,
        distance_km=candidate.distance_km,
    )
    request_transition(request=request, status=RequestStatus.PROPOSED, actor=proposed_by)
    user_notify(
        recipients=[volunteer],
        subject="Une classe vous est proposée",
        template="proposal_created",
        context={"proposal": proposal, "request": request},
    )
    return proposal


@transaction.atomic
def proposal_accept(*, proposal: Proposal, today: date) -> Module:
    """Accept a pending proposal: the request is matched and its module planned.

    Returns the new module. E-mails the teacher and the departmental correspondents.
    Raises ProposalError when the proposal was already answered.
    """
    proposal = _answer(proposal, ProposalStatus.ACCEPTED)
    request = proposal.request
    request_transition(
        request=request, status=RequestStatus.MATCHED, actor=proposal.volunteer, notify=False
    )
    module = module_create(request=request, volunteer=proposal.volunteer, today=today)
    ecole = request.school_class.ecole
    user_notify(
        recipients=[
            request.school_class.teacher,
            *departmental_correspondents(ecole.departement_id),
        ],
        subject=f"Accompagnement confirmé — {ecole.name}",
        template="proposal_accepted",
        context={"proposal": proposal, "module": module},
    )
    return module


@transaction.atomic
def proposal_decline(*, proposal: Proposal, reason: str) -> Proposal:
    """Decline a pending proposal with `reason`; the request waits for another volunteer.

    E-mails the departmental correspondents (and the teacher that the search goes on). Raises ProposalError when already answered.
    """
    proposal = _answer(proposal, ProposalStatus.DECLINED, reason)
    request = proposal.request
    request_transition(request=request, status=RequestStatus.SUBMITTED, actor=proposal.volunteer)
    user_notify(
        recipients=departmental_correspondents(request.school_class.ecole.departement_id),
        subject="Proposition déclinée",
        template="proposal_declined",
        context={"proposal": proposal},
    )
    return proposal


def _answer(proposal: Proposal, status: str, reason: str = "") -> Proposal:
    # The request row first, as every change of a request does (no lock-order deadlock).
    AccompanimentRequest.objects.select_for_update().filter(pk=proposal.request_id).first()
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("request__school_class__ecole", "volunteer__volunteer_profile")
        .get(pk=proposal.pk)
    )
    if proposal.status != ProposalStatus.PENDING:
        raise ProposalError("Cette proposition a déjà reçu une réponse.")
    proposal.status = status
    proposal.decline_reason = reason
    proposal.answered_at = timezone.now()
    proposal.save(update_fields=["status", "decline_reason", "answered_at"])
    return proposal

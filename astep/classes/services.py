"""The life of a request: drafts, submission, and every change of status with its e-mails."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from astep.accounts.models import User
from astep.accounts.services import departmental_correspondents, user_notify
from astep.classes.models import AccompanimentRequest, RequestEvent, RequestStatus
from astep.modules.models import Session
from astep.school_year import school_year_of
from matching.models import LIVE_STATUSES, Proposal, ProposalStatus
from surveys.models import Campaign

S = RequestStatus
TRANSITIONS = {  # status: the statuses it may go to
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.PROPOSED, S.CANCELLED, S.NOT_SERVED},
    S.PROPOSED: {S.SUBMITTED, S.MATCHED, S.CANCELLED, S.NOT_SERVED},
    S.MATCHED: {S.IN_PROGRESS, S.COMPLETED, S.CANCELLED},
    S.IN_PROGRESS: {S.COMPLETED, S.CANCELLED},
}
# Who is told of each change by the generic e-mail (the person who made it is left out).
CONCERNED = {
    S.SUBMITTED: ("teacher",),  # back in the pool after a declined proposal
    S.PROPOSED: ("teacher",),
    S.IN_PROGRESS: ("correspondents",),
    S.COMPLETED: ("teacher", "volunteer", "correspondents"),
    S.CANCELLED: ("teacher", "volunteer", "correspondents"),
    S.NOT_SERVED: ("teacher", "correspondents"),
}
REASON_NEEDED = {S.CANCELLED, S.NOT_SERVED}
YEAR_END_REASON = "Aucun accompagnateur n'a pu être trouvé avant la fin de l'année scolaire."


def request_allows(request: AccompanimentRequest, status: str) -> bool:
    """Whether `request` may go from its status to `status` (TRANSITIONS)."""
    return status in TRANSITIONS.get(request.status, ())


class RequestError(Exception):
    """A change the rules forbid; the message is French, for the user."""


def request_problems(request: AccompanimentRequest) -> dict[str, str]:
    """What keeps a draft from being sent: {field name: French message}, empty when complete.

    Sessions must lie within the school year's bounds (`Campaign.session_bounds`).
    """
    problems = {}
    if not request.theme:
        problems["theme"] = _("Choisissez un thème.")
    if not request.period_start:
        problems["period_start"] = _("Indiquez le début de la période souhaitée.")
    if not request.period_end:
        problems["period_end"] = _("Indiquez la fin de la période souhaitée.")
    elif request.period_start and request.period_end < request.period_start:
        problems["period_end"] = _("La fin de la période doit suivre son début.")
    if not request.half_days:
        problems["half_days"] = _("Cochez au moins une demi-journée.")
    least, most = Campaign.session_bounds(request.school_class.school_year)
    if not least <= request.sessions_count <= most:
        problems["sessions_count"] = _(
            "En %(year)s, un module compte de %(least)s à %(most)s séances."
        ) % {"year": request.school_class.school_year, "least": least, "most": most}
    return problems


@transaction.atomic
def request_draft_save(*, request: AccompanimentRequest) -> AccompanimentRequest:
    """Save a request as a draft (possibly incomplete); only drafts are edited this way.

    Raises RequestError when the request was sent meanwhile (another tab, a double click).
    """
    if request.pk and _locked(request).status != RequestStatus.DRAFT:
        raise RequestError(_("Cette demande est déjà envoyée : elle ne se modifie plus."))
    request.save()
    return request


@transaction.atomic
def request_submit(*, request: AccompanimentRequest, actor: User) -> AccompanimentRequest:
    """Send a complete draft: e-mail the teacher a confirmation and the correspondents a notice.

    Raises RequestError listing what is missing (`request_problems`) or when not a draft.
    """
    _locked(request)  # a second click waits, then finds the request sent
    request.refresh_from_db(fields=["status"])
    problems = request_problems(request)
    if problems:
        raise RequestError(" ".join(problems.values()))
    request.submitted_at = timezone.now()
    request_transition(request=request, status=S.SUBMITTED, actor=actor, notify=False)
    school_class = request.school_class
    context = {"request": request, "school_class": school_class}
    user_notify(
        recipients=[school_class.teacher],
        subject=_("Votre demande d'accompagnement est enregistrée"),
        template="request_submitted",
        context=context,
    )
    user_notify(
        recipients=departmental_correspondents(school_class.ecole.departement_id),
        subject=_("Nouvelle demande d'accompagnement — %(school)s")
        % {"school": school_class.ecole.name},
        template="request_submitted_correspondent",
        context=context,
    )
    return request


@transaction.atomic
def request_transition(
    *,
    request: AccompanimentRequest,
    status: str,
    actor: User | None,
    reason: str = "",
    notify: bool = True,
) -> AccompanimentRequest:
    """Move `request` to `status`, keep the change in its history and tell whom it concerns.

    `actor` is None when the portal itself decides (a session held, the school year over).
    `notify=False` when the caller sends its own e-mail. Raises RequestError when the
    change is not allowed from the current status (TRANSITIONS) or a needed reason is blank.
    """
    if not request_allows(request, status):
        raise RequestError(
            _("Une demande « %(current)s » ne peut pas passer à « %(target)s ».")
            % {
                "current": request.get_status_display().lower(),
                "target": RequestStatus(status).label.lower(),
            }
        )
    reason = reason.strip()
    if status in REASON_NEEDED and not reason:
        raise RequestError(_("Indiquez le motif."))
    request.status = status
    request.status_reason = reason
    request.save()
    RequestEvent.objects.create(request=request, status=status, actor=actor, reason=reason)
    if notify:
        recipients = [u for u in _concerned(request, CONCERNED.get(status, ())) if u != actor]
        user_notify(
            recipients=recipients,
            subject=_("Demande %(status)s — %(school)s")
            % {
                "status": request.get_status_display().lower(),
                "school": request.school_class.ecole.name,
            },
            template="request_status_changed",
            context={"request": request, "school_class": request.school_class, "actor": actor},
        )
    return request


@transaction.atomic
def request_cancel(*, request: AccompanimentRequest, actor: User, reason: str) -> None:
    """Cancel a request with `reason`: its pending proposals are withdrawn and the sessions
    still to come of its module are cancelled. A draft is deleted instead (nothing was sent).

    Raises RequestError when the request is already closed or the reason is blank.
    """
    request = _locked(request)
    if request.status == S.DRAFT:
        request.delete()
        return
    request_transition(request=request, status=S.CANCELLED, actor=actor, reason=reason)
    _proposals_withdraw(request, f"Demande annulée : {reason}")
    Session.objects.filter(module__request=request).upcoming().cancel(
        actor=actor, reason=f"Demande annulée : {reason}"
    )


@transaction.atomic
def request_not_served(
    *, request: AccompanimentRequest, actor: User | None, reason: str
) -> AccompanimentRequest:
    """Close a request still waiting for an accompanist as "not served", with `reason`; a
    pending proposal is withdrawn. Raises RequestError when the request is not open or the
    reason is blank."""
    request = _locked(request)
    request_transition(request=request, status=S.NOT_SERVED, actor=actor, reason=reason)
    _proposals_withdraw(request, reason)
    return request


def requests_close_year(*, today) -> int:
    """Mark "not served" every request still waiting for an accompanist in a school year
    before the one of `today` (years end on 31 August). Returns how many were closed.

    Run every night by celery beat; running it twice closes nothing more.
    """
    closed = 0
    past_years = AccompanimentRequest.objects.open().filter(
        school_class__school_year__lt=school_year_of(today)  # "2025-2026" < "2026-2027"
    )
    for request in past_years:
        try:
            request_not_served(request=request, actor=None, reason=YEAR_END_REASON)
        except RequestError:  # matched since it was listed
            continue
        closed += 1
    return closed


def _locked(request: AccompanimentRequest) -> AccompanimentRequest:
    """The request re-read and locked: the request row is always locked first."""
    return (
        AccompanimentRequest.objects.select_for_update(of=("self",))
        .select_related("school_class__ecole", "school_class__teacher")
        .get(pk=request.pk)
    )


def _proposals_withdraw(request: AccompanimentRequest, reason: str) -> None:
    Proposal.objects.filter(request=request, status__in=LIVE_STATUSES).update(
        status=ProposalStatus.WITHDRAWN, decline_reason=reason, answered_at=timezone.now()
    )


def _concerned(request: AccompanimentRequest, kinds: tuple[str, ...]) -> list[User]:
    people = []
    if "teacher" in kinds:
        people.append(request.school_class.teacher)
    if "volunteer" in kinds:
        module = getattr(request, "module", None)
        if module is not None:
            people += module.volunteers  # both accompanists of a binôme
        people += [p.volunteer for p in request.proposals.filter(status__in=LIVE_STATUSES)]
    if "correspondents" in kinds:
        people += departmental_correspondents(request.school_class.ecole.departement_id)
    return people

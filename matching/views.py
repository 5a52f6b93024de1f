from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from astep.accounts.models import Role, User
from astep.accounts.permissions import role_required
from astep.classes.models import AccompanimentRequest, RequestStatus
from astep.school_year import current_school_year
from astep.volunteers.models import VolunteerProfile
from matching.candidates import candidates_for, pool_for_requests, with_modules_taken
from matching.filters import BoardRequestFilter, BoardVolunteerFilter
from matching.forms import DeclineForm, PairChoiceForm, VolunteerChoiceForm
from matching.models import PairChoiceKind, Plan, Proposal, ProposalStatus
from matching.plans import PlanError, plan_compute, plan_send
from matching.services import (
    ProposalError,
    pair_choose,
    proposal_accept,
    proposal_create,
    proposal_decline,
)

PAGE_SIZE = 25
PROPOSALS_PAGE_SIZE = 10  # cards, longer than table rows


@role_required(Role.DEPARTMENTAL_CORRESPONDENT)
def board(request):
    """Open requests and available volunteers of the département, side by side, filtered."""
    user = request.user
    requests = (
        AccompanimentRequest.objects.for_user(user)
        .open()
        .select_related("school_class__ecole__circonscription", "school_class__ecole__departement")
        .order_by("submitted_at", "pk")
    )
    request_filter = BoardRequestFilter(request.GET or None, queryset=requests, user=user)
    volunteers = with_modules_taken(
        VolunteerProfile.objects.for_user(user)
        .proposable()
        .select_related("user", "commune")
        .order_by("user__last_name", "user__first_name", "pk"),
        current_school_year(),
    )
    volunteer_filter = BoardVolunteerFilter(request.GET or None, queryset=volunteers, prefix="v")
    page = Paginator(request_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    volunteer_page = Paginator(volunteer_filter.qs, PAGE_SIZE).get_page(request.GET.get("vpage"))
    # The reach of the page's requests only: the whole département's pool cost ten times
    # the rest of the page on national data (benchmarks/load/README.md).
    waiting = [r for r in page if r.status == RequestStatus.SUBMITTED]
    pool = pool_for_requests(waiting, today=timezone.localdate())
    reach = defaultdict(list)
    for arc in pool.arcs:
        reach[arc.demand].append(arc.decikm / 10)
    for accompaniment in page:
        kms = reach.get(accompaniment.pk)
        accompaniment.reach = (len(kms), min(kms)) if kms else None
    for profile in volunteer_page:
        profile.left = profile.max_modules - profile.modules_taken
    return render(
        request,
        "matching/board.html",
        {
            "page_obj": page,
            "volunteer_page": volunteer_page,
            "request_filter": request_filter,
            "volunteer_filter": volunteer_filter,
            "plan": Plan.objects.for_user(user).first(),
            "departement": user.departement,
            "title": _("Appariement"),
        },
    )


@require_POST
@role_required(Role.DEPARTMENTAL_CORRESPONDENT)
def plan_create(request):
    plan = plan_compute(
        departement=request.user.departement, by=request.user, today=timezone.localdate()
    )
    messages.success(
        request,
        ngettext(
            "Plan calculé en %(s)s s : %(n)s demande servie.",
            "Plan calculé en %(s)s s : %(n)s demandes servies.",
            plan.served,
        )
        % {"s": number_format(plan.seconds, decimal_pos=2), "n": plan.served},
    )
    return redirect("matching:plan", pk=plan.pk)


@role_required(Role.DEPARTMENTAL_CORRESPONDENT)
def plan_detail(request, pk):
    """A plan's pairs with their reasons, its unserved requests with what would unblock them."""
    plan = get_object_or_404(Plan.objects.for_user(request.user), pk=pk)
    request_ids = {p["request"] for p in plan.pairs} | {u["request"] for u in plan.unserved}
    accompaniments = AccompanimentRequest.objects.select_related(
        "school_class__ecole", "school_class__teacher"
    ).in_bulk(request_ids)
    volunteers = User.objects.select_related("volunteer_profile__commune").in_bulk(
        {p["volunteer"] for p in plan.pairs}
    )
    groups = defaultdict(list)
    for pair in plan.pairs:
        groups[pair["request"]].append({**pair, "user": volunteers[pair["volunteer"]]})
    served = [{"request": accompaniments[r], "pairs": pairs} for r, pairs in groups.items()]
    unserved = [{**u, "request": accompaniments[u["request"]]} for u in plan.unserved]
    return render(
        request,
        "matching/plan_detail.html",
        {
            "plan": plan,
            "served_page": Paginator(served, PAGE_SIZE).get_page(request.GET.get("page")),
            "unserved_page": Paginator(unserved, PAGE_SIZE).get_page(request.GET.get("upage")),
            "is_latest": not Plan.objects.filter(
                departement_id=plan.departement_id, pk__gt=plan.pk
            ).exists(),
            "title": _("Plan d'appariement"),
        },
    )


@require_POST
@role_required(Role.DEPARTMENTAL_CORRESPONDENT)
def pair_choice(request, pk):
    """Lock, exclude or release one pair of a plan, then compute the plan again."""
    get_object_or_404(Plan.objects.for_user(request.user), pk=pk)
    form = PairChoiceForm(request.POST)
    if not form.is_valid():  # hidden fields: only an edited form gets here
        raise Http404
    choice = form.cleaned_data
    accompaniment = get_object_or_404(
        AccompanimentRequest.objects.for_user(request.user), pk=choice["request"]
    )
    volunteer = get_object_or_404(User, pk=choice["volunteer"], role=Role.VOLUNTEER)
    kinds = {"lock": PairChoiceKind.LOCKED, "exclude": PairChoiceKind.EXCLUDED, "release": None}
    pair_choose(
        request=accompaniment,
        volunteer=volunteer,
        kind=kinds[choice["action"]],
        by=request.user,
        reason=choice["reason"],
    )
    new = plan_compute(
        departement=request.user.departement, by=request.user, today=timezone.localdate()
    )
    done = {
        "lock": _("Paire verrouillée"),
        "exclude": _("Paire écartée"),
        "release": _("Paire libérée"),
    }[choice["action"]]
    messages.success(
        request,
        ngettext(
            "%(done)s ; le plan est recalculé : %(n)s demande servie.",
            "%(done)s ; le plan est recalculé : %(n)s demandes servies.",
            new.served,
        )
        % {"done": done, "n": new.served},
    )
    return redirect("matching:plan", pk=new.pk)


@require_POST
@role_required(Role.DEPARTMENTAL_CORRESPONDENT)
def plan_send_view(request, pk):
    plan = get_object_or_404(Plan.objects.for_user(request.user), pk=pk)
    try:
        sent = plan_send(plan=plan, by=request.user, today=timezone.localdate())
    except PlanError as error:
        messages.error(request, str(error))
        return redirect("matching:plan", pk=plan.pk)
    messages.success(
        request,
        ngettext(
            "%(n)s proposition envoyée ; l'accompagnateur et l'enseignant ont %(d)s jours "
            "pour répondre.",
            "%(n)s propositions envoyées ; les accompagnateurs et les enseignants ont %(d)s "
            "jours pour répondre.",
            sent.proposals,
        )
        % {"n": sent.proposals, "d": settings.MATCHING_PROPOSAL_DAYS},
    )
    for line in sent.skipped:
        messages.warning(request, line)
    return redirect("matching:board")


@role_required(Role.DEPARTMENTAL_CORRESPONDENT)
def request_candidates(request, pk):
    accompaniment = get_object_or_404(
        AccompanimentRequest.objects.for_user(request.user).select_related(
            "school_class__ecole__departement"
        ),
        pk=pk,
    )
    today = timezone.localdate()
    if request.method == "POST":
        form = VolunteerChoiceForm(request.POST)
        if not form.is_valid():
            raise Http404
        volunteer = get_object_or_404(User, pk=form.cleaned_data["volunteer"], role=Role.VOLUNTEER)
        try:
            proposal_create(
                request=accompaniment, volunteer=volunteer, proposed_by=request.user, today=today
            )
        except ProposalError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("La proposition est envoyée à %(name)s.") % {"name": volunteer}
            )
            return redirect("matching:board")
    waiting = accompaniment.status in (RequestStatus.SUBMITTED, RequestStatus.PROPOSED)
    return render(
        request,
        "matching/request_candidates.html",
        {
            "accompaniment": accompaniment,
            "candidates": candidates_for(accompaniment, today=today) if waiting else [],
            "waiting": waiting,
            "proposals": accompaniment.proposals.select_related("volunteer", "declined_by"),
            "title": _("Candidats pour une demande"),
        },
    )


@role_required(Role.VOLUNTEER, Role.TEACHER)
def proposal_list(request):
    """The proposals addressed to the volunteer or the teacher, newest first, by pages; each
    waiting for their answer has Accept and a link to decline (the reason on its own page)."""
    proposals = Proposal.objects.for_user(request.user).select_related(
        "request__school_class__ecole", "request__school_class__teacher", "volunteer"
    )
    page = Paginator(proposals, PROPOSALS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/proposal_list.html",
        {
            "page_obj": page,
            "proposals": [(p, p.awaits(request.user)) for p in page],
            "title": _("Propositions"),
        },
    )


@role_required(Role.VOLUNTEER, Role.TEACHER)
def proposal_decline_page(request, pk):
    """The form asking why the volunteer or the teacher declines a proposal still pending;
    it is sent to `proposal_answer`."""
    return _decline_page(request, _pending_proposal(request, pk), DeclineForm())


def _pending_proposal(request, pk) -> Proposal:
    """The pending proposal `pk` addressed to `request.user`, with its class and école; 404
    otherwise."""
    return get_object_or_404(
        Proposal.objects.for_user(request.user).select_related("request__school_class__ecole"),
        pk=pk,
        status=ProposalStatus.PENDING,
    )


def _decline_page(request, proposal: Proposal, form: DeclineForm):
    return render(
        request,
        "matching/proposal_decline.html",
        {"proposal": proposal, "form": form, "title": _("Décliner la proposition")},
    )


@require_POST
@role_required(Role.VOLUNTEER, Role.TEACHER)
def proposal_answer(request, pk):
    """Accept, or decline with a reason, a proposal addressed to the volunteer or the teacher."""
    proposal = _pending_proposal(request, pk)
    if request.POST.get("answer") == "accept":
        try:
            module = proposal_accept(proposal=proposal, by=request.user, today=timezone.localdate())
        except ProposalError as error:
            messages.error(request, str(error))
            return redirect("matching:proposals")
        if module is None:
            messages.success(
                request,
                _(
                    "Merci, votre accord est enregistré. Le module sera créé dès que tous auront accepté."
                ),
            )
            return redirect("matching:proposals")
        messages.success(request, _("Merci ! Le module est créé avec ses séances."))
        return redirect("modules:detail", pk=module.pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            proposal_decline(proposal=proposal, by=request.user, reason=form.cleaned_data["reason"])
        except ProposalError as error:
            messages.error(request, str(error))
        else:
            messages.info(request, _("La proposition est déclinée. Le correspondant est prévenu."))
        return redirect("matching:proposals")
    return _decline_page(request, proposal, form)

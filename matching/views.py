from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from astep.accounts.models import Role, User
from astep.accounts.permissions import role_required
from astep.classes.models import AccompanimentRequest, RequestStatus
from matching.candidates import candidates_for
from matching.forms import DeclineForm
from matching.models import Proposal, ProposalStatus
from matching.services import ProposalError, proposal_accept, proposal_create, proposal_decline

PAGE_SIZE = 25


@role_required(Role.DEPARTMENTAL_CORRESPONDENT)
def board(request):
    """Open requests of the correspondent's département, the longest waiting first."""
    requests = (
        AccompanimentRequest.objects.for_user(request.user)
        .open()
        .select_related("school_class__ecole__circonscription")
    )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/board.html",
        {
            "page_obj": page,
            "departement": request.user.departement,
            "title": _("Demandes à pourvoir"),
        },
    )


@role_required(Role.DEPARTMENTAL_CORRESPONDENT)
def request_candidates(request, pk):
    accompaniment = get_object_or_404(
        AccompanimentRequest.objects.for_user(request.user).select_related("school_class__ecole"),
        pk=pk,
    )
    if request.method == "POST":
        volunteer = get_object_or_404(User, pk=request.POST.get("volunteer"), role=Role.VOLUNTEER)
        try:
            proposal_create(request=accompaniment, volunteer=volunteer, proposed_by=request.user)
        except ProposalError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("La proposition est envoyée à %(name)s.") % {"name": volunteer}
            )
            return redirect("matching:board")
    return render(
        request,
        "matching/request_candidates.html",
        {
            "accompaniment": accompaniment,
            "candidates": candidates_for(accompaniment)
            if accompaniment.status == RequestStatus.SUBMITTED
            else [],
            "proposals": accompaniment.proposals.select_related("volunteer"),
            "title": _("Candidats pour une demande"),
        },
    )


@role_required(Role.VOLUNTEER)
def proposal_list(request):
    proposals = Proposal.objects.for_user(request.user).select_related(
        "request__school_class__ecole"
    )
    return render(
        request,
        "matching/proposal_list.html",
        {
            "proposals": proposals,
            "decline_form": DeclineForm(),
            "title": _("Mes propositions"),
        },
    )


@require_POST
@role_required(Role.VOLUNTEER)
def proposal_answer(request, pk):
    proposal = get_object_or_404(
        Proposal.objects.for_user(request.user), pk=pk, status=ProposalStatus.PENDING
    )
    if request.POST.get("answer") == "accept":
        module = proposal_accept(proposal=proposal, today=timezone.localdate())
        messages.success(request, _("Merci ! Le module est créé avec ses séances."))
        return redirect("modules:detail", pk=module.pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "matching/proposal_decline.html",
            {
                "proposal": proposal,
                "form": form,
                "title": _("Décliner la proposition"),
            },
        )
    proposal_decline(proposal=proposal, reason=form.cleaned_data["reason"])
    messages.info(request, _("La proposition est déclinée. Le correspondant est prévenu."))
    return redirect("matching:proposals")

"""The departmental correspondent's review of volunteers' levels: the queue and the decision."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from astep.accounts.models import Role
from astep.accounts.permissions import role_required
from astep.volunteers.filters import VolunteerFilter
from astep.volunteers.forms import DecisionForm
from astep.volunteers.models import ReviewStatus, VolunteerProfile
from astep.volunteers.services import ReviewError, level_decide

PAGE_SIZE = 25


@role_required(Role.DEPARTMENTAL_CORRESPONDENT)
def queue(request):
    """Volunteers of the correspondent's département, filtered; pending ones by default,
    the longest waiting first, with the count of each review status."""
    profiles = VolunteerProfile.objects.for_user(request.user)
    counts = dict(
        profiles.exclude(review_status="")
        .values_list("review_status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    filterset = VolunteerFilter(
        request.GET or None,
        queryset=profiles.select_related("user", "organisation", "commune").order_by(
            "submitted_at", "pk"
        ),
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/review_queue.html",
        {
            "filter": filterset,
            "page_obj": page,
            "counts": [(status, counts.get(status, 0)) for status in ReviewStatus],
            "today": timezone.localdate(),
            "title": _("Accompagnateurs à valider"),
        },
    )


@role_required(Role.DEPARTMENTAL_CORRESPONDENT)
def detail(request, pk):
    """One volunteer of the département: profile (no birth date), proof, history, decision."""
    profile = get_object_or_404(
        VolunteerProfile.objects.for_user(request.user).select_related(
            "user", "organisation", "commune", "attested_by", "reviewed_by"
        ),
        pk=pk,
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            level_decide(
                profile=profile,
                decision=form.cleaned_data["decision"],
                message=form.cleaned_data["message"],
                by=request.user,
            )
        except ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Décision enregistrée : %(name)s en est informé·e par e-mail.")
                % {"name": profile.user},
            )
            return redirect("volunteers:queue")
    return render(
        request,
        "volunteers/review_detail.html",
        {
            "profile": profile,
            "form": form if profile.review_status == ReviewStatus.PENDING else None,
            "events": profile.events.select_related("actor"),
            "title": str(profile.user),
        },
    )

"""The scientific correspondent's page: the volunteers of their organisation, and attestations."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from astep.accounts.models import Role
from astep.accounts.permissions import role_required
from astep.volunteers.models import VolunteerProfile
from astep.volunteers.services import ReviewError, level_attest

PAGE_SIZE = 25


@role_required(Role.SCIENTIFIC_CORRESPONDENT)
def volunteers(request):
    """Volunteers of the correspondent's organisation and where each one stands."""
    profiles = (
        VolunteerProfile.objects.for_user(request.user)
        .select_related("user", "commune")
        .order_by("user__last_name", "user__first_name")
    )
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/organisation_volunteers.html",
        {
            "page_obj": page,
            "organisation": request.user.organisation,
            "title": _("Les accompagnateurs de mon organisme"),
        },
    )


@require_POST
@role_required(Role.SCIENTIFIC_CORRESPONDENT)
def attest(request, pk):
    """Attest the level of one volunteer of the organisation (POST)."""
    profile = get_object_or_404(VolunteerProfile.objects.for_user(request.user), pk=pk)
    try:
        level_attest(profile=profile, by=request.user)
    except ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Niveau de %(name)s attesté : le correspondant départemental va le valider.")
            % {"name": profile.user},
        )
    return redirect("volunteers:organisation")

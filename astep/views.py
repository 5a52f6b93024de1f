"""The home page: what each role has to do next."""

from django.shortcuts import render

from astep.accounts.models import Role
from astep.classes.models import AccompanimentRequest, SchoolClass
from astep.modules.models import Module
from astep.school_year import current_school_year
from astep.volunteers.models import CharterSignature, CharterVersion, VolunteerProfile
from matching.models import Proposal, ProposalStatus
from surveys.models import Campaign, DepartementalSurvey


def home(request):
    user = request.user
    context = {"title": "Accueil", "school_year": current_school_year()}
    if not user.is_authenticated:
        return render(request, "home_anonymous.html", context)
    if user.role == Role.TEACHER:
        context["classes"] = SchoolClass.objects.filter(teacher=user).count()
    elif user.role == Role.VOLUNTEER:
        profile = VolunteerProfile.objects.filter(user=user).first()
        context.update(
            profile=profile,
            charter_signed=CharterSignature.objects.filter(
                user=user, version=CharterVersion.objects.current()
            ).exists(),
            pending_proposals=Proposal.objects.for_user(user)
            .filter(status=ProposalStatus.PENDING)
            .count(),
        )
    elif user.role == Role.DEPARTMENTAL_CORRESPONDENT:
        context.update(
            open_requests=AccompanimentRequest.objects.for_user(user).open().count(),
            survey=DepartementalSurvey.objects.filter(
                departement_id=user.departement_id, campaign__school_year=current_school_year()
            ).first(),
        )
    elif user.role == Role.NATIONAL:
        context["campaign"] = Campaign.objects.filter(school_year=current_school_year()).first()
    context["modules"] = Module.objects.for_user(user).count()
    return render(request, "home.html", context)

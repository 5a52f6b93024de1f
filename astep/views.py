"""The home page: what each role has to do next."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from astep.accounts.models import Role
from astep.classes.models import AccompanimentRequest, RequestStatus, SchoolClass
from astep.modules.models import Module, Session
from astep.school_year import current_school_year
from astep.volunteers.charter import charter_to_sign
from astep.volunteers.models import (
    CharterSignature,
    ReviewStatus,
    VolunteerProfile,
)
from matching.models import Proposal, ProposalStatus
from surveys.models import Campaign, DepartementalSurvey, SurveyStatus

NEXT_SESSIONS = 5


def home(request):
    user = request.user
    context = {
        "title": _("Accueil"),
        "school_year": current_school_year(),
        "today": timezone.localdate(),
    }
    if not user.is_authenticated:
        return render(request, "home_anonymous.html", context)
    if user.role == Role.TEACHER:
        context.update(
            classes=SchoolClass.objects.filter(teacher=user).count(),
            drafts=AccompanimentRequest.objects.filter(
                school_class__teacher=user, status=RequestStatus.DRAFT
            ).select_related("school_class__ecole"),
            requests=AccompanimentRequest.objects.filter(school_class__teacher=user)
            .exclude(status=RequestStatus.DRAFT)
            .filter(school_class__school_year=current_school_year())
            .select_related("school_class__ecole"),
            pending_proposals=Proposal.objects.for_user(user)
            .filter(status=ProposalStatus.PENDING, teacher_accepted_at__isnull=True)
            .count(),
        )
    elif user.role == Role.VOLUNTEER:
        profile = VolunteerProfile.objects.filter(user=user).first() or VolunteerProfile(user=user)
        context.update(
            profile=profile,
            next_step=profile.next_step(
                charter_signed=CharterSignature.objects.in_force().filter(user=user).exists()
            ),
            charter_to_sign=charter_to_sign(user=user),
            pending_proposals=Proposal.objects.for_user(user)
            .filter(status=ProposalStatus.PENDING, volunteer_accepted_at__isnull=True)
            .count(),
        )
    elif user.role == Role.DEPARTMENTAL_CORRESPONDENT:
        context.update(
            open_requests=AccompanimentRequest.objects.for_user(user)
            .filter(status=RequestStatus.SUBMITTED)
            .count(),
            waiting_proposals=Proposal.objects.for_user(user)
            .filter(status=ProposalStatus.PENDING)
            .count(),
            volunteers_to_review=VolunteerProfile.objects.for_user(user)
            .filter(review_status=ReviewStatus.PENDING)
            .count(),
            survey=DepartementalSurvey.objects.filter(
                departement_id=user.departement_id, campaign__school_year=current_school_year()
            ).first(),
        )
    elif user.role == Role.SCIENTIFIC_CORRESPONDENT:
        context["attestations_asked"] = (
            VolunteerProfile.objects.for_user(user)
            .filter(review_status=ReviewStatus.AWAITING_ATTESTATION)
            .count()
        )
    elif user.role in (Role.NATIONAL, Role.ACADEMIC_CORRESPONDENT):
        context["campaign"] = Campaign.objects.filter(school_year=current_school_year()).first()
        context["surveys_to_review"] = (
            DepartementalSurvey.objects.for_user(user).filter(status=SurveyStatus.SUBMITTED).count()
        )
    context["modules"] = Module.objects.for_user(user).count()
    if user.role in (Role.TEACHER, Role.VOLUNTEER):
        context["next_sessions"] = (
            Session.objects.for_user(user)
            .upcoming()
            .filter(date__gte=context["today"])
            .select_related("module__request__school_class__ecole")[:NEXT_SESSIONS]
        )
    return render(request, "home.html", context)

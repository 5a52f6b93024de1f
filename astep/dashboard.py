"""What each role has to do next: the figures and short lists of the home page.

Each `*_dashboard` function takes the signed-in user and the school year ("2026-2027")
and returns a dict for the template. Lists are cut at `SHORT_LIST` rows and every
function costs a fixed number of queries, whatever the size of the territory.
"""

from django.db.models import Count, Q
from django.utils import timezone

from astep.accounts.models import User
from astep.classes.models import AccompanimentRequest, RequestStatus, SchoolClass
from astep.modules.models import Module, Session
from astep.territory.models import Departement
from astep.volunteers.charter import charter_to_sign
from astep.volunteers.models import CharterSignature, ReviewStatus, VolunteerProfile
from matching.models import Proposal, ProposalStatus
from surveys.models import Campaign, DepartementalSurvey, Report, ReportStatus, SurveyStatus

SHORT_LIST = 5


def next_sessions(user: User) -> list[Session]:
    """The next `SHORT_LIST` live sessions of `user`'s modules, from today on, by date."""
    return list(
        Session.objects.for_user(user)
        .upcoming()
        .filter(date__gte=timezone.localdate())
        .select_related("module__request__school_class__ecole")[:SHORT_LIST]
    )


def teacher_dashboard(user: User, school_year: str) -> dict:
    """Drafts to finish, the year's requests with their status, proposals to answer."""
    mine = AccompanimentRequest.objects.filter(school_class__teacher=user).select_related(
        "school_class__ecole"
    )
    return {
        "classes": SchoolClass.objects.filter(teacher=user).count(),
        "drafts": list(mine.filter(status=RequestStatus.DRAFT)[:SHORT_LIST]),
        "requests": list(
            mine.exclude(status=RequestStatus.DRAFT).filter(school_class__school_year=school_year)[
                :SHORT_LIST
            ]
        ),
        "pending_proposals": Proposal.objects.for_user(user)
        .filter(status=ProposalStatus.PENDING, teacher_accepted_at__isnull=True)
        .count(),
        "next_sessions": next_sessions(user),
    }


def volunteer_dashboard(user: User, school_year: str) -> dict:
    """The onboarding step left, the charter to (re-)sign, proposals to answer, sessions."""
    profile = VolunteerProfile.objects.filter(user=user).first() or VolunteerProfile(user=user)
    signed = CharterSignature.objects.in_force().filter(user=user).exists()
    return {
        "profile": profile,
        "next_step": profile.next_step(charter_signed=signed),
        "charter_to_sign": charter_to_sign(user=user),
        "proposals_to_answer": list(
            Proposal.objects.for_user(user)
            .filter(status=ProposalStatus.PENDING, volunteer_accepted_at__isnull=True)
            .select_related("request__school_class__ecole")
            .order_by("pk")[:SHORT_LIST]
        ),
        "next_sessions": next_sessions(user),
    }


def departmental_dashboard(user: User, school_year: str) -> dict:
    """Unserved requests, volunteers to review, proposals waiting, the year's survey."""
    return {
        "open_requests": AccompanimentRequest.objects.for_user(user)
        .filter(status=RequestStatus.SUBMITTED)
        .count(),
        "waiting_proposals": Proposal.objects.for_user(user)
        .filter(status=ProposalStatus.PENDING)
        .count(),
        "volunteers_to_review": VolunteerProfile.objects.for_user(user)
        .filter(review_status=ReviewStatus.PENDING)
        .count(),
        "survey": DepartementalSurvey.objects.filter(
            departement_id=user.departement_id, campaign__school_year=school_year
        ).first(),
    }


def academic_dashboard(user: User, school_year: str) -> dict:
    """Surveys to review and, per département of the académie, the year at a glance.

    `glance` is one row per département (by code): requests sent this school year, those
    still waiting for an accompanist, modules, and the survey of the year (or None).
    """
    requests = (
        AccompanimentRequest.objects.for_user(user)
        .filter(school_class__school_year=school_year)
        .exclude(status=RequestStatus.DRAFT)
        .values("school_class__ecole__departement_id")
        .annotate(total=Count("pk"), waiting=Count("pk", filter=Q(status=RequestStatus.SUBMITTED)))
    )
    requests = {row["school_class__ecole__departement_id"]: row for row in requests}
    modules = dict(
        Module.objects.for_user(user)
        .filter(school_year=school_year)
        .values_list("request__school_class__ecole__departement_id")
        .annotate(Count("pk"))
    )
    surveys = {
        survey.departement_id: survey
        for survey in DepartementalSurvey.objects.for_user(user).filter(
            campaign__school_year=school_year
        )
    }
    glance = [
        {
            "departement": departement,
            "requests": requests.get(departement.pk, {}).get("total", 0),
            "waiting": requests.get(departement.pk, {}).get("waiting", 0),
            "modules": modules.get(departement.pk, 0),
            "survey": surveys.get(departement.pk),
        }
        for departement in Departement.objects.filter(academie_id=user.academie_id)
    ]
    return {
        "campaign": Campaign.objects.filter(school_year=school_year).first(),
        "surveys_to_review": sum(s.status == SurveyStatus.SUBMITTED for s in surveys.values()),
        "glance": glance,
    }


def national_dashboard(user: User, school_year: str) -> dict:
    """The year's campaign with its surveys counted by status, and the reports ready."""
    campaign = Campaign.objects.filter(school_year=school_year).first()
    by_status = {}
    if campaign:
        by_status = dict(campaign.surveys.values_list("status").annotate(Count("pk")).order_by())
    return {
        "campaign": campaign,
        "departements": Departement.objects.count(),
        "surveys_submitted": by_status.get(SurveyStatus.SUBMITTED, 0),
        "surveys_validated": by_status.get(SurveyStatus.VALIDATED, 0),
        "reports_ready": Report.objects.for_user(user).filter(status=ReportStatus.READY).count(),
    }


def scientific_dashboard(user: User, school_year: str) -> dict:
    """Level attestations the volunteers of the organisation are waiting for."""
    return {
        "attestations_asked": VolunteerProfile.objects.for_user(user)
        .filter(review_status=ReviewStatus.AWAITING_ATTESTATION)
        .count()
    }

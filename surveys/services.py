"""Campaigns and departmental surveys: the writes and what they trigger (bilans: `bilans.py`)."""

from datetime import date

from django.utils import timezone

from astep.accounts.models import Role, User
from astep.accounts.services import user_notify
from astep.territory.models import Departement
from surveys.figures import figures_by_departement, figures_sum
from surveys.models import (
    SESSIONS_DEFAULT,
    Campaign,
    DepartementalSurvey,
    SurveyStatus,
)


def campaign_open(
    *,
    school_year: str,
    opens_on: date,
    closes_on: date,
    user: User,
    sessions_min: int = SESSIONS_DEFAULT[0],
    sessions_max: int = SESSIONS_DEFAULT[1],
) -> Campaign:
    """Open the survey campaign of `school_year` ("2025-2026") and notify the correspondents.

    `sessions_min`–`sessions_max` bound the sessions a module may have that year.
    """
    campaign = Campaign.objects.create(
        school_year=school_year,
        opens_on=opens_on,
        closes_on=closes_on,
        opened_by=user,
        sessions_min=sessions_min,
        sessions_max=sessions_max,
    )
    user_notify(
        recipients=list(User.objects.filter(role=Role.DEPARTMENTAL_CORRESPONDENT, is_active=True)),
        subject=f"Enquête annuelle ASTEP {school_year} ouverte",
        template="campaign_opened",
        context={"campaign": campaign},
    )
    return campaign


def survey_open(*, campaign: Campaign, departement: Departement) -> DepartementalSurvey:
    """Get the survey of `departement` for `campaign`, creating it if needed.

    While it is a draft, its figures are refreshed from the portal (modules of the
    campaign's school year); once submitted they stay as submitted.
    """
    survey, _ = DepartementalSurvey.objects.get_or_create(
        campaign=campaign, departement=departement
    )
    if survey.status == SurveyStatus.DRAFT:
        counts = figures_by_departement(
            school_year=campaign.school_year, departement_ids=[departement.pk]
        )
        survey.figures = counts.get(departement.pk, figures_sum([]))
        survey.save(update_fields=["figures"])
    return survey


def survey_submit(*, survey: DepartementalSurvey, user: User) -> DepartementalSurvey:
    """Submit a draft survey to DGESCO and the academic correspondents, who are e-mailed."""
    survey.status = SurveyStatus.SUBMITTED
    survey.submitted_at = timezone.now()
    survey.submitted_by = user
    survey.save()
    academics = User.objects.filter(
        role=Role.ACADEMIC_CORRESPONDENT, academie_id=survey.departement.academie_id
    )
    user_notify(
        recipients=[user, *academics],
        subject=f"Enquête ASTEP {survey.campaign.school_year} transmise — {survey.departement}",
        template="survey_submitted",
        context={"survey": survey},
    )
    return survey

"""Campaigns, departmental surveys and reports: the writes and what they trigger."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from astep.accounts.models import Role, User
from astep.accounts.services import user_notify
from astep.territory.models import Departement
from surveys.figures import figures_by_departement, figures_sum
from surveys.models import (
    SESSIONS_DEFAULT,
    Campaign,
    DepartementalSurvey,
    Report,
    ReportStatus,
    Scope,
    SurveyStatus,
)
from surveys.reports import report_csv
from surveys.tasks import build_report


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


def report_request(*, user: User, school_year: str) -> Report:
    """Ask for the bilan of `user`'s scope for `school_year`; Celery builds it after commit.

    National staff get the national report, an academic correspondent their académie's,
    a departmental correspondent their département's. Raises ValueError for other roles.
    """
    scopes = {
        Role.NATIONAL: {"scope": Scope.NATIONAL},
        Role.ACADEMIC_CORRESPONDENT: {"scope": Scope.ACADEMIE, "academie_id": user.academie_id},
        Role.DEPARTMENTAL_CORRESPONDENT: {
            "scope": Scope.DEPARTEMENT,
            "departement_id": user.departement_id,
        },
    }
    if user.role not in scopes:
        raise ValueError(f"role {user.role} has no report scope")
    report = Report.objects.create(school_year=school_year, requested_by=user, **scopes[user.role])
    build_report.delay_on_commit(report.pk)
    return report


@transaction.atomic
def report_build(*, report_id: int) -> Report:
    """Build the CSV of a report and e-mail the requester that it is ready.

    Building again rewrites the same content from the database (idempotent).
    """
    report = Report.objects.select_for_update().get(pk=report_id)
    report.content = report_csv(report)
    report.status = ReportStatus.READY
    report.built_at = timezone.now()
    report.save()
    if report.requested_by:
        user_notify(
            recipients=[report.requested_by],
            subject=f"Votre {report.get_scope_display().lower()} {report.school_year} est prêt",
            template="report_ready",
            context={"report": report},
        )
    return report

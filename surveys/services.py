"""Campaigns, departmental surveys and their review: the writes and what they trigger
(bilans: `bilans.py`)."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from astep.accounts.models import Role, User
from astep.accounts.services import departmental_correspondents, user_notify
from astep.territory.models import Departement
from surveys.figures import FIGURES, figures_by_departement, figures_sum
from surveys.models import (
    SESSIONS_DEFAULT,
    Campaign,
    CampaignReminder,
    DepartementalSurvey,
    SurveyAction,
    SurveyCorrection,
    SurveyEvent,
    SurveyStatus,
)
from surveys.questionnaire import QUESTIONNAIRE_VERSION, REQUIRED_ANSWERS, consistency_errors


class SurveyError(Exception):
    """A survey step refused: the message says why, in the active language, for the person
    who asked."""


def campaign_open(
    *,
    school_year: str,
    opens_on: date,
    closes_on: date,
    user: User,
    sessions_min: int = SESSIONS_DEFAULT[0],
    sessions_max: int = SESSIONS_DEFAULT[1],
    questionnaire_version: str = QUESTIONNAIRE_VERSION,
) -> Campaign:
    """Open the survey campaign of `school_year` ("2025-2026") and notify the correspondents.

    `sessions_min`–`sessions_max` bound the sessions a module may have that year. The
    departmental correspondents (who file) and the academic ones (who validate) are e-mailed.
    """
    campaign = Campaign.objects.create(
        school_year=school_year,
        opens_on=opens_on,
        closes_on=closes_on,
        opened_by=user,
        sessions_min=sessions_min,
        sessions_max=sessions_max,
        questionnaire_version=questionnaire_version,
    )
    user_notify(
        recipients=list(
            User.objects.filter(
                role__in=[Role.DEPARTMENTAL_CORRESPONDENT, Role.ACADEMIC_CORRESPONDENT],
                is_active=True,
            )
        ),
        subject=_("Enquête annuelle ASTEP %(year)s ouverte") % {"year": school_year},
        template="campaign_opened",
        context={"campaign": campaign},
    )
    return campaign


def survey_open(
    *, campaign: Campaign, departement: Departement, refresh: bool = True
) -> DepartementalSurvey:
    """Get the survey of `departement` for `campaign`, creating it if needed.

    While the correspondent may edit it (draft or returned), its figures are refreshed
    from the portal (modules of the campaign's school year) unless `refresh` is False (the
    page's autosave, every few seconds while typing: the page already refreshed them when
    it opened); from submission on they stay as submitted.
    """
    survey, _ = DepartementalSurvey.objects.select_related("campaign", "departement").get_or_create(
        campaign=campaign, departement=departement
    )
    if survey.is_editable and refresh:
        counts = figures_by_departement(
            school_year=campaign.school_year, departement_ids=[departement.pk]
        )
        figures = counts.get(departement.pk, figures_sum([]))
        if figures != survey.figures:  # the page and its autosave open it often: write on change
            survey.figures = figures
            survey.save(update_fields=["figures"])
    return survey


@transaction.atomic
def survey_save(
    *,
    survey: DepartementalSurvey,
    answers: dict,
    corrections: dict[str, tuple[Decimal, str]],
    user: User,
) -> DepartementalSurvey:
    """Save a draft: the correspondent's answers and their corrections of the figures.

    `answers` maps the survey's own fields (training_actions, resources, …) to values.
    `corrections` maps a figure key to (value, justification); a figure absent from it,
    or corrected to the portal's own value, has its correction removed. Raises
    SurveyError when the survey is no longer editable (submitted or validated).
    """
    survey = DepartementalSurvey.objects.select_for_update().get(pk=survey.pk)
    if not survey.is_editable:
        raise SurveyError(_("L'enquête est transmise : elle ne se modifie plus."))
    for field, value in answers.items():
        setattr(survey, field, value)
    survey.save()
    kept = []
    for key, (value, comment) in corrections.items():
        portal = Decimal(str(survey.figures.get(key, 0)))
        if key not in survey.figures or value == portal:
            continue
        SurveyCorrection.objects.update_or_create(
            survey=survey,
            key=key,
            defaults={"portal_value": portal, "value": value, "comment": comment, "by": user},
        )
        kept.append(key)
    survey.corrections.exclude(key__in=kept).delete()
    return survey


def survey_problems(survey: DepartementalSurvey) -> dict[str, str]:
    """What stops `survey` from being submitted: {field or figure key: French message}.

    Every correction needs its justification; the answers the portal cannot know
    (`questionnaire.REQUIRED_ANSWERS`) must be given; no part of a figure may exceed its
    total, with the corrections applied (`questionnaire.consistency_errors`).
    """
    problems = {
        field: message
        for field, message in REQUIRED_ANSWERS.items()
        if getattr(survey, field) is None
    }
    for correction in survey.corrections.all():
        if not correction.comment.strip():
            problems[correction.key] = _("Justifiez la correction de ce chiffre.")
    for key, message in consistency_errors(survey.answers(), FIGURES).items():
        problems.setdefault(key, message)
    return problems


@transaction.atomic
def survey_submit(*, survey: DepartementalSurvey, user: User) -> DepartementalSurvey:
    """Submit a draft or returned survey to the academic correspondents, who are e-mailed.

    Raises SurveyError when it is not editable or `survey_problems` finds something;
    nothing changes then.
    """
    survey = DepartementalSurvey.objects.select_for_update().get(pk=survey.pk)
    if not survey.is_editable:
        raise SurveyError(_("L'enquête est déjà transmise."))
    if problems := survey_problems(survey):
        raise SurveyError(
            ngettext(
                "L'enquête ne peut pas être transmise : %(n)d point à revoir, signalé ci-dessous.",
                "L'enquête ne peut pas être transmise : %(n)d points à revoir, signalés ci-dessous.",
                len(problems),
            )
            % {"n": len(problems)}
        )
    survey.status = SurveyStatus.SUBMITTED
    survey.submitted_at = timezone.now()
    survey.submitted_by = user
    survey.save()
    SurveyEvent.objects.create(survey=survey, action=SurveyAction.SUBMITTED, actor=user)
    user_notify(
        recipients=[user, *_academic_correspondents(survey)],
        subject=_("Enquête ASTEP %(year)s transmise — %(departement)s")
        % {"year": survey.campaign.school_year, "departement": survey.departement},
        template="survey_submitted",
        context={"survey": survey},
    )
    return survey


@transaction.atomic
def survey_review(
    *, survey: DepartementalSurvey, user: User, validate: bool, comment: str = ""
) -> DepartementalSurvey:
    """The academic correspondent validates a submitted survey, or returns it with `comment`.

    A validated survey is locked; a returned one goes back to the departmental
    correspondents (e-mailed, with the comment) who correct and submit it again. Raises
    SurveyError when the survey is not submitted, or when a return has no comment.
    """
    survey = DepartementalSurvey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.SUBMITTED:
        raise SurveyError(_("Seule une enquête transmise peut être validée ou renvoyée."))
    if not validate and not comment.strip():
        raise SurveyError(_("Dites au correspondant départemental ce qu'il faut revoir."))
    if validate:
        survey.status, survey.validated_at = SurveyStatus.VALIDATED, timezone.now()
        action, template = SurveyAction.VALIDATED, "survey_validated"
    else:
        survey.status, action, template = (
            SurveyStatus.RETURNED,
            SurveyAction.RETURNED,
            "survey_returned",
        )
    survey.save()
    SurveyEvent.objects.create(survey=survey, action=action, comment=comment, actor=user)
    user_notify(
        recipients=departmental_correspondents(survey.departement_id),
        subject=_("Enquête ASTEP %(year)s %(action)s — %(departement)s")
        % {
            "year": survey.campaign.school_year,
            "action": action.label.lower(),
            "departement": survey.departement,
        },
        template=template,
        context={"survey": survey, "comment": comment, "reviewer": user},
    )
    return survey


@transaction.atomic
def survey_reopen(*, survey: DepartementalSurvey, user: User, comment: str) -> DepartementalSurvey:
    """Reopen a validated survey for correction, with the reason logged (`comment`).

    It goes back to "returned": the departmental correspondents may edit and submit it
    again, and are e-mailed. Raises SurveyError unless it is validated and `comment` given.
    """
    survey = DepartementalSurvey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.VALIDATED:
        raise SurveyError(_("Seule une enquête validée peut être rouverte."))
    if not comment.strip():
        raise SurveyError(_("Indiquez pourquoi l'enquête est rouverte."))
    survey.status, survey.validated_at = SurveyStatus.RETURNED, None
    survey.save()
    SurveyEvent.objects.create(
        survey=survey, action=SurveyAction.REOPENED, comment=comment, actor=user
    )
    user_notify(
        recipients=[
            *departmental_correspondents(survey.departement_id),
            *_academic_correspondents(survey),
        ],
        subject=_("Enquête ASTEP %(year)s rouverte — %(departement)s")
        % {"year": survey.campaign.school_year, "departement": survey.departement},
        template="survey_returned",
        context={"survey": survey, "comment": comment, "reviewer": user},
    )
    return survey


def campaign_reminders_send(*, today: date) -> int:
    """Remind the départements that still owe their survey that the campaign closes soon.

    For each campaign open on `today`, the step due is the smallest of
    `settings.SURVEY_REMINDER_DAYS` (days before `closes_on`, e.g. 14, 7, 2) not below the
    days left. Each département not yet submitted (not started, draft or returned) gets
    that step's reminder once: a `CampaignReminder` row records it, so a second run the
    same day, or a beat that ran late, sends nothing again. Returns the reminders sent.
    """
    sent = 0
    for campaign in Campaign.objects.filter(opens_on__lte=today, closes_on__gte=today):
        days_left = (campaign.closes_on - today).days
        due = [d for d in settings.SURVEY_REMINDER_DAYS if d >= days_left]
        if not due:
            continue
        step = min(due)
        done = DepartementalSurvey.objects.filter(
            campaign=campaign, status__in=[SurveyStatus.SUBMITTED, SurveyStatus.VALIDATED]
        ).values("departement_id")
        reminded = CampaignReminder.objects.filter(campaign=campaign, days_before=step).values(
            "departement_id"
        )
        staffed = User.objects.filter(role=Role.DEPARTMENTAL_CORRESPONDENT, is_active=True).values(
            "departement_id"
        )
        owing = Departement.objects.filter(pk__in=staffed).exclude(pk__in=done)
        for departement in owing.exclude(pk__in=reminded):
            sent += _campaign_remind(campaign, departement, step, days_left)
    return sent


@transaction.atomic
def _campaign_remind(campaign, departement, step: int, days_left: int) -> int:
    _, created = CampaignReminder.objects.get_or_create(
        campaign=campaign, departement=departement, days_before=step
    )
    if created:  # another run got there first otherwise
        user_notify(
            recipients=departmental_correspondents(departement.pk),
            subject=ngettext(
                "Enquête ASTEP %(year)s : clôture dans %(days)d jour",
                "Enquête ASTEP %(year)s : clôture dans %(days)d jours",
                days_left,
            )
            % {"year": campaign.school_year, "days": days_left},
            template="campaign_reminder",
            context={"campaign": campaign, "departement": departement, "days_left": days_left},
        )
    return int(created)


def _academic_correspondents(survey: DepartementalSurvey) -> list[User]:
    return list(
        User.objects.filter(
            role=Role.ACADEMIC_CORRESPONDENT,
            academie_id=survey.departement.academie_id,
            is_active=True,
        )
    )

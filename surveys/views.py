from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, prefetch_related_objects
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from astep.accounts.models import Role
from astep.accounts.permissions import role_required
from astep.school_year import current_school_year
from surveys.bilans import report_request, report_school_years
from surveys.cockpit import STATES, cockpit
from surveys.figures import FIGURES, territory_classes_by_departement
from surveys.filters import SurveyFilter
from surveys.forms import CampaignForm, ReopenForm, ReportRequestForm, ReviewForm, SurveyForm
from surveys.models import (
    Campaign,
    DepartementalSurvey,
    Report,
    ReportFormat,
    ReportStatus,
    SurveyStatus,
)
from surveys.questionnaire import figure_source
from surveys.services import (
    SurveyError,
    campaign_open,
    survey_open,
    survey_problems,
    survey_reopen,
    survey_review,
    survey_save,
    survey_submit,
)

REPORT_ROLES = [Role.NATIONAL, Role.ACADEMIC_CORRESPONDENT, Role.DEPARTMENTAL_CORRESPONDENT]
REPORTS_PAGE_SIZE = 20
REPORT_CONTENT_TYPES = {
    ReportFormat.CSV: "text/csv; charset=utf-8",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.PDF: "application/pdf",
}


@role_required(Role.DEPARTMENTAL_CORRESPONDENT)
def survey(request):
    """The survey of the correspondent's département for the current campaign: save the
    draft (button or autosave), or submit it; what stops a submission shows by its field."""
    campaign = Campaign.objects.filter(school_year=current_school_year()).first()
    if campaign is None:
        return render(request, "surveys/no_campaign.html", {"title": _("Enquête annuelle")})
    autosave = request.method == "POST" and request.headers.get("X-Autosave") == "1"
    survey = survey_open(
        campaign=campaign, departement=request.user.departement, refresh=not autosave
    )
    if not survey.is_editable:
        return _survey_page(request, survey, form=None)
    form = SurveyForm(request.POST or None, instance=survey)
    if request.method == "POST":
        if not form.is_valid():
            if autosave:
                return JsonResponse({"saved": False, "errors": form.errors}, status=400)
            return _survey_page(request, survey, form)
        try:
            survey_save(
                survey=survey,
                answers=form.answers(),
                corrections=form.corrections(),
                user=request.user,
            )
            if autosave:
                return JsonResponse({"saved": True})
            if "transmit" not in request.POST:
                messages.success(request, _("Brouillon enregistré."))
                return redirect("surveys:survey")
            survey_submit(survey=survey, user=request.user)
        except SurveyError as error:
            if autosave:
                return JsonResponse(
                    {"saved": False, "errors": {"__all__": [str(error)]}}, status=409
                )
            form.add_problems(survey_problems(survey))
            messages.error(request, str(error))
            return _survey_page(request, survey, form)
        messages.success(
            request, _("L'enquête est transmise au correspondant académique, qui la valide.")
        )
        return redirect("surveys:survey")
    return _survey_page(request, survey, form)


def _survey_page(request, survey, form, **context):
    # Read once, after any write of this request, for the figures' rows and the coverage.
    prefetch_related_objects([survey], "corrections")
    return render(
        request,
        "surveys/survey_form.html",
        {
            "survey": survey,
            "form": form,
            "rows": _figure_rows(survey) if form is None else None,  # a form has its own
            "coverage": _coverage(survey),
            "events": list(survey.events.select_related("actor")),
            "title": _("Enquête annuelle"),
            **context,
        },
    )


def _coverage(survey) -> dict | None:
    """The share of the département's classes accompanied, with the corrections applied;
    None when the effectifs of the year's rentrée are not loaded."""
    territory = territory_classes_by_departement(
        school_year=survey.campaign.school_year, departement_ids=[survey.departement_id]
    ).get(survey.departement_id)
    if not territory:
        return None
    classes = survey.answers().get("classes", 0)
    return {"classes": classes, "territory": territory, "rate": 100 * classes / territory}


def _figure_rows(survey) -> list[tuple[str, object, object, object]]:
    """(label, portal value, correction or None, source) for each figure of `survey`."""
    corrections = {c.key: c for c in survey.corrections.all()}
    return [
        (label, survey.figures[key], corrections.get(key), figure_source(key))
        for key, label in FIGURES.items()
        if key in survey.figures
    ]


@role_required(Role.ACADEMIC_CORRESPONDENT, Role.NATIONAL)
def survey_list(request):
    """The surveys of the académie (academic correspondent) or of France, with filters."""
    surveys = (
        DepartementalSurvey.objects.for_user(request.user)
        .select_related("campaign", "departement__academie")
        .annotate(corrections_count=Count("corrections"))
        .order_by("-campaign__school_year", "departement__code")
    )
    survey_filter = SurveyFilter(request.GET, queryset=surveys, request=request)
    page = Paginator(survey_filter.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/survey_list.html",
        {
            "filter": survey_filter,
            "page_obj": page,
            "campaign": Campaign.objects.first(),  # the latest: its cockpit is one click away
            "title": _("Enquêtes départementales"),
        },
    )


@role_required(Role.DEPARTMENTAL_CORRESPONDENT, Role.ACADEMIC_CORRESPONDENT, Role.NATIONAL)
def survey_detail(request, pk):
    """A département's survey as filed and its history (the département's own correspondent
    reads it too); the academic correspondent validates or returns it with a comment;
    the academic correspondent or national staff may reopen a validated one."""
    survey = get_object_or_404(
        DepartementalSurvey.objects.for_user(request.user).select_related(
            "campaign", "departement__academie", "submitted_by"
        ),
        pk=pk,
    )
    review = reopen = None
    if survey.status == SurveyStatus.SUBMITTED and request.user.role == Role.ACADEMIC_CORRESPONDENT:
        review = ReviewForm(request.POST or None)
        if review.is_valid():
            data = review.cleaned_data
            return _survey_step(
                request,
                survey,
                survey_review,
                validate=data["decision"] == "validate",
                comment=data["comment"],
            )
    if (
        survey.status == SurveyStatus.VALIDATED
        and request.user.role != Role.DEPARTMENTAL_CORRESPONDENT
    ):
        reopen = ReopenForm(request.POST or None)
        if reopen.is_valid():
            return _survey_step(
                request, survey, survey_reopen, comment=reopen.cleaned_data["comment"]
            )
    return _survey_page(
        request,
        survey,
        form=None,
        review=review,
        reopen=reopen,
        title=_("Enquête %(departement)s") % {"departement": survey.departement},
    )


def _survey_step(request, survey, step, **kwargs):
    try:
        survey = step(survey=survey, user=request.user, **kwargs)
        messages.success(
            request,
            _("Enquête %(state)s ; le département est prévenu par e-mail.")
            % {"state": survey.get_status_display().lower()},
        )
    except SurveyError as error:
        messages.error(request, str(error))
    return redirect("surveys:survey_detail", pk=survey.pk)


@role_required(Role.NATIONAL)
def campaigns(request):
    form = CampaignForm(request.POST or None)
    if form.is_valid():
        campaign_open(user=request.user, **form.cleaned_data)
        messages.success(request, _("La campagne est ouverte ; les correspondants sont prévenus."))
        return redirect("surveys:campaigns")
    return render(
        request,
        "surveys/campaigns.html",
        {
            "form": form,
            "campaigns": Campaign.objects.all(),
            "reminder_days": settings.SURVEY_REMINDER_DAYS,
            "title": _("Campagnes d'enquête"),
        },
    )


@role_required(Role.ACADEMIC_CORRESPONDENT, Role.NATIONAL)
def campaign_cockpit(request, pk):
    """Where each département of the user's scope stands for campaign `pk`, late ones first
    when asked ("?late=1")."""
    campaign = get_object_or_404(Campaign, pk=pk)
    today = timezone.localdate()
    academies = cockpit(campaign=campaign, user=request.user, today=today)
    late_only = request.GET.get("late") == "1"
    return render(
        request,
        "surveys/campaign_cockpit.html",
        {
            "campaign": campaign,
            "academies": academies,
            "states": STATES,
            "totals": [sum(column) for column in zip(*(a.counts for a in academies), strict=True)]
            if academies
            else [],
            "late": [line for a in academies for line in a.lines if line.late],
            "late_only": late_only,
            "is_open": campaign.is_open(today),
            "title": _("Suivi de la campagne %(year)s") % {"year": campaign.school_year},
        },
    )


@role_required(*REPORT_ROLES)
def reports(request):
    """The person's bilans, page by page, and the form to request one."""
    visible = Report.objects.for_user(request.user).select_related("departement", "academie")
    page = Paginator(visible, REPORTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/reports.html",
        {
            "form": ReportRequestForm(school_years=report_school_years()),
            "page_obj": page,
            "title": _("Bilans"),
        },
    )


@require_POST
@role_required(*REPORT_ROLES)
def report_create(request):
    form = ReportRequestForm(request.POST, school_years=report_school_years())
    if not form.is_valid():
        messages.error(request, _("Choisissez une année scolaire et un format proposés."))
        return redirect("surveys:reports")
    report_request(user=request.user, **form.cleaned_data)
    messages.info(
        request, _("Le bilan est en préparation ; vous recevrez un e-mail quand il sera prêt.")
    )
    return redirect("surveys:reports")


@role_required(*REPORT_ROLES)
def report_status(request, pk):
    """The state of a bilan as JSON, for the page that shows its progress."""
    report = get_object_or_404(Report.objects.for_user(request.user), pk=pk)
    return JsonResponse(
        {
            "status": report.status,
            "label": report.get_status_display(),
            "progress": report.progress,
            "ready": report.status == ReportStatus.READY,
        }
    )


@role_required(*REPORT_ROLES)
def report_download(request, pk):
    report = get_object_or_404(
        Report.objects.for_user(request.user).exclude(file=""), pk=pk, status=ReportStatus.READY
    )
    # A bilan is a few megabytes at most: read whole, the file is closed before answering.
    with report.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=REPORT_CONTENT_TYPES[report.format])
    response["Content-Disposition"] = content_disposition_header(True, report.filename)
    return response

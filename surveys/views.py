from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from astep.accounts.models import Role
from astep.accounts.permissions import role_required
from astep.school_year import current_school_year
from surveys.bilans import report_request, report_school_years
from surveys.figures import FIGURES
from surveys.forms import CampaignForm, ReportRequestForm, SurveyForm
from surveys.models import (
    Campaign,
    DepartementalSurvey,
    Report,
    ReportFormat,
    ReportStatus,
    SurveyStatus,
)
from surveys.services import campaign_open, survey_open, survey_submit

REPORT_ROLES = [Role.NATIONAL, Role.ACADEMIC_CORRESPONDENT, Role.DEPARTMENTAL_CORRESPONDENT]
REPORTS_PAGE_SIZE = 20
REPORT_CONTENT_TYPES = {
    ReportFormat.CSV: "text/csv; charset=utf-8",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.PDF: "application/pdf",
}


@role_required(Role.DEPARTMENTAL_CORRESPONDENT)
def survey(request):
    """The survey of the correspondent's département for the current campaign."""
    campaign = Campaign.objects.filter(school_year=current_school_year()).first()
    if campaign is None:
        return render(request, "surveys/no_campaign.html", {"title": _("Enquête annuelle")})
    survey = survey_open(campaign=campaign, departement=request.user.departement)
    form = SurveyForm(request.POST or None, instance=survey)
    if survey.status == SurveyStatus.DRAFT and form.is_valid():
        form.save()
        if "transmit" in request.POST:
            survey_submit(survey=survey, user=request.user)
            messages.success(
                request, _("L'enquête est transmise à la DGESCO et au correspondant académique.")
            )
        else:
            messages.success(request, _("Brouillon enregistré."))
        return redirect("surveys:survey")
    figures = [(FIGURES[key], survey.figures.get(key, 0)) for key in FIGURES]
    return render(
        request,
        "surveys/survey_form.html",
        {
            "survey": survey,
            "form": form,
            "figures": figures,
            "title": _("Enquête annuelle"),
        },
    )


@role_required(Role.ACADEMIC_CORRESPONDENT, Role.NATIONAL)
def survey_list(request):
    surveys = (
        DepartementalSurvey.objects.for_user(request.user)
        .select_related("campaign", "departement__academie")
        .order_by("-campaign__school_year", "departement__code")
    )
    return render(request, "surveys/survey_list.html", {"surveys": surveys, "title": _("Enquêtes")})


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
            "title": _("Campagnes d'enquête"),
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

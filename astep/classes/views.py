from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from astep.accounts.models import Role
from astep.accounts.permissions import role_required
from astep.classes.filters import RequestFilter
from astep.classes.forms import EcoleSearchForm, ReasonForm, RequestForm, SchoolClassForm
from astep.classes.models import AccompanimentRequest, RequestStatus, SchoolClass
from astep.classes.services import (
    RequestError,
    request_allows,
    request_cancel,
    request_draft_save,
    request_not_served,
    request_submit,
)
from astep.half_days import half_days_labels
from astep.school_year import current_school_year
from astep.territory.models import Ecole, EcoleEffectif

SEARCH_LIMIT = 30
PAGE_SIZE = 25
TERRITORY_ROLES = [
    Role.DEPARTMENTAL_CORRESPONDENT,
    Role.ACADEMIC_CORRESPONDENT,
    Role.CIRCONSCRIPTION_INSPECTOR,
    Role.NATIONAL,
]


@role_required(Role.TEACHER)
def class_list(request):
    classes = SchoolClass.objects.filter(teacher=request.user).select_related("ecole")
    classes = classes.prefetch_related(
        Prefetch(
            "requests",
            queryset=AccompanimentRequest.objects.select_related("module").order_by("created_at"),
        )
    )
    return render(
        request, "classes/class_list.html", {"classes": classes, "title": _("Mes classes")}
    )


@role_required(Role.TEACHER)
def class_create(request):
    """Pick the école (search by UAI, name or commune), then describe the class."""
    ecole = Ecole.objects.filter(uai=request.GET.get("ecole", "")).first()
    if ecole is None:
        search = EcoleSearchForm(request.GET or None)
        ecoles = (
            Ecole.objects.search(search.cleaned_data["q"])[:SEARCH_LIMIT]
            if search.is_valid()
            else []
        )
        return render(
            request,
            "classes/ecole_search.html",
            {
                "form": search,
                "ecoles": ecoles,
                "searched": search.is_bound,
                "title": _("Choisir l'école"),
            },
        )
    school_year = current_school_year()
    form = SchoolClassForm(
        request.POST or None,
        suggested_levels=EcoleEffectif.objects.levels_of(ecole.uai, school_year),
    )
    if form.is_valid():
        school_class = form.save(commit=False)
        school_class.teacher = request.user
        school_class.ecole = ecole
        school_class.school_year = school_year
        school_class.save()
        messages.success(
            request, _("La classe est enregistrée. Vous pouvez demander un accompagnement.")
        )
        return redirect("classes:request_create", pk=school_class.pk)
    return render(
        request,
        "classes/class_form.html",
        {"form": form, "ecole": ecole, "title": _("Décrire la classe")},
    )


@role_required(Role.TEACHER)
def request_create(request, pk):
    school_class = get_object_or_404(SchoolClass, pk=pk, teacher=request.user)
    return _request_form(request, AccompanimentRequest(school_class=school_class))


@role_required(Role.TEACHER)
def request_edit(request, pk):
    """Go on with a draft: the teacher finds it again from the home page or their classes."""
    draft = get_object_or_404(
        AccompanimentRequest.objects.select_related("school_class__ecole"),
        pk=pk,
        school_class__teacher=request.user,
    )
    if draft.status != RequestStatus.DRAFT:
        messages.info(request, _("Cette demande est envoyée : elle ne se modifie plus."))
        return redirect("classes:request_detail", pk=draft.pk)
    return _request_form(request, draft)


def _request_form(request, accompaniment: AccompanimentRequest):
    """Save a draft ("Enregistrer le brouillon", or the page's autosave) or send it."""
    school_class = accompaniment.school_class
    form = RequestForm(request.POST or None, instance=accompaniment)
    autosave = request.headers.get("X-Autosave") == "1"
    if request.method == "POST" and form.is_valid():
        sending = "submit" in request.POST and not autosave
        try:
            request_draft_save(request=form.save(commit=False))  # a refused send loses nothing
            if sending and form.submit_clean():
                request_submit(request=accompaniment, actor=request.user)
                messages.success(
                    request, _("Votre demande est envoyée au correspondant départemental ASTEP.")
                )
                return redirect("classes:request_detail", pk=accompaniment.pk)
        except RequestError as error:  # sent meanwhile, from another tab or a double click
            if autosave:
                return JsonResponse(
                    {"saved": False, "errors": {"__all__": [str(error)]}}, status=409
                )
            messages.info(request, str(error))
            return redirect("classes:request_detail", pk=accompaniment.pk)
        edit_url = reverse("classes:request_edit", args=[accompaniment.pk])
        if autosave:
            return JsonResponse({"saved": True, "url": edit_url})
        if not sending:
            messages.success(
                request, _("Brouillon enregistré. Vous le retrouvez sur votre page d'accueil.")
            )
            return redirect(edit_url)
        form.helper.form_action = edit_url  # the draft exists now: send again from it
    elif autosave:
        return JsonResponse({"saved": False, "errors": form.errors}, status=400)
    return render(
        request,
        "classes/request_form.html",
        {
            "form": form,
            "school_class": school_class,
            "siblings": accompaniment.siblings(),
            "title": _("Demander un accompagnement"),
        },
    )


@role_required(Role.TEACHER, *TERRITORY_ROLES)
def request_list(request):
    """Requests of the user's territory (teachers: their own), with filters and pagination."""
    requests = AccompanimentRequest.objects.for_user(request.user).select_related(
        "school_class__ecole__circonscription",
        "school_class__teacher",
        "module__volunteer",
        "module__co_volunteer",
    )
    filterset = RequestFilter(request.GET or None, queryset=requests, user=request.user)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "classes/request_list.html",
        {"filter": filterset, "page_obj": page, "title": _("Demandes d'accompagnement")},
    )


@role_required(Role.TEACHER, *TERRITORY_ROLES)
def request_detail(request, pk):
    accompaniment = get_object_or_404(
        AccompanimentRequest.objects.for_user(request.user).select_related(
            "school_class__ecole__circonscription", "school_class__teacher"
        ),
        pk=pk,
    )
    user = request.user
    can_cancel = user.role in _DECIDERS and (
        accompaniment.status == RequestStatus.DRAFT
        or request_allows(accompaniment, RequestStatus.CANCELLED)
    )
    return render(
        request,
        "classes/request_detail.html",
        {
            "accompaniment": accompaniment,
            "events": accompaniment.events.select_related("actor"),
            "half_days": half_days_labels(accompaniment.half_days),
            "siblings": accompaniment.siblings().select_related("school_class"),
            "cancel_form": ReasonForm(button=_("Annuler la demande")) if can_cancel else None,
            "not_served_form": ReasonForm(button=_("Clore : non servie"))
            if request_allows(accompaniment, RequestStatus.NOT_SERVED)
            and user.role == Role.DEPARTMENTAL_CORRESPONDENT
            else None,
            "title": _("Demande d'accompagnement"),
        },
    )


_DECIDERS = {Role.TEACHER, Role.DEPARTMENTAL_CORRESPONDENT}


@require_POST
@role_required(*_DECIDERS)
def request_cancel_view(request, pk):
    """The teacher (their own) or the departmental correspondent cancels, with a reason;
    a draft is simply deleted."""
    accompaniment = get_object_or_404(AccompanimentRequest.objects.for_user(request.user), pk=pk)
    if accompaniment.status == RequestStatus.DRAFT:
        request_cancel(request=accompaniment, actor=request.user, reason="")
        messages.success(request, _("Le brouillon est supprimé."))
        return redirect("classes:list")  # only its teacher sees a draft
    return _with_reason(request, accompaniment, _("Annuler la demande"), request_cancel)


@require_POST
@role_required(Role.DEPARTMENTAL_CORRESPONDENT)
def request_not_served_view(request, pk):
    accompaniment = get_object_or_404(AccompanimentRequest.objects.for_user(request.user), pk=pk)
    return _with_reason(request, accompaniment, _("Clore : non servie"), request_not_served)


def _with_reason(request, accompaniment, button, action):
    """Run `action` with the posted reason; the outcome is told by a message on the request."""
    form = ReasonForm(request.POST, button=button)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif."))
        return redirect("classes:request_detail", pk=accompaniment.pk)
    try:
        action(request=accompaniment, actor=request.user, reason=form.cleaned_data["reason"])
    except RequestError as error:
        messages.error(request, str(error))
    else:
        accompaniment.refresh_from_db()
        messages.success(
            request,
            _("La demande est maintenant : %(status)s.")
            % {"status": accompaniment.get_status_display().lower()},
        )
    return redirect("classes:request_detail", pk=accompaniment.pk)

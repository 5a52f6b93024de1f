from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from astep.accounts.models import Role
from astep.accounts.permissions import role_required
from astep.classes.forms import EcoleSearchForm, RequestForm, SchoolClassForm
from astep.classes.models import AccompanimentRequest, SchoolClass
from astep.classes.services import request_submit
from astep.school_year import current_school_year
from astep.territory.models import Ecole

SEARCH_LIMIT = 30


@role_required(Role.TEACHER)
def class_list(request):
    classes = (
        SchoolClass.objects.filter(teacher=request.user)
        .select_related("ecole")
        .prefetch_related("requests__module")
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
    form = SchoolClassForm(request.POST or None)
    if form.is_valid():
        school_class = form.save(commit=False)
        school_class.teacher = request.user
        school_class.ecole = ecole
        school_class.school_year = current_school_year()
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
    form = RequestForm(request.POST or None)
    if form.is_valid():
        accompaniment = form.save(commit=False)
        accompaniment.school_class = school_class
        request_submit(request=accompaniment)
        messages.success(
            request, _("Votre demande est envoyée au correspondant départemental ASTEP.")
        )
        return redirect("classes:request_detail", pk=accompaniment.pk)
    return render(
        request,
        "classes/request_form.html",
        {"form": form, "school_class": school_class, "title": _("Demander un accompagnement")},
    )


@role_required(
    Role.TEACHER,
    Role.DEPARTMENTAL_CORRESPONDENT,
    Role.ACADEMIC_CORRESPONDENT,
    Role.CIRCONSCRIPTION_INSPECTOR,
    Role.NATIONAL,
)
def request_detail(request, pk):
    accompaniment = get_object_or_404(
        AccompanimentRequest.objects.for_user(request.user).select_related("school_class__ecole"),
        pk=pk,
    )
    return render(
        request,
        "classes/request_detail.html",
        {"accompaniment": accompaniment, "title": _("Demande d'accompagnement")},
    )

"""The home page (what each role has to do next) and the legal pages of the footer."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from astep import dashboard
from astep.accounts.models import Role
from astep.modules.models import Module
from astep.school_year import current_school_year

DASHBOARDS = {
    Role.TEACHER: dashboard.teacher_dashboard,
    Role.VOLUNTEER: dashboard.volunteer_dashboard,
    Role.DEPARTMENTAL_CORRESPONDENT: dashboard.departmental_dashboard,
    Role.ACADEMIC_CORRESPONDENT: dashboard.academic_dashboard,
    Role.NATIONAL: dashboard.national_dashboard,
    Role.SCIENTIFIC_CORRESPONDENT: dashboard.scientific_dashboard,
}


@login_not_required
def home(request):
    user = request.user
    school_year = current_school_year()
    context = {"title": _("Accueil"), "school_year": school_year, "today": timezone.localdate()}
    if not user.is_authenticated:
        return render(request, "home_anonymous.html", context)
    if user.role in DASHBOARDS:
        context.update(DASHBOARDS[user.role](user, school_year))
    context["modules"] = Module.objects.for_user(user).count()
    return render(request, "home.html", context)


@login_not_required
def accessibility(request):
    return render(request, "pages/accessibility.html", {"title": _("Accessibilité")})


@login_not_required
def legal_notice(request):
    return render(
        request,
        "pages/legal_notice.html",
        {
            "title": _("Mentions légales"),
            "hosting": settings.LEGAL_HOSTING,
            "publication_director": settings.LEGAL_PUBLICATION_DIRECTOR,
        },
    )


@login_not_required
def sitemap(request):
    return render(request, "pages/sitemap.html", {"title": _("Plan du site")})

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from astep.accounts.models import Role
from astep.accounts.permissions import role_required
from astep.modules.models import Module

PAGE_SIZE = 25
ROLES_WITH_MODULES = [
    Role.TEACHER,
    Role.VOLUNTEER,
    Role.DEPARTMENTAL_CORRESPONDENT,
    Role.ACADEMIC_CORRESPONDENT,
    Role.CIRCONSCRIPTION_INSPECTOR,
    Role.NATIONAL,
]


@role_required(*ROLES_WITH_MODULES)
def module_list(request):
    modules = Module.objects.for_user(request.user).select_related(
        "request__school_class__ecole", "volunteer"
    )
    page = Paginator(modules, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "modules/module_list.html", {"page_obj": page, "title": _("Modules")})


@role_required(*ROLES_WITH_MODULES)
def module_detail(request, pk):
    module = get_object_or_404(
        Module.objects.for_user(request.user).select_related(
            "request__school_class__ecole", "volunteer"
        ),
        pk=pk,
    )
    return render(
        request,
        "modules/module_detail.html",
        {
            "module": module,
            "sessions": module.sessions.all(),
            "title": _("Module"),
        },
    )

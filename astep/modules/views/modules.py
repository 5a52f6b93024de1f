from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from astep.accounts.models import Role
from astep.accounts.permissions import role_required
from astep.classes.filters import ModuleFilter
from astep.modules.forms import SessionCancelForm, SessionChangeForm
from astep.modules.models import (
    Feedback,
    Module,
    Session,
    SessionChange,
    SessionConfirmation,
    SessionStatus,
)
from astep.modules.school_calendar import SchoolCalendar
from astep.modules.services import SessionError, session_cancel, session_change, session_confirm

PAGE_SIZE = 25
ROLES_WITH_MODULES = [
    Role.TEACHER,
    Role.VOLUNTEER,
    Role.DEPARTMENTAL_CORRESPONDENT,
    Role.ACADEMIC_CORRESPONDENT,
    Role.CIRCONSCRIPTION_INSPECTOR,
    Role.NATIONAL,
]
PARTIES = [Role.TEACHER, Role.VOLUNTEER]
_MODULE_RELATED = (
    "request__school_class__ecole__departement__academie",
    "request__school_class__ecole__circonscription",
    "request__school_class__teacher",
    "volunteer",
    "co_volunteer",
)


@role_required(*ROLES_WITH_MODULES)
def module_list(request):
    """Modules the user may see, with filters (status, year, circonscription, cycle, REP)."""
    modules = Module.objects.for_user(request.user).select_related(*_MODULE_RELATED)
    filterset = ModuleFilter(request.GET or None, queryset=modules, user=request.user)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "modules/module_list.html",
        {"filter": filterset, "page_obj": page, "title": _("Modules")},
    )


@role_required(*ROLES_WITH_MODULES)
def module_detail(request, pk):
    """A module: its sessions with their changes and confirmations; the teacher and the
    volunteers change, cancel and confirm sessions here; the others read."""
    module = get_object_or_404(
        Module.objects.for_user(request.user).select_related(*_MODULE_RELATED), pk=pk
    )
    sessions = module.sessions.prefetch_related(
        Prefetch("confirmations", queryset=SessionConfirmation.objects.select_related("user")),
        Prefetch("changes", queryset=SessionChange.objects.select_related("actor")),
    )
    is_party = module.is_party(request.user)
    calendar = SchoolCalendar.of_ecole(module.request.school_class.ecole)
    return render(
        request,
        "modules/module_detail.html",
        {
            "module": module,
            "sessions": sessions,
            "is_party": is_party,
            "is_volunteer": module.is_volunteer(request.user),
            "today": timezone.localdate(),
            "calendar": calendar,
            "skipped": calendar.weeks_off(
                half_day=module.half_day, dates=[s.date for s in sessions]
            ),
            "feedback": Feedback.objects.filter(module=module, user=request.user).first()
            if is_party
            else None,
            "held": sum(1 for s in sessions if s.status == SessionStatus.HELD),
            "confirmed_by_me": {
                c.session_id
                for s in sessions
                for c in s.confirmations.all()
                if c.user_id == request.user.pk
            },
            "title": _("Module"),
        },
    )


def _party_session(request, pk) -> Session:
    """A session of a module the user runs (teacher or one of its volunteers); 404 for
    anyone else."""
    session = get_object_or_404(
        Session.objects.select_related(
            "module__request__school_class__ecole__departement__academie"
        ),
        pk=pk,
    )
    if not session.module.is_party(request.user):
        raise Http404
    return session


@role_required(*PARTIES)
def session_edit(request, pk):
    """Move a session or change its times or topic (a move needs a reason)."""
    session = _party_session(request, pk)
    form = SessionChangeForm(request.POST or None, session=session)
    if form.is_valid():
        try:
            session_change(session=session, actor=request.user, **form.cleaned_data)
        except SessionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("La séance est modifiée ; l'autre partie est prévenue."))
            return redirect("modules:detail", pk=session.module_id)
    return render(
        request,
        "modules/session_form.html",
        {"form": form, "session": session, "title": _("Modifier une séance")},
    )


@role_required(*PARTIES)
def session_cancel_view(request, pk):
    session = _party_session(request, pk)
    form = SessionCancelForm(request.POST or None)
    if form.is_valid():
        try:
            session_cancel(session=session, actor=request.user, reason=form.cleaned_data["reason"])
        except SessionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("La séance est annulée ; l'autre partie est prévenue."))
            return redirect("modules:detail", pk=session.module_id)
    return render(
        request,
        "modules/session_cancel.html",
        {"form": form, "session": session, "title": _("Annuler une séance")},
    )


@require_POST
@role_required(*PARTIES)
def session_confirm_view(request, pk):
    session = _party_session(request, pk)
    try:
        session_confirm(session=session, actor=request.user, today=timezone.localdate())
    except SessionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Merci : la séance est confirmée."))
    return redirect("modules:detail", pk=session.module_id)

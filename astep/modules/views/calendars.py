"""Sessions in the parties' calendar apps: a module's .ics, the agenda page, the private feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from astep.accounts.permissions import role_required
from astep.modules.ics import (
    FEED_ROLES,
    calendar_feed_get,
    calendar_feed_renew,
    module_ics,
    user_feed_ics,
)
from astep.modules.models import CalendarFeed, Module, Session
from astep.modules.views.modules import ROLES_WITH_MODULES

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
PAGE_SIZE = 20
# Calendar apps poll the feed (often every few minutes): let them keep it 15 minutes.
FEED_MAX_AGE = 15 * 60


@require_safe
@role_required(*ROLES_WITH_MODULES)
def module_calendar(request, pk):
    module = get_object_or_404(
        Module.objects.for_user(request.user).select_related(
            "request__school_class__ecole", "volunteer"
        ),
        pk=pk,
    )
    return _ics_response(module_ics(module), filename=f"astep-module-{module.pk}.ics")


@require_http_methods(["GET", "POST"])
@role_required(*FEED_ROLES)
def agenda(request):
    if request.method == "POST":
        calendar_feed_renew(user=request.user)
        messages.success(
            request,
            _(
                "Le lien de votre agenda a été renouvelé : l'ancien ne fonctionne plus. "
                "Abonnez de nouveau votre application d'agenda avec le lien ci-dessous."
            ),
        )
        return redirect("modules:agenda")
    feed = calendar_feed_get(request.user)
    feed_url = request.build_absolute_uri(reverse("modules:feed", args=[feed.token]))
    sessions = (
        Session.objects.for_user(request.user)
        .upcoming()
        .filter(date__gte=timezone.localdate())
        .select_related("module__request__school_class__ecole")
        .order_by("date", "start_time", "pk")
    )
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "modules/agenda_detail.html",
        {
            "page_obj": page,
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
            "title": _("Mon agenda"),
        },
    )


@login_not_required
@require_safe
def feed(request, token):
    """The private feed: no login (calendar apps cannot sign in), the secret is the token."""
    calendar_feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True, user__role__in=FEED_ROLES)
        .first()
    )
    if calendar_feed is None:
        raise Http404
    response = HttpResponse(user_feed_ics(calendar_feed.user), content_type=ICS_CONTENT_TYPE)
    response["Cache-Control"] = f"private, max-age={FEED_MAX_AGE}"
    response["X-Robots-Tag"] = "noindex"
    return response


def _ics_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

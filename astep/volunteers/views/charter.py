"""The charter pages: signing it, the signed copy as a PDF, publishing a new version."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from astep.accounts.models import Role
from astep.accounts.permissions import role_required
from astep.volunteers.charter import (
    charter_pdf,
    charter_publish,
    charter_recipients,
    charter_sign,
)
from astep.volunteers.forms import CharterSignForm, PublishForm
from astep.volunteers.models import CharterSignature, CharterVersion


@role_required(Role.VOLUNTEER)
def sign(request):
    """The newest version to read and sign, and the volunteer's past signatures."""
    version = CharterVersion.objects.latest_published()
    signatures = (
        CharterSignature.objects.filter(user=request.user)
        .select_related("version")
        .order_by("-signed_at")
    )
    signature = next((s for s in signatures if s.version_id == getattr(version, "pk", None)), None)
    form = CharterSignForm(
        request.POST or None,
        expected_name=request.user.get_full_name(),
        initial={"version": getattr(version, "pk", None)},
    )
    if version is not None and signature is None and form.is_valid():
        shown = form.cleaned_data["version"]
        if shown is not None and shown != version.pk:
            messages.warning(
                request,
                _(
                    "Une nouvelle version de la charte vient d'être publiée : lisez-la avant de la signer."
                ),
            )
            return redirect("volunteers:charter")
        charter_sign(
            user=request.user,
            version=version,
            full_name=form.cleaned_data["full_name"],
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        messages.success(
            request, _("Merci : vous avez signé la charte (version %s).") % version.version
        )
        return redirect("volunteers:onboarding")
    return render(
        request,
        "volunteers/charter.html",
        {
            "version": version,
            "in_force": version is not None and version.effective_on <= timezone.localdate(),
            "signature": signature,
            "signatures": signatures,
            "form": form,
            "title": _("La charte de l'accompagnement"),
        },
    )


@login_required
def signature_pdf(request, pk):
    """The signed copy of one of the user's own signatures (anyone else's: 404)."""
    signature = get_object_or_404(
        CharterSignature.objects.select_related("version", "user"), pk=pk, user=request.user
    )
    response = HttpResponse(charter_pdf(signature=signature), content_type="application/pdf")
    filename = get_valid_filename(f"charte-astep-v{signature.version.version}.pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(Role.NATIONAL)
def versions(request):
    """The published versions with their signature counts, and the form to publish one."""
    latest = CharterVersion.objects.latest_published()
    form = PublishForm(request.POST or None, latest=latest)
    if form.is_valid():
        version = charter_publish(
            version=form.cleaned_data["version"],
            effective_on=form.cleaned_data["effective_on"],
            text=form.cleaned_data["text"],
            by=request.user,
        )
        notified = charter_recipients(version=version).count()
        messages.success(
            request,
            ngettext(
                "La version %(version)s est publiée ; %(count)d accompagnateur est prévenu par e-mail.",
                "La version %(version)s est publiée ; %(count)d accompagnateurs sont prévenus par e-mail.",
                notified,
            )
            % {"version": version.version, "count": notified},
        )
        return redirect("volunteers:charter_versions")
    current = CharterVersion.objects.current()
    rows = (
        CharterVersion.objects.select_related("published_by")
        .annotate(signature_count=Count("signatures"))
        .order_by("-effective_on", "-pk")
    )
    return render(
        request,
        "volunteers/charter_versions.html",
        {
            "versions": rows,
            "current": current,
            "today": timezone.localdate(),
            "form": form,
            "title": _("Versions de la charte"),
        },
    )

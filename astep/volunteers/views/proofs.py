"""The protected download of a volunteer's proof of level."""

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from astep.accounts.models import Role
from astep.volunteers.models import VolunteerProfile

# Who may read a proof: the volunteer, and the correspondent who validates the level.
# Everybody else gets a 404, so that a proof's existence is not revealed.
READERS = {Role.VOLUNTEER, Role.DEPARTMENTAL_CORRESPONDENT}


@login_required
def proof_download(request: HttpRequest, pk: int) -> FileResponse:
    """Send the proof of level of profile `pk` as an attachment, to its readers only."""
    if request.user.role not in READERS:
        raise Http404
    profile = get_object_or_404(VolunteerProfile.objects.for_user(request.user), pk=pk)
    if not profile.proof_file:
        raise Http404
    try:
        file = profile.proof_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        file,
        as_attachment=True,
        filename=f"justificatif-{profile.pk}{Path(profile.proof_file.name).suffix}",
        content_type=profile.proof_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

"""What a module's parties get at its end: each volunteer's attestation, the questionnaire.

Both pages belong to the module's own parties: anyone else, even a correspondent who may
see the module, gets 404 so that nothing is revealed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from astep.modules.attestations import AttestationError, attestation_pdf
from astep.modules.forms import FeedbackForm
from astep.modules.models import Feedback, Module
from astep.modules.services import SessionError, feedback_save


@login_required
def attestation(request, pk):
    """The volunteer's attestation of participation, as a PDF download (the module's
    volunteers only, each their own)."""
    module = _party_module(request, pk)
    if not module.is_volunteer(request.user):
        raise Http404
    try:
        pdf = attestation_pdf(module, volunteer=request.user)
    except AttestationError as error:
        messages.error(request, str(error))
        return redirect("modules:detail", pk=module.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attestation-astep-{module.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def feedback(request, pk):
    """The end-of-module questionnaire of the teacher or a volunteer (each answers once);
    answering again updates it."""
    module = _party_module(request, pk)
    answer = Feedback.objects.filter(module=module, user=request.user).first()
    form = FeedbackForm(
        request.POST or None, instance=answer or Feedback(module=module, user=request.user)
    )
    if form.is_valid():
        try:
            feedback_save(feedback=form.instance)
        except SessionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Merci, vos réponses sont enregistrées."))
            return redirect("modules:detail", pk=module.pk)
    return render(
        request,
        "modules/feedback_form.html",
        {
            "module": module,
            "form": form,
            "answer": answer,
            "is_open": module.has_held_session(),
            "title": _("Questionnaire de fin de module"),
        },
    )


def _party_module(request, pk) -> Module:
    """The module `pk` if the user is its teacher or one of its volunteers, else 404."""
    module = get_object_or_404(
        Module.objects.for_user(request.user).select_related(
            "request__school_class__ecole", "volunteer"
        ),
        pk=pk,
    )
    if not module.is_party(request.user):
        raise Http404
    return module

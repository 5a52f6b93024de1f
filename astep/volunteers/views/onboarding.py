"""The volunteer's onboarding, one page per step; each step is saved when it is sent."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from astep.accounts.models import Role
from astep.accounts.permissions import role_required
from astep.volunteers.forms import AvailabilityStepForm, LevelStepForm, ProfileStepForm
from astep.volunteers.models import (
    CharterSignature,
    Step,
    VolunteerProfile,
)
from astep.volunteers.services import level_submit, profile_save

STEP_FORMS = {
    Step.PROFILE: ProfileStepForm,
    Step.LEVEL: LevelStepForm,
    Step.AVAILABILITY: AvailabilityStepForm,
}
STEPS = list(Step)


def _progress(user) -> tuple[VolunteerProfile, Step | None]:
    profile = (
        VolunteerProfile.objects.select_related("commune", "organisation").filter(user=user).first()
    ) or VolunteerProfile(user=user)
    signed = CharterSignature.objects.in_force().filter(user=user).exists()
    return profile, profile.next_step(charter_signed=signed)


@role_required(Role.VOLUNTEER)
def resume(request):
    """Send the volunteer to the first step left to do, or to the summary when all are done."""
    profile, next_step = _progress(request.user)
    if next_step is None:
        return render(
            request,
            "volunteers/onboarding_done.html",
            {"profile": profile, "steps": STEPS, "title": _("Mon inscription")},
        )
    if next_step == Step.CHARTER:
        return redirect("volunteers:charter")
    return redirect("volunteers:step", step=next_step.value)


@role_required(Role.VOLUNTEER)
def step(request, step: str):
    """Show and save one step; a step after the next one to do is not reachable yet."""
    try:
        current = Step(step)
    except ValueError:
        raise Http404 from None
    if current == Step.CHARTER:
        return redirect("volunteers:charter")
    profile, next_step = _progress(request.user)
    if next_step is not None and STEPS.index(current) > STEPS.index(next_step):
        messages.info(
            request, _("Terminez d'abord l'étape « %(step)s ».") % {"step": next_step.label}
        )
        return redirect("volunteers:step", step=next_step.value)
    form = STEP_FORMS[current](request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        return _step_save(request, current, form)
    return render(
        request,
        "volunteers/onboarding_step.html",
        {
            "form": form,
            "profile": profile,
            "step": current,
            "step_number": STEPS.index(current) + 1,
            "next_label": STEPS[STEPS.index(current) + 1].label,
            "steps_count": len(STEPS),
            "title": current.label,
        },
    )


def _step_save(request, current: Step, form):
    today = timezone.localdate()
    if current == Step.LEVEL:
        profile = level_submit(
            profile=form.save(commit=False), proof=form.cleaned_data["proof"], today=today
        )
        if profile.refusal_reasons and not profile.review_status:
            messages.warning(request, _("Votre niveau ne permet pas d'accompagner une classe."))
            return redirect("volunteers:step", step=Step.LEVEL.value)
        messages.success(request, _("Votre niveau est envoyé pour validation."))
    else:
        profile_save(profile=form.save(commit=False), today=today)
        messages.success(request, _("Étape « %(step)s » enregistrée.") % {"step": current.label})
    return redirect("volunteers:onboarding")

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from astep.accounts.models import Role
from astep.accounts.permissions import role_required
from astep.volunteers.eligibility import Verdict
from astep.volunteers.forms import CharterSignForm, ProfileForm
from astep.volunteers.models import CharterSignature, CharterVersion, VolunteerProfile
from astep.volunteers.services import charter_sign, profile_save


@role_required(Role.VOLUNTEER)
def profile(request):
    instance = VolunteerProfile.objects.filter(user=request.user).first()
    form = ProfileForm(
        request.POST or None, instance=instance or VolunteerProfile(user=request.user)
    )
    if form.is_valid():
        saved = profile_save(profile=form.save(commit=False), today=timezone.localdate())
        if saved.verdict == Verdict.ELIGIBLE:
            messages.success(
                request, _("Votre profil est enregistré : vous êtes éligible à l'ASTEP.")
            )
            return redirect("volunteers:charter")
        messages.warning(request, _("Votre profil est enregistré, mais vous n'êtes pas éligible."))
        return redirect("volunteers:profile")
    return render(
        request,
        "volunteers/profile_form.html",
        {"form": form, "profile": instance, "title": _("Mon profil d'accompagnateur")},
    )


@role_required(Role.VOLUNTEER)
def charter(request):
    version = CharterVersion.objects.current()
    signature = CharterSignature.objects.filter(user=request.user, version=version).first()
    form = CharterSignForm(request.POST or None, expected_name=request.user.get_full_name())
    if signature is None and form.is_valid():
        charter_sign(
            user=request.user,
            version=version,
            full_name=form.cleaned_data["full_name"],
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        messages.success(
            request, _("Merci : la charte est signée. Les classes peuvent vous être proposées.")
        )
        return redirect("home")
    return render(
        request,
        "volunteers/charter.html",
        {"form": form, "version": version, "signature": signature, "title": _("La charte ASTEP")},
    )

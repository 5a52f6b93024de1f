"""Volunteer writes: the profile with its eligibility, and the charter signature."""

from datetime import date

from astep.accounts.models import User
from astep.volunteers.eligibility import eligibility_assess
from astep.volunteers.models import CharterSignature, CharterVersion, VolunteerProfile


def profile_save(*, profile: VolunteerProfile, today: date) -> VolunteerProfile:
    """Assess `profile` against circular 2010-083 on `today`, store the verdict and save.

    Takes an unsaved or changed profile (user set). Returns it saved, with `verdict` and
    `refusal_reasons` (French sentences, empty when eligible).
    """
    result = eligibility_assess(
        birth_date=profile.birth_date, level=profile.level, field=profile.field, on=today
    )
    profile.verdict = result.verdict
    profile.refusal_reasons = list(result.reasons)
    profile.save()
    return profile


def charter_sign(
    *, user: User, version: CharterVersion, full_name: str, ip_address: str | None
) -> CharterSignature:
    """Record that `user` signed `version` under the typed `full_name`, from `ip_address`.

    Signing a version already signed returns the existing signature unchanged.
    """
    signature, _ = CharterSignature.objects.get_or_create(
        user=user, version=version, defaults={"full_name": full_name, "ip_address": ip_address}
    )
    return signature

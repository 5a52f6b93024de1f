"""Candidate volunteers for one request, ranked by distance."""

from dataclasses import dataclass

from astep.classes.models import AccompanimentRequest
from astep.half_days import half_days_labels
from astep.territory.geo import great_circle_km
from astep.volunteers.eligibility import adult_born_by
from astep.volunteers.models import VolunteerProfile


@dataclass(frozen=True)
class Candidate:
    """A volunteer who may serve a request: distance in km, half-days both accept."""

    profile: VolunteerProfile
    distance_km: float
    shared_half_days: tuple[str, ...]

    @property
    def shared_half_days_label(self) -> str:
        return half_days_labels(list(self.shared_half_days))


def candidates_for(request: AccompanimentRequest) -> list[Candidate]:
    """Volunteers who may be proposed for `request`, nearest first.

    A candidate has finished onboarding (`proposable`), is 18 or over on the first day of
    the request's period (circular 2010-083: an adult when the module starts), lives within
    their own travel limit of the école (great-circle km from their commune's town hall),
    shares at least one weekday half-day with the request, and was not already proposed
    for it. Returns an empty list when the école has no coordinates.
    """
    ecole = request.school_class.ecole
    if ecole.latitude is None or ecole.longitude is None:
        return []
    already = request.proposals.values_list("volunteer_id", flat=True)
    profiles = (
        VolunteerProfile.objects.proposable()
        .exclude(user_id__in=already)
        .filter(commune__latitude__isnull=False)
        .filter(birth_date__lte=adult_born_by(request.period_start))
        .select_related("user", "commune")
    )
    candidates = []
    for profile in profiles:
        shared = tuple(sorted(set(profile.half_days) & set(request.half_days)))
        distance = great_circle_km(
            ecole.latitude, ecole.longitude, profile.commune.latitude, profile.commune.longitude
        )
        if shared and distance <= profile.max_distance_km:
            candidates.append(Candidate(profile, round(distance, 1), shared))
    return sorted(candidates, key=lambda c: c.distance_km)

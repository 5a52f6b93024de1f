"""The per-pair rules of the matching, on plain facts: which volunteer may serve which request.

`build_arcs` turns requests and volunteers into the candidate `Arc`s of `matching.solver`,
keeping only pairs that pass every per-pair hard constraint of issue 5. The database layer
(`matching.plans`) and the benchmark build the facts; nothing here touches the database.
"""

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.utils.translation import gettext_lazy as _
from scipy.spatial import cKDTree

from astep.territory.geo import EARTH_RADIUS_KM, great_circle_km
from matching.solver import Arc


@dataclass(frozen=True)
class RequestFacts:
    """What the rules need of a request. `months` are the calendar months (1–12) its period
    touches; `adult_born_by` the latest birth date of an adult on its first day."""

    id: int
    latitude: float
    longitude: float
    departement: str
    remote: bool
    half_days: frozenset[str]
    months: frozenset[int]
    adult_born_by: date
    need: int = 1
    priority: int = 0
    levels: frozenset[str] = frozenset()
    theme: str = ""


@dataclass(frozen=True)
class VolunteerFacts:
    """What the rules need of a volunteer: where they live, their limit in km, their free
    half-days and months, and `capacity`, the modules they may still take this year."""

    id: int
    latitude: float
    longitude: float
    departement: str
    max_distance_km: int
    half_days: frozenset[str]
    months: frozenset[int]
    birth_date: date
    capacity: int = 1
    levels: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()


# Beyond a volunteer's own limit, still worth naming as a near miss ("2 volunteers at 25–30 km").
NEAR_MISS_KM = 15

# Why a pair is not allowed, in the order the rules are checked; for explanations.
PROBLEMS = {
    "forbidden": _("paire déclinée ou écartée"),
    "too_far": _("trop loin"),
    "half_days": _("aucune demi-journée en commun"),
    "months": _("pas libre pendant la période"),
    "minor": _("mineur au début du module"),
    "full": _("plus de disponibilité cette année"),
}


def distance_km(request: RequestFacts, volunteer: VolunteerFacts) -> float:
    """Great-circle km between the école and the volunteer's commune (0 for a remote module)."""
    if request.remote:
        return 0.0
    return great_circle_km(
        request.latitude, request.longitude, volunteer.latitude, volunteer.longitude
    )


def pair_problems(
    request: RequestFacts, volunteer: VolunteerFacts, *, forbidden: bool = False
) -> list[str]:
    """Keys of `PROBLEMS` that forbid this pair, empty when it is allowed.

    Rules (issue 5 and circular 2010-083): not declined by the volunteer nor excluded by
    the correspondent; within the volunteer's own limit in km of the école unless the module
    is remote (then within the same département); at least one weekday half-day in common;
    the request's period touches a month the volunteer is free; 18 or over on the first day;
    some capacity left.
    """
    problems = []
    if forbidden:
        problems.append("forbidden")
    if request.remote:
        if request.departement != volunteer.departement:
            problems.append("too_far")
    elif distance_km(request, volunteer) > volunteer.max_distance_km:
        problems.append("too_far")
    if not request.half_days & volunteer.half_days:
        problems.append("half_days")
    if not request.months & volunteer.months:
        problems.append("months")
    if volunteer.birth_date > request.adult_born_by:
        problems.append("minor")
    if volunteer.capacity <= 0:
        problems.append("full")
    return problems


def preference(request: RequestFacts, volunteer: VolunteerFacts) -> int:
    """0 to 2: one point if a class level is among the volunteer's preferred levels, one if
    the theme is among their preferred themes."""
    return int(bool(request.levels & volunteer.levels)) + int(request.theme in volunteer.themes)


def build_arcs(
    requests: list[RequestFacts],
    volunteers: list[VolunteerFacts],
    forbidden: set[tuple[int, int]] = frozenset(),
) -> list[Arc]:
    """Every allowed (request, volunteer) pair as an `Arc` (km in tenths, preference).

    `forbidden` holds (request id, volunteer id) pairs declined or excluded. Pairs are found
    with a k-d tree on the sphere, so the cost grows with the pairs in range, not with
    requests × volunteers. The checks are those of `pair_problems` and `preference`, done on
    arrays over the pairs in range (one by one they took 0.9 s at the nation's 430,000);
    tests/matching/test_arcs.py holds both to the same rules.
    """
    volunteers = [v for v in volunteers if v.capacity > 0]
    if not requests or not volunteers:
        return []
    empty = np.zeros(0, np.int64)
    r_index, v_index, decikm = [empty], [empty], [empty]
    in_class = np.array([i for i, r in enumerate(requests) if not r.remote], np.int64)
    if len(in_class):
        tree = cKDTree(_unit_vectors([requests[i] for i in in_class]))
        radii = [_chord(v.max_distance_km) for v in volunteers]
        near = tree.query_ball_point(_unit_vectors(volunteers), radii)
        v_near = np.repeat(np.arange(len(volunteers)), [len(n) for n in near])
        r_near = in_class[np.fromiter((i for n in near for i in n), np.int64, len(v_near))]
        km = haversine_km(
            np.array([r.latitude for r in requests])[r_near],
            np.array([r.longitude for r in requests])[r_near],
            np.array([v.latitude for v in volunteers])[v_near],
            np.array([v.longitude for v in volunteers])[v_near],
        )
        within = km <= np.array([v.max_distance_km for v in volunteers])[v_near]
        r_index.append(r_near[within])
        v_index.append(v_near[within])
        decikm.append(np.rint(km[within] * 10).astype(np.int64))
    by_departement: dict[str, list[int]] = {}
    for j, volunteer in enumerate(volunteers):
        by_departement.setdefault(volunteer.departement, []).append(j)
    for i, request in enumerate(requests):
        if request.remote:  # every volunteer of its département, 0 km
            same = by_departement.get(request.departement, [])
            r_index.append(np.full(len(same), i, np.int64))
            v_index.append(np.array(same, np.int64))
            decikm.append(np.zeros(len(same), np.int64))
    r_index, v_index, decikm = (np.concatenate(a) for a in (r_index, v_index, decikm))
    request_ids = np.array([r.id for r in requests], np.int64)[r_index]
    volunteer_ids = np.array([v.id for v in volunteers], np.int64)[v_index]
    allowed = (
        _meet([r.half_days for r in requests], [v.half_days for v in volunteers], r_index, v_index)
        & _meet([r.months for r in requests], [v.months for v in volunteers], r_index, v_index)
        & (
            np.array([v.birth_date.toordinal() for v in volunteers])[v_index]
            <= np.array([r.adult_born_by.toordinal() for r in requests])[r_index]
        )
    )
    if forbidden:
        # Few pairs are forbidden: only the pairs of their requests are looked up one by one.
        maybe = np.flatnonzero(allowed & np.isin(request_ids, [r for r, _ in forbidden]))
        for k in maybe.tolist():
            allowed[k] = (int(request_ids[k]), int(volunteer_ids[k])) not in forbidden
    r_index, v_index = r_index[allowed], v_index[allowed]
    preferences = _meet(
        [r.levels for r in requests], [v.levels for v in volunteers], r_index, v_index
    ).astype(np.int64) + _meet(
        [{r.theme} for r in requests], [v.themes for v in volunteers], r_index, v_index
    )
    columns = (request_ids[allowed], volunteer_ids[allowed], decikm[allowed], preferences)
    with _collector_paused():
        return list(map(Arc, *(c.tolist() for c in columns)))


@contextmanager
def _collector_paused():
    """Python's cycle collector paused, then restored as it was: each of the nation's 250,000
    new `Arc`s counted towards full collections over everything alive (0.35 s of 0.8 s), and
    they hold no reference cycle for it to find."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _meet(left, right, left_index, right_index) -> np.ndarray:
    """For each pair k, whether the sets left[left_index[k]] and right[right_index[k]] share
    an element: rows of booleans over the elements of both lists, compared pair by pair."""
    elements = {e: n for n, e in enumerate(set().union(*left, *right))}

    def rows(sets):
        table = np.zeros((len(sets), max(len(elements), 1)), bool)
        for i, items in enumerate(sets):
            table[i, [elements[e] for e in items]] = True
        return table

    return (rows(left)[left_index] & rows(right)[right_index]).any(axis=1)


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle km between points in degrees; numpy arrays welcome (as `geo.great_circle_km`)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    a = (
        np.sin((phi2 - phi1) / 2) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def _unit_vectors(points) -> np.ndarray:
    lat = np.radians([p.latitude for p in points])
    lon = np.radians([p.longitude for p in points])
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _chord(km: float) -> float:
    # A little slack so rounding never drops a pair at exactly the limit; the rule decides.
    return 2 * np.sin(min(km / EARTH_RADIUS_KM, np.pi) / 2) * 1.000001 + 1e-12

"""Why a plan pairs whom it pairs, why a request is left unserved and what would unblock it."""

from collections import Counter

import numpy as np

from astep.classes.models import Level, Theme
from astep.half_days import HalfDay
from astep.volunteers.models import Month
from matching.candidates import Pool
from matching.pool import NEAR_MISS_KM, distance_km, haversine_km, pair_problems


def pair_why(pool: Pool, request_id: int, volunteer_id: int, *, locked: bool) -> dict:
    """One pair of a plan as stored in `Plan.pairs`: ids, km, whether locked, and the reasons
    in French (distance against the limit, half-days in common, preferences, priority)."""
    request, volunteer = pool.request_facts[request_id], pool.volunteer_facts[volunteer_id]
    km = round(distance_km(request, volunteer), 1)
    why = [
        "Module à distance"
        if request.remote
        else f"{_km(km)} km, dans sa limite de {volunteer.max_distance_km} km",
        "En commun : "
        + ", ".join(_half_day(h) for h in sorted(request.half_days & volunteer.half_days)),
    ]
    levels = sorted(request.levels & volunteer.levels)
    if levels:
        why.append("Niveau préféré : " + ", ".join(str(Level(v).label) for v in levels))
    if request.theme in volunteer.themes:
        why.append(f"Thème préféré : {Theme(request.theme).label}")
    why += _priority(pool, request_id)
    if locked:
        why.append("Paire verrouillée par le correspondant")
    return {
        "request": request_id,
        "volunteer": volunteer_id,
        "km": km,
        "locked": locked,
        "why": why,
    }


def unserved_why(pool: Pool, request_id: int, *, chosen: list[int], left: dict[int, int]) -> dict:
    """One unserved request as stored in `Plan.unserved`: the reasons, and what would unblock
    it, from the volunteers that fail one rule only and from the candidates the plan gave to
    other requests. `chosen` are volunteers kept for it (a lone locked one of a binôme);
    `left` the capacity each volunteer still has after the plan."""
    request = pool.request_facts[request_id]
    candidates = pool.candidates[request_id]
    why, unblock = [], []
    if request.need == 2 and len(candidates) < 2:
        why.append(
            "Binôme demandé : "
            + (
                "un seul accompagnateur possible."
                if candidates
                else "aucun accompagnateur possible."
            )
        )
        if candidates:
            unblock.append("Accepter un seul accompagnateur servirait la demande.")
    elif candidates:
        busy = sorted(
            (c for c in candidates if left.get(c, 0) <= 0 and c not in chosen),
            key=lambda c: distance_km(request, pool.volunteer_facts[c]),
        )
        why.append(
            f"Ses {len(candidates)} candidat{'s' if len(candidates) > 1 else ''} sont retenus "
            "pour des demandes prioritaires ou qu'ils servent de plus près."
        )
        if busy:
            name = pool.volunteers[busy[0]].user
            km = _km(distance_km(request, pool.volunteer_facts[busy[0]]))
            unblock.append(f"Un module de plus pour {name} ({km} km) servirait cette demande.")
    near_misses = _single_faults(pool, request_id)
    why_more, unblock_more = _near_miss_lines(request, near_misses)
    why += why_more
    unblock += unblock_more
    if not why:
        why.append("Aucun accompagnateur disponible à portée de l'école.")
        unblock.append(
            "Faire connaître l'ASTEP aux partenaires scientifiques du secteur (universités, "
            "écoles d'ingénieurs, entreprises, associations)."
        )
    return {"request": request_id, "why": why, "unblock": unblock}


def _single_faults(pool: Pool, request_id: int) -> dict[str, list]:
    """Volunteers of the pool that only one rule keeps from this request, by rule."""
    request = pool.request_facts[request_id]
    faults: dict[str, list] = {}
    for volunteer in _near(pool, request):
        km = distance_km(request, volunteer)
        problems = pair_problems(
            request, volunteer, forbidden=(request_id, volunteer.id) in pool.forbidden
        )
        if len(problems) == 1:
            faults.setdefault(problems[0], []).append((volunteer, km))
    return faults


def _near(pool: Pool, request) -> list:
    """Volunteers within their limit plus NEAR_MISS_KM of the école (of its département for a
    remote module), found with one vectorised distance computation."""
    volunteers = list(pool.volunteer_facts.values())
    if request.remote:
        return [v for v in volunteers if v.departement == request.departement]
    if not volunteers:
        return []
    km = haversine_km(
        request.latitude,
        request.longitude,
        np.array([v.latitude for v in volunteers]),
        np.array([v.longitude for v in volunteers]),
    )
    limits = np.array([v.max_distance_km for v in volunteers]) + NEAR_MISS_KM
    return [volunteers[i] for i in np.flatnonzero(km <= limits)]


def _near_miss_lines(request, faults) -> tuple[list[str], list[str]]:
    why, unblock = [], []
    if far := faults.get("too_far"):
        kms = sorted(km for _, km in far)
        why.append(f"{_count(len(far))} à {_km(kms[0])}–{_km(kms[-1])} km, au-delà de leur limite.")
        unblock.append(
            f"{_count(len(far))} à {round(kms[0])}–{round(kms[-1])} km accepterai"
            f"{'en' if len(far) > 1 else ''}t un module à distance ou un trajet un peu plus long."
        )
    if other := faults.get("half_days"):
        best, n = _most_common(other, "half_days")
        why.append(f"{_count(len(other))} à portée, libre{_s(other)} d'autres demi-journées.")
        unblock.append(
            f"Ajouter « {_half_day(best).lower()} » à la demande en rendrait {n} possible{_s(n)}."
        )
    if other := faults.get("months"):
        best, n = _most_common(other, "months")
        why.append(f"{_count(len(other))} à portée, pas libre{_s(other)} pendant la période.")
        unblock.append(f"Une période en {Month(best).label} en rendrait {n} possible{_s(n)}.")
    if full := faults.get("full"):
        why.append(f"{_count(len(full))} à portée, sans module disponible cette année.")
        unblock.append("Un module de plus accepté par l'un d'eux servirait la demande.")
    if forbidden := faults.get("forbidden"):
        why.append(f"{_count(len(forbidden))} a décliné ou a été écarté pour cette demande.")
    if minors := faults.get("minor"):
        why.append(f"{_count(len(minors))} n'aura pas 18 ans au début du module.")
    return why, unblock


def _priority(pool: Pool, request_id: int) -> list[str]:
    request = pool.requests[request_id]
    lines = []
    tier = request.school_class.ecole.education_prioritaire
    if tier:
        lines.append(f"Priorité {tier}")
    weeks = pool.request_facts[request_id].priority % 100
    if weeks:
        lines.append(f"En attente depuis {weeks} semaine{'s' if weeks > 1 else ''}")
    return lines


def _most_common(volunteers, attribute: str):
    """The half-day or month most of these (volunteer, km) have, and how many have it."""
    return Counter(x for v, _ in volunteers for x in getattr(v, attribute)).most_common(1)[0]


def _s(n) -> str:
    """The plural "s" for a count or a list."""
    return "s" if (n if isinstance(n, int) else len(n)) > 1 else ""


def _count(n: int) -> str:
    return f"{n} accompagnateur{_s(n)}"


def _km(km: float) -> str:
    return f"{km:.1f}".replace(".", ",")


def _half_day(value: str) -> str:
    return str(HalfDay(value).label)

"""Why a plan pairs whom it pairs, why a request is left unserved and what would unblock it."""

from collections import Counter

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from astep.classes.models import Level, Theme
from astep.half_days import HalfDay
from astep.volunteers.models import Month
from matching.candidates import Pool
from matching.pool import NEAR_MISS_KM, distance_km, haversine_km, pair_problems


def pair_why(pool: Pool, request_id: int, volunteer_id: int, *, locked: bool) -> dict:
    """One pair of a plan as stored in `Plan.pairs`: ids, km, whether locked, and the reasons
    in the active language (distance against the limit, half-days in common, preferences,
    priority)."""
    request, volunteer = pool.request_facts[request_id], pool.volunteer_facts[volunteer_id]
    km = round(distance_km(request, volunteer), 1)
    why = [
        gettext("Module à distance")
        if request.remote
        else gettext("%(km)s km, dans sa limite de %(limit)s km")
        % {"km": _km(km), "limit": volunteer.max_distance_km},
        gettext("En commun : %(half_days)s")
        % {
            "half_days": ", ".join(
                _half_day(h) for h in sorted(request.half_days & volunteer.half_days)
            )
        },
    ]
    levels = sorted(request.levels & volunteer.levels)
    if levels:
        why.append(
            gettext("Niveau préféré : %(levels)s")
            % {"levels": ", ".join(str(Level(v).label) for v in levels)}
        )
    if request.theme in volunteer.themes:
        why.append(gettext("Thème préféré : %(theme)s") % {"theme": Theme(request.theme).label})
    why += _priority(pool, request_id)
    if locked:
        why.append(gettext("Paire verrouillée par le correspondant"))
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
            gettext("Binôme demandé : un seul accompagnateur possible.")
            if candidates
            else gettext("Binôme demandé : aucun accompagnateur possible.")
        )
        if candidates:
            unblock.append(gettext("Accepter un seul accompagnateur servirait la demande."))
    elif candidates:
        busy = sorted(
            (c for c in candidates if left.get(c, 0) <= 0 and c not in chosen),
            key=lambda c: distance_km(request, pool.volunteer_facts[c]),
        )
        why.append(
            ngettext(
                "Ses %(n)s candidat sont retenus pour des demandes prioritaires ou qu'ils "
                "servent de plus près.",
                "Ses %(n)s candidats sont retenus pour des demandes prioritaires ou qu'ils "
                "servent de plus près.",
                len(candidates),
            )
            % {"n": len(candidates)}
        )
        if busy:
            name = pool.volunteers[busy[0]].user
            km = _km(distance_km(request, pool.volunteer_facts[busy[0]]))
            unblock.append(
                gettext("Un module de plus pour %(name)s (%(km)s km) servirait cette demande.")
                % {"name": name, "km": km}
            )
    near_misses = _single_faults(pool, request_id)
    why_more, unblock_more = _near_miss_lines(request, near_misses)
    why += why_more
    unblock += unblock_more
    if not why:
        why.append(gettext("Aucun accompagnateur disponible à portée de l'école."))
        unblock.append(
            gettext(
                "Faire connaître l'ASTEP aux partenaires scientifiques du secteur (universités, "
                "écoles d'ingénieurs, entreprises, associations)."
            )
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
        n = len(far)
        why.append(
            ngettext(
                "%(n)s accompagnateur à %(min)s–%(max)s km, au-delà de leur limite.",
                "%(n)s accompagnateurs à %(min)s–%(max)s km, au-delà de leur limite.",
                n,
            )
            % {"n": n, "min": _km(kms[0]), "max": _km(kms[-1])}
        )
        unblock.append(
            ngettext(
                "%(n)s accompagnateur à %(min)s–%(max)s km accepterait un module à distance ou "
                "un trajet un peu plus long.",
                "%(n)s accompagnateurs à %(min)s–%(max)s km accepteraient un module à distance "
                "ou un trajet un peu plus long.",
                n,
            )
            % {"n": n, "min": round(kms[0]), "max": round(kms[-1])}
        )
    if other := faults.get("half_days"):
        best, count = _most_common(other, "half_days")
        why.append(
            ngettext(
                "%(n)s accompagnateur à portée, libre d'autres demi-journées.",
                "%(n)s accompagnateurs à portée, libres d'autres demi-journées.",
                len(other),
            )
            % {"n": len(other)}
        )
        unblock.append(
            ngettext(
                "Ajouter « %(half_day)s » à la demande en rendrait %(n)s possible.",
                "Ajouter « %(half_day)s » à la demande en rendrait %(n)s possibles.",
                count,
            )
            % {"half_day": _half_day(best).lower(), "n": count}
        )
    if other := faults.get("months"):
        best, count = _most_common(other, "months")
        why.append(
            ngettext(
                "%(n)s accompagnateur à portée, pas libre pendant la période.",
                "%(n)s accompagnateurs à portée, pas libres pendant la période.",
                len(other),
            )
            % {"n": len(other)}
        )
        unblock.append(
            ngettext(
                "Une période en %(month)s en rendrait %(n)s possible.",
                "Une période en %(month)s en rendrait %(n)s possibles.",
                count,
            )
            % {"month": Month(best).label, "n": count}
        )
    if full := faults.get("full"):
        why.append(
            ngettext(
                "%(n)s accompagnateur à portée, sans module disponible cette année.",
                "%(n)s accompagnateurs à portée, sans module disponible cette année.",
                len(full),
            )
            % {"n": len(full)}
        )
        unblock.append(gettext("Un module de plus accepté par l'un d'eux servirait la demande."))
    if forbidden := faults.get("forbidden"):
        why.append(
            ngettext(
                "%(n)s accompagnateur a décliné ou a été écarté pour cette demande.",
                "%(n)s accompagnateurs ont décliné ou ont été écartés pour cette demande.",
                len(forbidden),
            )
            % {"n": len(forbidden)}
        )
    if minors := faults.get("minor"):
        why.append(
            ngettext(
                "%(n)s accompagnateur n'aura pas 18 ans au début du module.",
                "%(n)s accompagnateurs n'auront pas 18 ans au début du module.",
                len(minors),
            )
            % {"n": len(minors)}
        )
    return why, unblock


def _priority(pool: Pool, request_id: int) -> list[str]:
    request = pool.requests[request_id]
    lines = []
    tier = request.school_class.ecole.education_prioritaire
    if tier:
        lines.append(gettext("Priorité %(tier)s") % {"tier": tier})
    weeks = pool.request_facts[request_id].priority % 100
    if weeks:
        lines.append(
            ngettext("En attente depuis %(n)s semaine", "En attente depuis %(n)s semaines", weeks)
            % {"n": weeks}
        )
    return lines


def _most_common(volunteers, attribute: str):
    """The half-day or month most of these (volunteer, km) have, and how many have it."""
    return Counter(x for v, _ in volunteers for x in getattr(v, attribute)).most_common(1)[0]


def _km(km: float) -> str:
    """One decimal, written the active language's way ("28,0" in French)."""
    return number_format(km, decimal_pos=1)


def _half_day(value: str) -> str:
    return str(HalfDay(value).label)

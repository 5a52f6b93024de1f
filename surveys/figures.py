"""The figures of ASTEP for a school year, counted from what happened in the portal.

They are what the annual departmental survey asks and what the bilans show (see the
2011-2012 national bilan: classes accompanied, share of cycle 3, share in éducation
prioritaire, accompanists).
"""

from collections import defaultdict

from django.db.models import Sum

from astep.classes.models import RequestStatus
from astep.modules.models import Module, SessionStatus
from astep.territory.models import EcoleEffectif, EducationPrioritaire
from astep.volunteers.eligibility import Status

# Column order of surveys and reports, with the French headings.
FIGURES = {
    "classes": "Classes accompagnées",
    "pupils": "Élèves",
    "classes_cycle_2": "Classes de cycle 2",
    "classes_cycle_3": "Classes de cycle 3",
    "classes_cycle_3_before_2016": "Classes de cycle 3 (définition avant 2016 : CE2-CM2)",
    "classes_rep": "Classes en REP",
    "classes_rep_plus": "Classes en REP+",
    "modules": "Modules",
    "sessions": "Séances prévues ou réalisées",
    "hours": "Heures de séance",
    "volunteers": "Accompagnateurs",
    **{f"volunteers_{status.value}": f"Accompagnateurs : {status.label}" for status in Status},
}


def figures_by_departement(*, school_year: str, departement_ids=None) -> dict[int, dict]:
    """Count the figures of `school_year` ("2025-2026") per département.

    Takes an optional iterable of département ids to restrict the count. Returns
    {departement_id: {figure key: number}} with every key of FIGURES, for the
    départements that have at least one module; hours are decimal hours.
    A class mixing cycles counts in each of its cycles; it counts once in `classes`.
    Accompanists are distinct people per département: a module run by two (volunteer and
    co-volunteer) counts both, and a person in several modules counts once.
    """
    modules = (
        Module.objects.filter(school_year=school_year)
        .exclude(request__status=RequestStatus.CANCELLED)
        .select_related(
            "request__school_class__ecole",
            "volunteer__volunteer_profile",
            "co_volunteer__volunteer_profile",
        )
        .prefetch_related("sessions")
    )
    if departement_ids is not None:
        modules = modules.filter(request__school_class__ecole__departement_id__in=departement_ids)
    classes, volunteers = defaultdict(dict), defaultdict(dict)
    counts = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for module in modules:
        school_class = module.request.school_class
        departement_id = school_class.ecole.departement_id
        classes[departement_id][school_class.pk] = school_class
        for volunteer in module.volunteers:  # a binôme counts two accompanists
            volunteers[departement_id][volunteer.pk] = volunteer
        held = [s for s in module.sessions.all() if s.status != SessionStatus.CANCELLED]
        figures = counts[departement_id]
        figures["modules"] += 1
        figures["sessions"] += len(held)
        figures["hours"] += sum(s.duration_hours for s in held)
    for departement_id, figures in counts.items():
        _count_classes(figures, classes[departement_id].values())
        _count_volunteers(figures, volunteers[departement_id].values())
    return dict(counts)


def territory_classes_by_departement(*, school_year: str, departement_ids=None) -> dict[int, int]:
    """Count the classes of the écoles with elementary pupils, per département.

    The denominator of the coverage rate: the effectifs (EcoleEffectif) of the rentrée
    that starts `school_year` ("2022-2023" → rentrée 2022). The ASTEP accompanies
    elementary classes, so only écoles with elementary pupils (`pupils_elementaire` > 0,
    ULIS apart) count, with every class they have. Approximation: the file gives no
    classes per level, so the maternelle classes of an école primaire count too (they
    are left out for an école maternelle). Returns {departement_id: classes} for the
    départements whose effectifs of that rentrée are loaded (a département absent from
    it has none), optionally restricted to `departement_ids`. One query.
    """
    effectifs = EcoleEffectif.objects.for_school_year(school_year).filter(pupils_elementaire__gt=0)
    if departement_ids is not None:
        effectifs = effectifs.filter(departement_id__in=departement_ids)
    totals = effectifs.values("departement_id").annotate(classes=Sum("classes")).order_by()
    return {row["departement_id"]: row["classes"] for row in totals}


def _count_classes(figures: dict, school_classes) -> None:
    for school_class in school_classes:
        figures["classes"] += 1
        figures["pupils"] += school_class.pupils
        figures["classes_cycle_2"] += 2 in school_class.cycles
        figures["classes_cycle_3"] += 3 in school_class.cycles
        figures["classes_cycle_3_before_2016"] += school_class.is_cycle_3_before_2016
        priority = school_class.ecole.education_prioritaire
        figures["classes_rep"] += priority == EducationPrioritaire.REP
        figures["classes_rep_plus"] += priority == EducationPrioritaire.REP_PLUS


def _count_volunteers(figures: dict, users) -> None:
    for user in users:
        figures["volunteers"] += 1
        figures[f"volunteers_{user.volunteer_profile.status}"] += 1


def figures_sum(rows) -> dict:
    """Add up figure dicts key by key; returns zeros for an empty input."""
    total = dict.fromkeys(FIGURES, 0)
    for row in rows:
        for key in FIGURES:
            total[key] += row.get(key, 0)
    return total

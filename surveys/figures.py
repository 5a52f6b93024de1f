"""The figures of ASTEP per school year and département, counted in SQL from the portal.

They are what the annual departmental survey asks and what the bilans show (issue 6; the
2011-2012 national bilan: classes accompanied, share of cycle 3, share in éducation
prioritaire, accompanists). Every figure is an additive count, so that départements add
up to académies and France (`figures_sum`); means and shares are derived from them
(`satisfaction_mean`).

Six grouped queries whatever the number of years, départements and modules: classes,
modules (with their volunteers), co-volunteers, their organisations, sessions,
questionnaires — each grouped by (school year, département).
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    TextField,
)
from django.db.models.functions import Cast
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from astep.classes.models import (
    CYCLE_3_BEFORE_2016,
    CYCLE_OF_LEVEL,
    Delivery,
    Level,
    RequestStatus,
    SchoolClass,
    Theme,
)
from astep.modules.models import Feedback, Module, Session, SessionStatus
from astep.partners.models import OrganisationKind
from astep.territory.models import EcoleEffectif, EducationPrioritaire
from astep.volunteers.eligibility import Status

_lower = lazy(lambda text: str(text).lower(), str)

# Column order of surveys and reports, with their headings (lazy: French in the bilans and
# the open data schema, which override the language; the active language on the pages).
FIGURES = {
    "classes": _("Classes accompagnées"),
    "pupils": _("Élèves"),
    **{
        f"classes_{level.lower()}": format_lazy(
            _("Classes avec des élèves de {level}"), level=level
        )
        for level in Level.values
    },
    "classes_cycle_2": _("Classes de cycle 2"),
    "classes_cycle_3": _("Classes de cycle 3"),
    "classes_cycle_3_before_2016": _("Classes de cycle 3 (définition avant 2016 : CE2-CM2)"),
    "classes_rep": _("Classes en REP"),
    "classes_rep_plus": _("Classes en REP+"),
    "teachers": _("Enseignants impliqués"),
    "modules": _("Modules"),
    **{
        f"modules_{theme.value}": format_lazy(_("Modules, thème : {theme}"), theme=theme.label)
        for theme in Theme
    },
    **{
        f"modules_{form.value}": format_lazy(_("Modules, forme : {form}"), form=_lower(form.label))
        for form in Delivery
    },
    "sessions": _("Séances prévues ou réalisées"),
    "hours": _("Heures de séance"),
    "volunteers": _("Accompagnateurs"),
    **{
        f"volunteers_{status.value}": format_lazy(
            _("Accompagnateurs : {status}"), status=status.label
        )
        for status in Status
    },
    **{
        f"volunteers_organisation_{kind.value}": format_lazy(
            _("Accompagnateurs venus d'un organisme : {kind}"), kind=kind.label
        )
        for kind in OrganisationKind
    },
    "volunteers_no_organisation": _("Accompagnateurs sans organisme"),
    "organisations": _("Organismes partenaires"),
    "feedback_count": _("Questionnaires de fin de module"),
    "satisfaction_sum": _("Satisfaction : somme des notes de 1 à 5"),
}


def figures_by_year(*, departement_ids=None) -> dict[str, dict[int, dict]]:
    """Count the figures of every school year in the database, per département.

    Takes an optional iterable of département ids to restrict the count. Returns
    {school_year ("2025-2026"): {departement_id: {figure key: number}}}, years in order,
    each figures dict holding every key of FIGURES (zeros included), for the (year,
    département) pairs that have at least one live module. Six queries in all.
    Semantics are those of `figures_by_departement`.
    """
    return _figures(school_year=None, departement_ids=departement_ids)


def figures_by_departement(*, school_year: str, departement_ids=None) -> dict[int, dict]:
    """Count the figures of `school_year` ("2025-2026") per département.

    Takes an optional iterable of département ids to restrict the count. Returns
    {departement_id: {figure key: number}} with every key of FIGURES, for the
    départements that have at least one module; hours are decimal hours. Six queries.

    A module counts unless its request was cancelled; its cancelled sessions do not
    count. A class counts once in its school year (with its pupils) when it has such a
    module of that year; a class mixing levels counts in each of its levels and cycles
    (CE2-CM1: cycles 2 and 3, and cycle 3 before 2016, circular of 2016 on cycles).
    Accompanists are distinct people per département: a module run by two (volunteer and
    co-volunteer) counts both, and a person in several modules counts once; each counts
    under their status and the kind of their organisation (or "sans organisme"), and
    `organisations` is the number of distinct organisations of these people. Teachers
    are the distinct teachers of the classes; `feedback_count` and `satisfaction_sum`
    are the end-of-module questionnaires of these modules and the sum of their marks.
    """
    return _figures(school_year=school_year, departement_ids=departement_ids).get(school_year, {})


def figures_sum(rows) -> dict:
    """Add up figure dicts key by key; returns zeros for an empty input."""
    total = dict.fromkeys(FIGURES, 0)
    for row in rows:
        for key in FIGURES:
            total[key] += row.get(key, 0)
    return total


def satisfaction_mean(figures: dict) -> float | None:
    """The mean satisfaction (1 to 5) of the questionnaires counted in `figures`, or None
    when there are none."""
    count = figures.get("feedback_count", 0)
    return figures["satisfaction_sum"] / count if count else None


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


def _figures(*, school_year: str | None, departement_ids) -> dict[str, dict[int, dict]]:
    if departement_ids is not None:
        departement_ids = list(departement_ids)  # read by every query
    counts = defaultdict(lambda: defaultdict(lambda: dict.fromkeys(FIGURES, 0)))
    for rows in (
        _class_rows(school_year, departement_ids),
        _module_rows(school_year, departement_ids),
        _co_volunteer_rows(school_year, departement_ids),
        _co_organisation_rows(school_year, departement_ids),
        _session_rows(school_year, departement_ids),
        _feedback_rows(school_year, departement_ids),
    ):
        for row in rows:
            figures = counts[row.pop("year")][row.pop("departement")]
            for key, value in row.items():  # co-volunteers add to the volunteers
                figures[key] += value
    return {year: dict(counts[year]) for year in sorted(counts)}


def _live_modules(school_year: str | None, departement_ids, prefix: str = "") -> Q:
    """The condition on a module (reached through `prefix`) to count: its request not
    cancelled, of `school_year` (any if None), in `departement_ids` (any if None)."""
    condition = ~Q(**{f"{prefix}request__status": RequestStatus.CANCELLED})
    if school_year is not None:
        condition &= Q(**{f"{prefix}school_year": school_year})
    if departement_ids is not None:
        ecole = f"{prefix}request__school_class__ecole"
        condition &= Q(**{f"{ecole}__departement_id__in": departement_ids})
    return condition


def _has_level(*levels: str) -> Q:
    # Matched on the JSON text ('["CE2", "CM1"]', alias `levels_text`), which PostgreSQL
    # and SQLite (the development default) both allow; JSON containment is PostgreSQL only.
    condition = Q()
    for level in levels:
        condition |= Q(levels_text__contains=f'"{level}"')
    return condition


def _class_rows(school_year, departement_ids) -> QuerySet:
    live = Module.objects.filter(
        _live_modules(None, None),
        request__school_class=OuterRef("pk"),
        school_year=OuterRef("school_year"),
    )
    classes = SchoolClass.objects.filter(Exists(live)).alias(
        levels_text=Cast("levels", output_field=TextField())
    )
    if school_year is not None:
        classes = classes.filter(school_year=school_year)
    if departement_ids is not None:
        classes = classes.filter(ecole__departement_id__in=departement_ids)
    cycle = {n: [lvl for lvl, c in CYCLE_OF_LEVEL.items() if c == n] for n in (2, 3)}
    return (
        classes.values(year=F("school_year"), departement=F("ecole__departement_id"))
        .annotate(
            classes=Count("pk"),
            pupils=Sum("pupils"),
            **{f"classes_{lvl.lower()}": Count("pk", filter=_has_level(lvl)) for lvl in Level},
            classes_cycle_2=Count("pk", filter=_has_level(*cycle[2])),
            classes_cycle_3=Count("pk", filter=_has_level(*cycle[3])),
            classes_cycle_3_before_2016=Count("pk", filter=_has_level(*CYCLE_3_BEFORE_2016)),
            classes_rep=Count(
                "pk", filter=Q(ecole__education_prioritaire=EducationPrioritaire.REP)
            ),
            classes_rep_plus=Count(
                "pk", filter=Q(ecole__education_prioritaire=EducationPrioritaire.REP_PLUS)
            ),
            teachers=Count("teacher", distinct=True),
        )
        .order_by()
    )


def _module_rows(school_year, departement_ids) -> QuerySet:
    return (
        Module.objects.filter(_live_modules(school_year, departement_ids))
        .values(year=F("school_year"), departement=_DEPARTEMENT)
        .annotate(
            modules=Count("pk"),
            **{f"modules_{theme}": Count("pk", filter=Q(request__theme=theme)) for theme in Theme},
            **{f"modules_{form}": Count("pk", filter=Q(request__form=form)) for form in Delivery},
            **_people("volunteer"),
            organisations=Count("volunteer__volunteer_profile__organisation", distinct=True),
        )
        .order_by()
    )


# Accompanists are the people of two columns, `volunteer` and `co_volunteer`, and SQL has
# no COUNT(DISTINCT) over two columns. So the people of a (year, département) are its
# distinct volunteers (`_module_rows`) plus its distinct co-volunteers who are not the
# volunteer of one of its live modules (`_co_volunteer_rows`): two disjoint sets whose
# counts add up. Organisations likewise (`_co_organisation_rows`). Each NOT EXISTS is a
# WHERE condition, which PostgreSQL runs as one anti-join rather than once per row.
_DEPARTEMENT = F("request__school_class__ecole__departement_id")


def _same_group() -> QuerySet:
    """The live modules of the outer module's (year, département)."""
    return Module.objects.filter(
        _live_modules(None, None),
        school_year=OuterRef("school_year"),
        request__school_class__ecole__departement_id=OuterRef(
            "request__school_class__ecole__departement_id"
        ),
    )


def _co_volunteer_rows(school_year, departement_ids) -> QuerySet:
    return (
        Module.objects.filter(_live_modules(school_year, departement_ids))
        .filter(~Exists(_same_group().filter(volunteer=OuterRef("co_volunteer"))))
        .exclude(co_volunteer=None)
        .values(year=F("school_year"), departement=_DEPARTEMENT)
        .annotate(**_people("co_volunteer"))
        .order_by()
    )


def _co_organisation_rows(school_year, departement_ids) -> QuerySet:
    organisation = "co_volunteer__volunteer_profile__organisation"
    volunteer_organisation = "volunteer__volunteer_profile__organisation"
    same = _same_group().filter(**{volunteer_organisation: OuterRef(organisation)})
    return (
        Module.objects.filter(_live_modules(school_year, departement_ids))
        .filter(~Exists(same))
        .exclude(**{organisation: None})
        .values(year=F("school_year"), departement=_DEPARTEMENT)
        .annotate(organisations=Count(organisation, distinct=True))
        .order_by()
    )


def _people(column: str) -> dict:
    """Distinct people of the module column `column`, in all and by status and
    organisation kind (or none)."""
    profile = f"{column}__volunteer_profile"

    def people(**condition) -> Count:
        where = Q(**{f"{profile}__{key}": value for key, value in condition.items()})
        return Count(column, distinct=True, filter=where)

    return {
        "volunteers": Count(column, distinct=True),
        **{f"volunteers_{status}": people(status=status) for status in Status},
        **{
            f"volunteers_organisation_{kind}": people(organisation__kind=kind)
            for kind in OrganisationKind
        },
        "volunteers_no_organisation": people(organisation__isnull=True),
    }


def _session_rows(school_year, departement_ids) -> list[dict]:
    length = ExpressionWrapper(F("end_time") - F("start_time"), output_field=DurationField())
    rows = (
        Session.objects.filter(_live_modules(school_year, departement_ids, "module__"))
        .exclude(status=SessionStatus.CANCELLED)
        .values(
            year=F("module__school_year"),
            departement=F("module__request__school_class__ecole__departement_id"),
        )
        .annotate(sessions=Count("pk"), hours=Sum(length))
        .order_by()
    )
    return [{**row, "hours": row["hours"] / timedelta(hours=1)} for row in rows]


def _feedback_rows(school_year, departement_ids) -> QuerySet:
    return (
        Feedback.objects.filter(_live_modules(school_year, departement_ids, "module__"))
        .values(
            year=F("module__school_year"),
            departement=F("module__request__school_class__ecole__departement_id"),
        )
        .annotate(feedback_count=Count("pk"), satisfaction_sum=Sum("satisfaction"))
        .order_by()
    )

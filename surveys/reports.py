"""The bilans as CSV: départements side by side, with académie and national totals."""

import csv
import io

from astep.territory.models import Departement
from surveys.figures import (
    FIGURES,
    figures_by_departement,
    figures_sum,
    satisfaction_mean,
    territory_classes_by_departement,
)
from surveys.models import Report, Scope

HEADINGS = [
    "Niveau",
    "Code région académique",
    "Région académique",
    "Code académie",
    "Académie",
    "Code département",
    "Département",
    *FIGURES.values(),
    "Satisfaction moyenne (sur 5)",
    "Part de cycle 3, définition avant 2016 (%)",
    "Part de cycle 3 (%)",
    "Part en éducation prioritaire (%)",
    "Classes du territoire (effectifs)",
    "Taux de couverture (%)",
]


def report_rows(report: Report) -> list[list]:
    """The rows of `report` below its headings.

    A département row for every département of the scope (zeros where nothing happened),
    then one row per académie (academic and national reports) and one for France
    (national report). Shares are percentages of accompanied classes, one decimal; the
    mean satisfaction (1 to 5, two decimals) is blank without questionnaires.
    The coverage rate is the percentage of the territory's classes (see
    `territory_classes_by_departement`) that were accompanied. Both are blank for a
    département without effectifs for the school year, and for an académie or France
    unless every one of its départements has them: a partial count would inflate the rate.
    """
    departements = Departement.objects.select_related("academie__region_academique")
    if report.scope == Scope.DEPARTEMENT:
        departements = departements.filter(pk=report.departement_id)
    elif report.scope == Scope.ACADEMIE:
        departements = departements.filter(academie_id=report.academie_id)
    departements = list(departements.order_by("academie__code", "code"))
    ids = [d.pk for d in departements]
    counts = figures_by_departement(school_year=report.school_year, departement_ids=ids)
    territory = territory_classes_by_departement(
        school_year=report.school_year, departement_ids=ids
    )
    rows, by_academie = [], {}
    for departement in departements:
        figures = counts.get(departement.pk, figures_sum([]))
        classes = territory.get(departement.pk)
        by_academie.setdefault(departement.academie, []).append((figures, classes))
        rows.append(_row("Département", departement.academie, departement, figures, classes))
    if report.scope != Scope.DEPARTEMENT:
        for academie, pairs in by_academie.items():
            rows.append(_row("Académie", academie, None, *_total(pairs)))
    if report.scope == Scope.NATIONAL:
        pairs = [pair for pairs in by_academie.values() for pair in pairs]
        rows.append(_row("France", None, None, *_total(pairs)))
    return rows


def report_csv(report: Report) -> str:
    """Render `report` as CSV text (`;`-separated, as French spreadsheets expect)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADINGS)
    writer.writerows(report_rows(report))
    return out.getvalue()


def _total(pairs: list[tuple[dict, int | None]]) -> tuple[dict, int | None]:
    """Add up (figures, territory classes) pairs; the classes only when all are known."""
    classes = [classes for _, classes in pairs]
    return figures_sum(figures for figures, _ in pairs), None if None in classes else sum(classes)


def _row(level: str, academie, departement, figures: dict, territory_classes: int | None) -> list:
    region = academie.region_academique if academie else None
    classes = figures["classes"]
    return [
        level,
        region.code if region else "",
        region.name if region else "",
        academie.code if academie else "",
        academie.name if academie else "",
        departement.code if departement else "",
        departement.name if departement else "",
        *(_number(figures[key]) for key in FIGURES),
        _mean(satisfaction_mean(figures)),
        _share(figures["classes_cycle_3_before_2016"], classes),
        _share(figures["classes_cycle_3"], classes),
        _share(figures["classes_rep"] + figures["classes_rep_plus"], classes),
        "" if territory_classes is None else str(territory_classes),
        _share(classes, territory_classes or 0),
    ]


def _number(value) -> str:
    return f"{value:g}".replace(".", ",") if isinstance(value, float) else str(value)


def _mean(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _share(part: int, total: int) -> str:
    return f"{100 * part / total:.1f}".replace(".", ",") if total else ""

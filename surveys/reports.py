"""The bilans as CSV: départements side by side, with académie and national totals."""

import csv
import io

from astep.territory.models import Departement
from surveys.figures import FIGURES, figures_by_departement, figures_sum
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
    "Part de cycle 3 (%)",
    "Part en éducation prioritaire (%)",
]


def report_rows(report: Report) -> list[list]:
    """The rows of `report` below its headings.

    A département row for every département of the scope (zeros where nothing happened),
    then one row per académie (academic and national reports) and one for France
    (national report). Shares are percentages of accompanied classes, one decimal.
    """
    departements = Departement.objects.select_related("academie__region_academique")
    if report.scope == Scope.DEPARTEMENT:
        departements = departements.filter(pk=report.departement_id)
    elif report.scope == Scope.ACADEMIE:
        departements = departements.filter(academie_id=report.academie_id)
    departements = list(departements.order_by("academie__code", "code"))
    counts = figures_by_departement(
        school_year=report.school_year, departement_ids=[d.pk for d in departements]
    )
    rows, by_academie = [], {}
    for departement in departements:
        figures = counts.get(departement.pk, figures_sum([]))
        by_academie.setdefault(departement.academie, []).append(figures)
        rows.append(_row("Département", departement.academie, departement, figures))
    if report.scope != Scope.DEPARTEMENT:
        for academie, figures in by_academie.items():
            rows.append(_row("Académie", academie, None, figures_sum(figures)))
    if report.scope == Scope.NATIONAL:
        rows.append(_row("France", None, None, figures_sum(counts.values())))
    return rows


def report_csv(report: Report) -> str:
    """Render `report` as CSV text (`;`-separated, as French spreadsheets expect)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADINGS)
    writer.writerows(report_rows(report))
    return out.getvalue()


def _row(level: str, academie, departement, figures: dict) -> list:
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
        _share(figures["classes_cycle_3"], classes),
        _share(figures["classes_rep"] + figures["classes_rep_plus"], classes),
    ]


def _number(value) -> str:
    return f"{value:g}".replace(".", ",") if isinstance(value, float) else str(value)


def _share(part: int, total: int) -> str:
    return f"{100 * part / total:.1f}".replace(".", ",") if total else ""

"""The tables and charts of the bilans: départements side by side, académie and national
totals, and the evolution over the school years; rendered by `surveys.exports`."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from astep.territory.models import Departement
from surveys import charts
from surveys.exports import Table, tables_csv, tables_pdf, tables_xlsx
from surveys.figures import (
    FIGURES,
    figures_by_departement,
    figures_by_year,
    figures_sum,
    satisfaction_mean,
    territory_classes_by_departement,
)
from surveys.models import Report, ReportFormat, Scope

LEVEL, CODE_ACADEMIE, ACADEMIE, CODE_DEPARTEMENT, DEPARTEMENT, FIGURES_FROM = 0, 3, 4, 5, 6, 7
# Headings are lazy: the bilans are built in French (`surveys.bilans.report_build`).
SATISFACTION = _("Satisfaction moyenne (sur 5)")
SHARES = [
    _("Part de cycle 3, définition avant 2016 (%)"),
    _("Part de cycle 3 (%)"),
    _("Part en éducation prioritaire (%)"),
]
HEADINGS = [
    _("Niveau"),
    _("Code région académique"),
    _("Région académique"),
    _("Code académie"),
    _("Académie"),
    _("Code département"),
    _("Département"),
    *FIGURES.values(),
    SATISFACTION,
    *SHARES,
    _("Classes du territoire (effectifs)"),
    _("Taux de couverture (%)"),
]


def report_rows(report: Report) -> list[list]:
    """The rows of `report` below HEADINGS: text, numbers (int, float) or None (blank).

    A département row for every département of the scope (zeros where nothing happened),
    then one row per académie (academic and national reports) and one for France
    (national report). Shares are percentages of accompanied classes, rounded to one
    decimal; the mean satisfaction (1 to 5, two decimals) is blank without questionnaires.
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
        rows.append(
            _row(gettext("Département"), departement.academie, departement, figures, classes)
        )
    if report.scope != Scope.DEPARTEMENT:
        for academie, pairs in by_academie.items():
            rows.append(_row(gettext("Académie"), academie, None, *_total(pairs)))
    if report.scope == Scope.NATIONAL:
        pairs = [pair for pairs in by_academie.values() for pair in pairs]
        rows.append(_row(gettext("France"), None, None, *_total(pairs)))
    return rows


def report_tables(report: Report) -> list[Table]:
    """The tables of `report`: the figures by territory; for the national report, also
    the evolution of the national figures over every school year in the database."""
    tables = [
        Table(
            title=f"{report.get_scope_display()} {report.school_year} — {report.territory_name}",
            headings=[str(heading) for heading in HEADINGS],
            rows=report_rows(report),
            figures_from=FIGURES_FROM,
            label_columns=(LEVEL, ACADEMIE, DEPARTEMENT),
        )
    ]
    if report.scope == Scope.NATIONAL:
        tables.append(_evolution_table())
    return tables


def report_render(report: Report, tables: list[Table]) -> bytes:
    """The file of `report` in its format, from `tables` (see `report_tables`)."""
    if report.format == ReportFormat.CSV:
        return tables_csv(tables)
    if report.format == ReportFormat.XLSX:
        return tables_xlsx(tables)
    title = f"{report.get_scope_display()} ASTEP {report.school_year}"
    return tables_pdf(
        title=title,
        subtitle=gettext("%(territory)s — Partenaires scientifiques pour la classe")
        % {"territory": report.territory_name},
        tables=tables,
        charts=_charts(report, tables),
    )


def _evolution_table() -> Table:
    """National figures per school year, oldest first."""
    rows = []
    for school_year, by_departement in figures_by_year().items():
        figures = figures_sum(by_departement.values())
        rows.append([school_year, *(_number(figures[key]) for key in FIGURES), *_derived(figures)])
    headings = [str(h) for h in [_("Année scolaire"), *FIGURES.values(), SATISFACTION, *SHARES]]
    return Table(
        title=gettext("Évolution nationale par année scolaire"), headings=headings, rows=rows
    )


def _charts(report: Report, tables: list[Table]) -> list[str]:
    """SVG charts: classes and shares per territory (académies for the national report),
    and the evolution of the classes over the school years (national)."""
    national = report.scope == Scope.NATIONAL
    level = gettext("Académie") if national else gettext("Département")
    name = ACADEMIE if national else DEPARTEMENT
    rows = [row for row in tables[0].rows if row[LEVEL] == level]
    labels = [row[name] for row in rows]
    classes = list(FIGURES).index("classes") + FIGURES_FROM
    shares = {heading: HEADINGS.index(heading) for heading in SHARES[1:]}  # current cycles
    drawn = [
        charts.bar_chart(
            title=gettext("Classes accompagnées par académie")
            if national
            else gettext("Classes accompagnées par département"),
            labels=labels,
            values=[row[classes] for row in rows],
        ),
        charts.grouped_bar_chart(
            title=gettext("Part de cycle 3 et part en éducation prioritaire"),
            labels=labels,
            series={str(h): [row[i] or 0 for row in rows] for h, i in shares.items()},
            unit="%",
        ),
    ]
    if report.scope == Scope.NATIONAL:
        evolution = tables[1].rows
        drawn.append(
            charts.line_chart(
                title=gettext("Classes accompagnées par année scolaire"),
                labels=[row[0] for row in evolution],
                values=[row[1] for row in evolution],
            )
        )
    return drawn


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
        *_derived(figures),
        territory_classes,
        _share(classes, territory_classes or 0),
    ]


def _derived(figures: dict) -> list[float | None]:
    """The mean satisfaction, then the SHARES, of one territory's figures."""
    classes, mean = figures["classes"], satisfaction_mean(figures)
    return [
        None if mean is None else round(mean, 2),
        _share(figures["classes_cycle_3_before_2016"], classes),
        _share(figures["classes_cycle_3"], classes),
        _share(figures["classes_rep"] + figures["classes_rep_plus"], classes),
    ]


def _number(value: int | float) -> int | float:
    """Hours add up floats: two decimals are enough and avoid 12.499999999."""
    return round(value, 2) if isinstance(value, float) else value


def _share(part: int, total: int) -> float | None:
    return round(100 * part / total, 1) if total else None

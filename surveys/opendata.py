"""The national open data of ASTEP: the figures by département and school year, as CSV.

Format, after data.gouv.fr's recommendations for tabular data with a Table Schema
(guides.data.gouv.fr, "Focus : construire un schéma TableSchema"): UTF-8 without BOM,
`,` as separator, `.` as decimal point, one header line of snake_case names. It is meant
for machines (data.gouv.fr, Validata, frictionless); the bilans for spreadsheets keep
`;` and a BOM (`surveys.reports`). The schema is `docs/opendata-schema.json`, which
`opendata_schema()` writes.

Statistical secrecy: the breakdowns of accompanists by status and by kind of
organisation of a (year, département) could single out a person when they are small, so
counts from 1 to 4 are masked, written as the marker `s` (a missing value of the schema,
read as empty); when only one cell of a breakdown is masked, the smallest other non-zero
cell (zero included) is masked too, so that it cannot be recovered from the total. The questionnaires'
satisfaction (sum and mean) is masked when there are 1 to 4 questionnaires: a mean of
so few marks could reveal one person's answer.
"""

import csv
import io

from django.utils import translation

from astep.partners.models import OrganisationKind
from astep.territory.models import Departement
from astep.volunteers.eligibility import Status
from surveys.figures import FIGURES, figures_by_year, figures_sum, satisfaction_mean

SECRET = "s"  # masked count (secret statistique), as INSEE writes it
THRESHOLD = 5  # counts from 1 to THRESHOLD - 1 are masked
# Breakdowns of accompanists that could single out a person (masked by group).
PERSON_GROUPS = [
    [f"volunteers_{status}" for status in Status],
    [f"volunteers_organisation_{kind}" for kind in OrganisationKind]
    + ["volunteers_no_organisation"],
]
SATISFACTION = ["satisfaction_sum", "satisfaction_mean"]
MASKED = [key for group in PERSON_GROUPS for key in group] + SATISFACTION
PLACE = ["annee_scolaire", "code_departement", "departement", "code_academie", "academie"]
COLUMNS = [*PLACE, *FIGURES, "satisfaction_mean"]


def opendata_csv() -> bytes:
    """Render the national open data: one row per school year in the database and
    département (all 101, zeros where nothing happened), ordered by year then code.

    Returns the CSV file as bytes (UTF-8, `,`, header `COLUMNS`), following
    `opendata_schema()`, with small counts masked (see the module docstring). Seven
    queries whatever the number of years and modules.
    """
    years = figures_by_year()
    departements = Departement.objects.select_related("academie").order_by("code")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for year, counts in years.items():
        for departement in departements:
            figures = counts.get(departement.pk, figures_sum([]))
            place = [year, departement.code, departement.name]
            place += [departement.academie.code, departement.academie.name]
            writer.writerow(place + _masked_cells(figures))
    return out.getvalue().encode("utf-8")


def opendata_schema() -> dict:
    """The Table Schema (frictionless specs, `tableschema`) of `opendata_csv()`, as a
    dict ready for JSON: one field per column with its French title, type and
    constraints; masked columns say why. French whatever the active language: the
    schema is a published data contract."""
    place = {
        "annee_scolaire": ("Année scolaire", {"pattern": r"^[0-9]{4}-[0-9]{4}$"}),
        "code_departement": ("Code du département (annuaire)", {"pattern": "^[0-9]{2}[0-9AB]$"}),
        "departement": ("Département", {}),
        "code_academie": ("Code de l'académie (annuaire)", {}),
        "academie": ("Académie", {}),
    }
    fields = [
        {"name": name, "title": title, "type": "string", "constraints": {"required": True, **c}}
        for name, (title, c) in place.items()
    ]
    with translation.override("fr"):
        titles = {key: str(title) for key, title in FIGURES.items()}
    for key, title in [*titles.items(), ("satisfaction_mean", "Satisfaction moyenne (1 à 5)")]:
        fields.append(_figure_field(key, title))
    return {
        "$schema": "https://frictionlessdata.io/schemas/table-schema.json",
        "name": "astep-chiffres-departementaux",
        "title": "ASTEP : chiffres par département et année scolaire",
        "description": (
            "Chiffres de l'accompagnement en sciences et technologie à l'école primaire "
            "(ASTEP), comptés par le portail à partir des modules réalisés. CSV UTF-8 sans "
            "BOM, séparateur virgule, point décimal. Secret statistique : les comptes de 1 "
            "à 4 des colonnes marquées sont remplacés par « s » (valeur manquante)."
        ),
        "fields": fields,
        "missingValues": ["", SECRET],
        "primaryKey": ["annee_scolaire", "code_departement"],
    }


def _figure_field(key: str, title: str) -> dict:
    if key == "satisfaction_mean":
        constraints = {"minimum": 1, "maximum": 5}
    else:
        constraints = {"required": key not in MASKED, "minimum": 0}
    field = {
        "name": key,
        "title": title,
        "type": "number" if key in ("hours", "satisfaction_mean") else "integer",
        "constraints": constraints,
    }
    if key in SATISFACTION:
        field["description"] = (
            "Masquée (« s ») s'il y a de 1 à 4 questionnaires : une moyenne de si peu de "
            "notes pourrait révéler la réponse d'une personne. Vide sans questionnaire."
        )
    elif key in MASKED:
        field["description"] = (
            "Masquée (« s ») de 1 à 4 : dans un petit département, un accompagnateur "
            "pourrait être reconnu par sa situation ou son organisme. Si une seule case "
            "de la répartition est masquée, la plus petite autre case (même nulle) l'est "
            "aussi, pour qu'elle ne se déduise pas du total."
        )
    return field


def _masked_cells(figures: dict) -> list[str]:
    cells = {key: _number(value) for key, value in figures.items()}
    mean = satisfaction_mean(figures)
    cells["satisfaction_mean"] = "" if mean is None else f"{mean:.2f}"
    for group in PERSON_GROUPS:
        small = [key for key in group if 0 < figures[key] < THRESHOLD]
        if len(small) == 1:  # one masked cell would be the total less the others
            others = [key for key in group if key not in small]
            small += sorted(others, key=figures.get)[:1]
        cells.update(dict.fromkeys(small, SECRET))
    if 0 < figures["feedback_count"] < THRESHOLD:
        cells.update(dict.fromkeys(SATISFACTION, SECRET))
    return [cells[column] for column in COLUMNS[len(PLACE) :]]


def _number(value) -> str:
    return str(round(value, 2)) if isinstance(value, float) else str(value)

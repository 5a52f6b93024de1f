import csv
import io
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from astep.classes.models import Level
from astep.territory.models import LEVEL_PUPILS, Ecole, EcoleEffectif
from tests.conftest import EFFECTIFS_35, shared_file
from tests.territory.test_import_annuaire import import_annuaire, uai

SAMPLES = Path(__file__).resolve().parents[2] / "astep" / "territory" / "data" / "sample"
SAMPLE = SAMPLES / "effectifs-sample.csv"
ANNUAIRE_SAMPLE = SAMPLES / "annuaire-sample.csv"
COLUMNS = [
    "Rentrée scolaire",
    "Région académique",
    "Académie",
    "Département",
    "Commune",
    "Numéro de l'école",
    "Dénomination principale",
    "Patronyme",
    "Secteur",
    "REP",
    "REP +",
    "Nombre total de classes",
    "Nombre total d'élèves",
    "Nombre d'élèves en pré-élémentaire hors ULIS",
    "Nombre d'élèves en élémentaire hors ULIS",
    "Nombre d'élèves en ULIS",
    "Nombre d'élèves en CP hors ULIS",
    "Nombre d'élèves en CE1 hors ULIS",
    "Nombre d'élèves en CE2 hors ULIS",
    "Nombre d'élèves en CM1 hors ULIS",
    "Nombre d'élèves en CM2 hors ULIS",
    "tri",
    "Code Postal",
]
LEVEL_COLUMNS = COLUMNS[16:21]
CLASSES, PUPILS = "Nombre total de classes", "Nombre total d'élèves"
ALL_IMPORTED = "created=2704 updated=0 unchanged=0 skipped=0 rejected=0"


@pytest.fixture
def effectifs_35() -> Path:
    return shared_file(EFFECTIFS_35)


def effectif_row(number: int, rentree: int = 2022, levels=(20, 21, 22, 23, 24), **overrides):
    """A row of an elementary école: one class per level, and 3 ULIS pupils."""
    elementary = sum(levels)
    row = dict.fromkeys(COLUMNS, "")
    row |= {
        "Rentrée scolaire": str(rentree),
        "Région académique": "BRETAGNE",
        "Académie": "RENNES",
        "Département": "ILLE-ET-VILAINE",
        "Commune": "RENNES",
        "Numéro de l'école": uai(number),
        "Dénomination principale": "ECOLE ELEMENTAIRE PUBLIQUE",
        "Patronyme": f"NUMERO {number}",
        "Secteur": "PUBLIC",
        "REP": "0",
        "REP +": "0",
        CLASSES: "5",
        PUPILS: str(elementary + 3),
        "Nombre d'élèves en pré-élémentaire hors ULIS": "0",
        "Nombre d'élèves en élémentaire hors ULIS": str(elementary),
        "Nombre d'élèves en ULIS": "3",
        **{column: str(count) for column, count in zip(LEVEL_COLUMNS, levels, strict=True)},
        "Code Postal": "35000",
    }
    return row | overrides


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.DictWriter(file, columns, delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_effectifs(path: Path) -> tuple[int, list[str]]:
    """Run the command: its exit code and what it printed (or its error message)."""
    stdout = io.StringIO()
    try:
        call_command("import_effectifs", str(path), stdout=stdout)
    except SystemExit as exit:
        return exit.code, stdout.getvalue().splitlines()
    except CommandError as error:
        return error.returncode, [str(error)]
    return 0, stdout.getvalue().splitlines()


def file_totals(path: Path) -> dict[int, dict[str, int]]:
    """Rows, classes and pupils per rentrée, added up from the CSV itself."""
    totals = defaultdict(lambda: {"rows": 0, "classes": 0, "pupils": 0})
    with path.open(encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file, delimiter=";"):
            year = totals[int(row["Rentrée scolaire"])]
            year["rows"] += 1
            year["classes"] += int(row[CLASSES])
            year["pupils"] += int(row[PUPILS])
    return dict(totals)


@pytest.mark.shared_data
@pytest.mark.django_db
def test_it_imports_every_row_of_the_four_rentrees_of_ille_et_vilaine(effectifs_35):
    code, lines = import_effectifs(effectifs_35)

    assert (code, lines) == (0, [ALL_IMPORTED])
    totals = EcoleEffectif.objects.values("rentree").annotate(
        rows=Count("pk"), classes=Sum("classes"), pupils=Sum("pupils")
    )
    imported = {t.pop("rentree"): t for t in totals.order_by("rentree")}
    assert imported == file_totals(effectifs_35)
    assert sorted(imported) == [2019, 2020, 2021, 2022]
    assert imported[2022] == {"rows": 675, "classes": 4766, "pupils": 107729}
    assert not EcoleEffectif.objects.exclude(departement__code="035").exists()


@pytest.mark.shared_data
@pytest.mark.django_db
def test_an_imported_row_keeps_the_counts_of_the_file(effectifs_35):
    import_effectifs(effectifs_35)

    chevre = EcoleEffectif.objects.get(uai="0350103X", rentree=2022)
    assert chevre.name == "ECOLE ELEMENTAIRE PUBLIQUE LE CHEVRE"
    assert chevre.commune_name == "ACIGNE"
    assert chevre.school_year == "2022-2023"
    assert chevre.is_public and chevre.education_prioritaire == ""
    assert (chevre.classes, chevre.pupils) == (12, 289)
    assert (chevre.pupils_preelementaire, chevre.pupils_elementaire, chevre.pupils_ulis) == (
        0,
        289,
        0,
    )
    levels = [getattr(chevre, field) for field in LEVEL_PUPILS.values()]
    assert levels == [56, 68, 52, 56, 57]
    priority = EcoleEffectif.objects.values_list("education_prioritaire").annotate(Count("pk"))
    assert dict(priority) == {"": 2508, "REP": 176, "REP+": 20}
    assert EcoleEffectif.objects.filter(is_public=False).count() == 1019


@pytest.mark.shared_data
@pytest.mark.django_db
def test_ecoles_closed_since_and_absent_from_the_annuaire_are_imported(effectifs_35, annuaire_35):
    import_annuaire(annuaire_35)

    import_effectifs(effectifs_35)

    in_annuaire = Ecole.objects.values("uai")
    closed = EcoleEffectif.objects.exclude(uai__in=in_annuaire)
    assert sorted(set(closed.values_list("uai", flat=True))) == [
        "0350735J",
        "0351258C",
        "0351631H",
        "0351812E",
        "0351984S",
    ]
    assert list(EcoleEffectif.objects.filter(uai="0351812E").values_list("rentree")) == [(2019,)]


@pytest.mark.shared_data
@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing(effectifs_35):
    import_effectifs(effectifs_35)

    code, lines = import_effectifs(effectifs_35)

    assert (code, lines) == (0, ["created=0 updated=0 unchanged=2704 skipped=0 rejected=0"])
    assert EcoleEffectif.objects.count() == 2704


@pytest.mark.shared_data
@pytest.mark.django_db
def test_the_levels_of_an_ecole_suggest_the_levels_of_a_class(effectifs_35):
    import_effectifs(effectifs_35)
    effectifs = EcoleEffectif.objects

    assert effectifs.levels_of("0350103X", "2022-2023") == [
        "CP",
        "CE1",
        "CE2",
        "CM1",
        "CM2",
    ]
    # An école maternelle has no elementary level.
    assert effectifs.levels_of("0351981N", "2022-2023") == []
    # A school year without effectifs falls back to the latest rentrée of the école.
    assert effectifs.levels_of("0350103X", "2025-2026") == [
        "CP",
        "CE1",
        "CE2",
        "CM1",
        "CM2",
    ]
    # An école unknown to the file gets no suggestion.
    assert effectifs.levels_of("0359999B", "2022-2023") == []


@pytest.mark.django_db
def test_the_suggested_levels_are_those_of_the_school_year_else_of_the_latest_rentree(tmp_path):
    rows = [
        effectif_row(350001, rentree=2020, levels=(25, 0, 0, 0, 0)),
        effectif_row(350001, rentree=2021, levels=(25, 24, 0, 0, 0)),
        effectif_row(350001, rentree=2022, levels=(25, 24, 26, 0, 0)),
    ]
    import_effectifs(write_csv(tmp_path / "effectifs.csv", rows))
    effectifs = EcoleEffectif.objects

    assert effectifs.levels_of(uai(350001), "2021-2022") == ["CP", "CE1"]
    assert effectifs.levels_of(uai(350001), "2024-2025") == [
        "CP",
        "CE1",
        "CE2",
    ]
    assert effectifs.levels_of(uai(350001), "2018-2019") == [
        "CP",
        "CE1",
        "CE2",
    ]
    assert list(effectifs.for_school_year("2020-2021").values_list("uai", "rentree")) == [
        (uai(350001), 2020)
    ]


def test_the_levels_are_those_a_class_can_have():
    assert list(LEVEL_PUPILS) == Level.values


@pytest.mark.django_db
def test_it_rejects_bad_rows_with_their_line_and_imports_the_good_ones(tmp_path):
    rows = [
        effectif_row(350001),  # line 2
        effectif_row(350002, **{"Numéro de l'école": "035010X"}),
        effectif_row(350003, **{"Numéro de l'école": "0350003A"}),
        effectif_row(350004, **{"Rentrée scolaire": "2022-2023"}),
        effectif_row(350005, **{"Département": "FINISTERRE"}),
        effectif_row(350006, Secteur="CONTRAT"),
        effectif_row(350007, REP="oui"),
        effectif_row(350008, **{CLASSES: "-3"}),
        effectif_row(350009, **{PUPILS: ""}),
        effectif_row(350010, **{"Nombre d'élèves en CM2 hors ULIS": "30"}),
        effectif_row(350001, Patronyme="DOUBLON"),
        effectif_row(350001, rentree=2021),  # the same école, another rentrée
        effectif_row(350013, **{"Département": "Côtes-d'Armor", "Secteur": "PRIVE"}),
        effectif_row(350014, REP="1", **{"REP +": "1"}),
        effectif_row(350015, **{CLASSES: "4,5"}),
    ]
    path = write_csv(tmp_path / "effectifs.csv", rows)

    code, lines = import_effectifs(path)

    assert code == 1
    assert lines == [
        "ligne 3 : UAI « 035010X » mal formée (7 chiffres et une lettre de contrôle attendus)",
        "ligne 4 : UAI « 0350003A » : lettre de contrôle erronée (N attendue)",
        "ligne 5 : rentrée « 2022-2023 » invalide (année sur 4 chiffres attendue)",
        "ligne 6 : département « FINISTERRE » absent du référentiel",
        "ligne 7 : secteur « CONTRAT » inconnu (PUBLIC ou PRIVE attendu)",
        "ligne 8 : REP « oui » invalide (0 ou 1 attendu)",
        "ligne 9 : Nombre total de classes « -3 » invalide (nombre entier positif ou nul attendu)",
        "ligne 10 : Nombre total d'élèves vide (nombre entier positif ou nul attendu)",
        "ligne 11 : élèves de CP à CM2 (116) plus nombreux que les élèves en élémentaire (110)",
        "ligne 12 : UAI et rentrée « 0350001L 2022 » en double (déjà ligne 2)",
        "ligne 16 : Nombre total de classes « 4,5 » invalide (nombre entier positif ou nul attendu)",
        "created=4 updated=0 unchanged=0 skipped=0 rejected=11",
    ]
    imported = EcoleEffectif.objects.values_list("uai", "rentree", "departement__code")
    assert set(imported) == {
        (uai(350001), 2022, "035"),
        (uai(350001), 2021, "035"),
        (uai(350013), 2022, "022"),
        (uai(350014), 2022, "035"),
    }
    assert EcoleEffectif.objects.get(uai=uai(350001), rentree=2022).name == (
        "ECOLE ELEMENTAIRE PUBLIQUE NUMERO 350001"
    )
    assert not EcoleEffectif.objects.get(uai=uai(350013)).is_public
    assert EcoleEffectif.objects.get(uai=uai(350014)).education_prioritaire == "REP+"


@pytest.mark.django_db
def test_a_row_with_a_missing_cell_is_rejected(tmp_path):
    path = write_csv(tmp_path / "effectifs.csv", [effectif_row(350001)])
    with path.open("a", encoding="utf-8") as file:
        file.write("2022;BRETAGNE;RENNES;ILLE-ET-VILAINE;RENNES;0350002M\n")

    code, lines = import_effectifs(path)

    assert (code, lines) == (
        1,
        [
            "ligne 3 : nombre de colonnes différent de celui de l'en-tête",
            "created=1 updated=0 unchanged=0 skipped=0 rejected=1",
        ],
    )


@pytest.mark.django_db
def test_a_file_missing_a_column_is_refused_and_nothing_is_written(tmp_path):
    columns = [c for c in COLUMNS if c != "Nombre d'élèves en CE2 hors ULIS"]
    rows = [{c: v for c, v in effectif_row(350001).items() if c in columns}]
    path = write_csv(tmp_path / "effectifs.csv", rows, columns)

    code, lines = import_effectifs(path)

    assert (code, lines) == (
        2,
        [f"{path} n'a pas les colonnes attendues ; il manque : Nombre d'élèves en CE2 hors ULIS."],
    )
    assert not EcoleEffectif.objects.exists()


@pytest.mark.django_db
def test_a_changed_count_updates_that_row_only(tmp_path):
    rows = [effectif_row(number) for number in range(350001, 350006)]
    import_effectifs(write_csv(tmp_path / "before.csv", rows))
    rows[2][CLASSES] = "6"

    code, lines = import_effectifs(write_csv(tmp_path / "after.csv", rows))

    assert (code, lines) == (0, ["created=0 updated=1 unchanged=4 skipped=0 rejected=0"])
    assert EcoleEffectif.objects.get(uai=uai(350003)).classes == 6


def queries_of_imports(tmp_path: Path, size: int) -> tuple[int, int]:
    """The queries of importing `size` new rows, then of changing all of them."""
    rows = [effectif_row(350001 + n) for n in range(size)]
    first = write_csv(tmp_path / f"first-{size}.csv", rows)
    for row in rows:
        row["Commune"] = "SAINT-JACQUES-DE-LA-LANDE"
    second = write_csv(tmp_path / f"second-{size}.csv", rows)
    with CaptureQueriesContext(connection) as creating:
        assert import_effectifs(first)[0] == 0
    with CaptureQueriesContext(connection) as updating:
        assert import_effectifs(second)[1] == [
            f"created=0 updated={size} unchanged=0 skipped=0 rejected=0"
        ]
    EcoleEffectif.objects.all().delete()
    return len(creating), len(updating)


@pytest.mark.django_db
def test_importing_costs_as_many_queries_for_5_rows_as_for_50(tmp_path):
    small, large = queries_of_imports(tmp_path, 5), queries_of_imports(tmp_path, 50)

    assert small == large
    assert max(small) <= 5


@pytest.mark.django_db
def test_the_sample_file_of_make_run_imports_cleanly():
    code, lines = import_effectifs(SAMPLE)

    assert (code, lines) == (0, ["created=24 updated=0 unchanged=0 skipped=0 rejected=0"])
    assert set(EcoleEffectif.objects.values_list("departement__code", flat=True)) == {"035", "044"}
    with ANNUAIRE_SAMPLE.open(encoding="utf-8-sig", newline="") as file:
        annuaire = csv.DictReader(file, delimiter=";")
        ecoles = {
            r["Identifiant_de_l_etablissement"]
            for r in annuaire
            if r["Type_etablissement"] == "Ecole"
        }
    assert set(EcoleEffectif.objects.values_list("uai", flat=True)) == ecoles

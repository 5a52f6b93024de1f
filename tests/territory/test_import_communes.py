import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from astep.territory.models import Commune

COLUMNS = [
    "code_insee",
    "nom",
    "code_departement",
    "type",
    "codes_postaux",
    "population_municipale",
    "latitude",
    "longitude",
]


def commune_row(code: str, **overrides: str) -> dict[str, str]:
    row = {
        "code_insee": code,
        "nom": f"Commune {code}",
        "code_departement": code[:2],
        "type": "COM",
        "codes_postaux": "35000",
        "population_municipale": "1000",
        "latitude": "48.1",
        "longitude": "-1.6",
    }
    return row | overrides


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_communes(path: Path) -> tuple[int, list[str]]:
    """Run the command: its exit code and what it printed (or its error message)."""
    stdout = io.StringIO()
    try:
        call_command("import_communes", str(path), stdout=stdout)
    except SystemExit as exit:
        return exit.code, stdout.getvalue().splitlines()
    except CommandError as error:
        return error.returncode, [str(error)]
    return 0, stdout.getvalue().splitlines()


@pytest.mark.shared_data
@pytest.mark.django_db
def test_it_imports_every_commune_of_france_with_its_departement(communes_csv):
    code, lines = import_communes(communes_csv)

    assert (code, lines) == (0, ["created=34915 updated=0 unchanged=0 skipped=0 rejected=0"])
    rennes = Commune.objects.select_related("departement").get(code_insee="35238")
    assert (rennes.name, rennes.departement.code) == ("Rennes", "035")
    assert (rennes.latitude, rennes.longitude) == (48.093066, -1.67494)
    assert (rennes.postcodes, rennes.population) == ("35000 35200 35700", 216815)
    assert Commune.objects.get(code_insee="2A004").departement.code == "02A"
    assert Commune.objects.get(code_insee="97411").departement.code == "974"
    assert Commune.objects.filter(departement__code="075").count() == 21  # Paris and 20 ARM
    assert not Commune.objects.filter(departement=None).exists()
    # The file writes "\N" where INSEE publishes no population (Mayotte, one new commune).
    assert Commune.objects.filter(population=None).count() == 18


@pytest.mark.shared_data
@pytest.mark.django_db
def test_importing_the_communes_twice_changes_nothing(communes_csv):
    import_communes(communes_csv)

    code, lines = import_communes(communes_csv)

    assert (code, lines) == (0, ["created=0 updated=0 unchanged=34915 skipped=0 rejected=0"])


@pytest.mark.django_db
def test_it_rejects_bad_communes_with_their_line_and_imports_the_good_ones(tmp_path):
    rows = [
        commune_row("35238", nom="Rennes"),  # line 2
        commune_row("3523"),
        commune_row("2C004", code_departement="2C"),
        commune_row("35001", latitude="north"),
        commune_row("35002", longitude="200"),
        commune_row("35238", nom="Rennes bis"),
        commune_row("35003", type="COMD"),
        commune_row("97501", code_departement="975", population_municipale="5974"),
        commune_row("2A004", code_departement="2A", population_municipale=r"\N"),
        commune_row("35004", population_municipale="beaucoup"),
    ]
    path = write_csv(tmp_path / "communes.csv", rows)

    code, lines = import_communes(path)

    assert code == 1
    assert lines == [
        "ligne 3 : code INSEE « 3523 » mal formé (5 chiffres, ou 2A/2B et 3 chiffres attendus)",
        "ligne 4 : code INSEE « 2C004 » mal formé (5 chiffres, ou 2A/2B et 3 chiffres attendus)",
        "ligne 5 : latitude « north » n'est pas un nombre",
        "ligne 6 : longitude « 200 » hors limites (entre -180 et 180 attendue)",
        "ligne 7 : code INSEE « 35238 » en double (déjà ligne 2)",
        "ligne 11 : population « beaucoup » invalide (nombre entier attendu)",
        "created=3 updated=0 unchanged=0 skipped=1 rejected=6",
    ]
    assert Commune.objects.get(code_insee="35238").name == "Rennes"
    # Saint-Pierre-et-Miquelon is not in the référentiel: kept, without a département.
    assert Commune.objects.get(code_insee="97501").departement is None
    ajaccio = Commune.objects.get(code_insee="2A004")
    assert (ajaccio.departement.code, ajaccio.population) == ("02A", None)


@pytest.mark.django_db
def test_a_communes_file_missing_columns_is_refused_and_nothing_is_written(tmp_path):
    columns = [c for c in COLUMNS if c != "code_departement"]
    rows = [{c: v for c, v in commune_row("35238").items() if c in columns}]
    path = write_csv(tmp_path / "communes.csv", rows, columns)

    code, lines = import_communes(path)

    assert code == 2
    assert lines == [f"{path} n'a pas les colonnes attendues ; il manque : code_departement."]
    assert not Commune.objects.exists()


@pytest.mark.django_db
def test_a_changed_commune_is_updated(tmp_path):
    rows = [commune_row(f"3500{n}") for n in range(1, 6)]
    import_communes(write_csv(tmp_path / "before.csv", rows))
    rows[2]["population_municipale"] = "1001"

    code, lines = import_communes(write_csv(tmp_path / "after.csv", rows))

    assert (code, lines) == (0, ["created=0 updated=1 unchanged=4 skipped=0 rejected=0"])
    assert Commune.objects.get(code_insee="35003").population == 1001


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_importing_communes_does_not_query_per_row(tmp_path, django_assert_max_num_queries, size):
    rows = [commune_row(f"35{n:03d}") for n in range(1, size + 1)]
    first = write_csv(tmp_path / "first.csv", rows)
    for row in rows:
        row["nom"] += "-sur-Mer"
    second = write_csv(tmp_path / "second.csv", rows)

    with django_assert_max_num_queries(6):
        import_communes(first)
    with django_assert_max_num_queries(6):
        assert import_communes(second)[1] == [
            f"created=0 updated={size} unchanged=0 skipped=0 rejected=0"
        ]

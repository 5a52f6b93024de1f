"""Time annuaire_import on a synthetic national file (~66,000 rows, ~45,000 écoles).

Run: .venv/bin/python benchmarks/import_annuaire.py [COPIES]

The file is built from the real Ille-et-Vilaine export (../shared/data) copied COPIES times
(66 by default), each copy in another département of the référentiel and with fresh UAIs
carrying valid check letters. It is imported three times: into an empty table, again
unchanged, then with one école in ten renamed. Runs on a throwaway PostgreSQL database
(test_astep_benchmark), created and dropped here.
"""

import csv
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANNUAIRE_35 = (
    ROOT.parent / "shared" / "data" / "fr-en-annuaire-education_35-ille-et-vilaine_2023.csv"
)
CHECK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def synthetic_annuaire(target: Path, departements: list[str], copies: int) -> tuple[int, int]:
    """Write `copies` copies of the 35 file, in other départements; return (rows, écoles)."""
    with ANNUAIRE_35.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file, delimiter=";")
        columns, rows = reader.fieldnames, list(reader)
    number, ecoles = 1_000_000, 0
    with target.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.DictWriter(file, columns, delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        for copy in range(copies):
            for row in rows:
                number += 1
                uai = f"{number:07d}{CHECK_LETTERS[number % 23]}"
                departement = departements[copy % len(departements)]
                writer.writerow(
                    row | {"Identifiant_de_l_etablissement": uai, "Code_departement": departement}
                )
                ecoles += row["Type_etablissement"] == "Ecole"
    return copies * len(rows), ecoles


def renamed(source: Path, target: Path) -> None:
    """Copy the file, renaming one école in ten."""
    with source.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file, delimiter=";")
        columns, rows = reader.fieldnames, list(reader)
    for row in [row for row in rows if row["Type_etablissement"] == "Ecole"][::10]:
        row["Nom_etablissement"] += " (renommée)"
    with target.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.DictWriter(file, columns, delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def timed(label: str, path: Path) -> None:
    from django.db import connection

    from astep.territory.imports import annuaire_import

    queries = []
    with connection.execute_wrapper(lambda execute, *args: queries.append(1) or execute(*args)):
        start = time.perf_counter()
        report = annuaire_import(path=path)
        seconds = time.perf_counter() - start
    print(f"{label:<24} {seconds:6.2f} s  {len(queries):4d} queries  {report.lines()[-1]}")


def main(copies: int) -> None:
    if not ANNUAIRE_35.exists():
        sys.exit(f"real data absent: {ANNUAIRE_35}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "astep.test_settings")
    os.environ["TEST_DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/astep_benchmark"
    sys.path.insert(0, str(ROOT))
    import django
    from django.test.utils import setup_databases, teardown_databases

    django.setup()
    from astep.territory.models import Departement

    databases = setup_databases(verbosity=0, interactive=False)
    try:
        departements = list(Departement.objects.values_list("code", flat=True))
        with tempfile.TemporaryDirectory() as directory:
            national = Path(directory) / "annuaire-national.csv"
            rows, ecoles = synthetic_annuaire(national, departements, copies)
            renamed(national, Path(directory) / "annuaire-renamed.csv")
            print(f"{rows} rows, {ecoles} écoles, {national.stat().st_size / 1e6:.0f} MB")
            timed("first import", national)
            timed("second import", national)
            timed("one école in ten renamed", Path(directory) / "annuaire-renamed.csv")
    finally:
        teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 66)

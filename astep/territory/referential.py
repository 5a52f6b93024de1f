"""Load the régions académiques, académies and départements shipped in data/referential.csv."""

import csv
from pathlib import Path

REFERENTIAL_CSV = Path(__file__).resolve().parent / "data" / "referential.csv"


def referential_load(*, region_model, academie_model, departement_model) -> int:
    """Create or update every région académique, académie and département of France.

    Takes the model classes (historical ones inside a migration). Reads
    `data/referential.csv` (one row per département, codes as the annuaire writes them).
    Returns the number of départements written. Idempotent.
    """
    with REFERENTIAL_CSV.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    for row in rows:
        region, _ = region_model.objects.update_or_create(
            code=row["code_region_academique"], defaults={"name": row["region_academique"]}
        )
        academie, _ = academie_model.objects.update_or_create(
            code=row["code_academie"],
            defaults={
                "name": row["academie"],
                "region_academique": region,
                "zone_vacances": row["zone_vacances"],
            },
        )
        departement_model.objects.update_or_create(
            code=row["code_departement"],
            defaults={"name": row["departement"], "academie": academie},
        )
    return len(rows)

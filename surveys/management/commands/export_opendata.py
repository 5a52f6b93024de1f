import json
from pathlib import Path

from django.core.management.base import BaseCommand

from surveys.opendata import opendata_csv, opendata_schema


class Command(BaseCommand):
    help = (
        "Écrit les données ouvertes nationales de l'ASTEP (chiffres par département et année "
        "scolaire, CSV UTF-8 séparé par des virgules, petits comptes masqués) et, sur "
        "demande, leur schéma Table Schema."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="le fichier CSV à écrire")
        parser.add_argument(
            "--schema", type=Path, help="écrire aussi le schéma JSON (docs/opendata-schema.json)"
        )

    def handle(self, *args, output: Path, schema: Path | None, **options):
        output.write_bytes(opendata_csv())
        self.stdout.write(f"Données ouvertes écrites dans {output}.")
        if schema:
            schema.write_text(json.dumps(opendata_schema(), ensure_ascii=False, indent=2) + "\n")
            self.stdout.write(f"Schéma écrit dans {schema}.")

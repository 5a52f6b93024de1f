import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from astep.territory.imports import FileFormatError, annuaire_import


class Command(BaseCommand):
    help = (
        "Importe les écoles d'un export de l'Annuaire de l'éducation (data.education.gouv.fr, "
        "fr-en-annuaire-education). Sortie : 0 tout importé, 1 lignes rejetées, 2 fichier refusé."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="le CSV de l'annuaire (séparateur « ; »)")

    def handle(self, *args, file: Path, **options):
        try:
            report = annuaire_import(path=file)
        except FileFormatError as error:
            raise CommandError(str(error), returncode=2) from error
        for line in report.lines():
            self.stdout.write(line)
        if report.exit_code:
            sys.exit(report.exit_code)

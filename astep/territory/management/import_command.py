import sys
from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from astep.territory.imports import FileFormatError, ImportReport


class ImportCommand(BaseCommand):
    """A thin command over an import service: prints its report, exits 0, 1 or 2.

    Subclasses set `help`, `file_help` and `service = staticmethod(<noun>_import)`.
    """

    file_help: str
    service: Callable[..., ImportReport]

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=self.file_help)

    def handle(self, *args, file: Path, **options):
        try:
            report = self.service(path=file)
        except FileFormatError as error:
            raise CommandError(str(error), returncode=2) from error
        for line in report.lines():
            self.stdout.write(line)
        if report.exit_code:
            sys.exit(report.exit_code)

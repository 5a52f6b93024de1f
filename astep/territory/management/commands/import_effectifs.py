from astep.territory.imports import effectifs_import
from astep.territory.management.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe les effectifs des écoles (classes et élèves par niveau, à chaque rentrée) "
        "du fichier data.education.gouv.fr fr-en-ecoles-effectifs-nb_classes. "
        "Sortie : 0 tout importé, 1 lignes rejetées, 2 fichier refusé."
    )
    file_help = "le CSV des effectifs (séparateur « ; »)"
    service = staticmethod(effectifs_import)

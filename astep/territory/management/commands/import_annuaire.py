from astep.territory.imports import annuaire_import
from astep.territory.management.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe les écoles d'un export de l'Annuaire de l'éducation (data.education.gouv.fr, "
        "fr-en-annuaire-education). Sortie : 0 tout importé, 1 lignes rejetées, 2 fichier refusé."
    )
    file_help = "le CSV de l'annuaire (séparateur « ; »)"
    service = staticmethod(annuaire_import)

import datetime

from django.db import migrations

# The commitments of the charter attached to circular n° 2010-083, restated for signing online.
# The official document is published by La main à la pâte (charte_accompagnement.pdf).
TEXT = """Charte de l'accompagnement en science et technologie à l'école primaire

En signant cette charte, l'accompagnateur ou l'accompagnatrice s'engage à :

1. Intervenir bénévolement, à titre personnel ou dans le cadre d'un partenariat avec un organisme reconnu.
2. Seconder le professeur des écoles, qui conçoit et conduit le module d'activités scientifiques : l'accompagnateur ne se substitue jamais à l'enseignant, qui reste responsable de sa classe.
3. Préparer les séances avec l'enseignant et respecter les programmes de l'école primaire et la démarche d'investigation.
4. Être présent aux séances convenues (en général 5 à 7 séances) et prévenir l'enseignant de toute absence.
5. Respecter le règlement intérieur de l'école, la neutralité du service public et la confidentialité des informations concernant les élèves.
6. Adopter une attitude bienveillante et exemplaire envers les élèves, et ne jamais rester seul avec eux.
7. Participer, si possible, au bilan de l'action et aux temps de formation proposés.
"""


def publish(apps, schema_editor):
    apps.get_model("volunteers", "CharterVersion").objects.get_or_create(
        version="2010", defaults={"published_on": datetime.date(2010, 6, 8), "text": TEXT}
    )


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]

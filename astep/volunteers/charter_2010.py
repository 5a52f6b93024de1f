"""The first charter version, published with circular n° 2010-083 (8 June 2010).

The text restates the commitments of the charter for signing online; the official document
is published by La main à la pâte (charte_accompagnement.pdf).
"""

import datetime

VERSION = "2010"
EFFECTIVE_ON = datetime.date(2010, 6, 8)
PUBLISHED_AT = datetime.datetime(2010, 6, 8, 10, 0, tzinfo=datetime.UTC)
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


def charter_2010_publish(*, version_model) -> None:
    """Publish the 2010 charter version if it is missing (takes the model class)."""
    version_model.objects.get_or_create(
        version=VERSION,
        defaults={"effective_on": EFFECTIVE_ON, "published_at": PUBLISHED_AT, "text": TEXT},
    )

"""The PNGs of docs/screenshots/: the main pages on the demo data, each checked by axe-core.

Not part of the test suite (the file name is not test_*): run it when the pages change,
`make screenshots` (or `.venv/bin/pytest tests/browser/screenshots.py`), then commit
the images.
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from astep.accounts.management.commands.seed_demo import DEMO_TOTP_SECRET
from astep.accounts.management.commands.seed_demo import PASSWORD as DEMO_PASSWORD
from astep.classes.models import SchoolClass
from astep.territory.imports import annuaire_import, communes_import, effectifs_import
from surveys.models import Campaign

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "astep" / "territory" / "data" / "sample"
SCREENSHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture
def demo():
    """The fictional sample of écoles and communes, and `seed_demo`'s accounts and data."""
    communes_import(path=SAMPLE / "communes-sample.csv")
    annuaire_import(path=SAMPLE / "annuaire-sample.csv")
    effectifs_import(path=SAMPLE / "effectifs-sample.csv")
    call_command("seed_demo", stdout=io.StringIO())


def shoot(page, name: str) -> None:
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def test_screenshots_of_the_main_pages(demo, open_as):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visitor = open_as()
    visitor.goto("/")
    shoot(visitor, "accueil")

    teacher = open_as("enseignante@demo.astep.test", DEMO_PASSWORD, DEMO_TOTP_SECRET)
    teacher.goto("/")
    shoot(teacher, "accueil-enseignante")
    school_class = SchoolClass.objects.filter(teacher__email="enseignante@demo.astep.test")
    teacher.goto(f"/classes/{school_class.first().pk}/demande/")
    shoot(teacher, "demande")

    volunteer = open_as("accompagnateur@demo.astep.test", DEMO_PASSWORD, DEMO_TOTP_SECRET)
    volunteer.goto("/")
    shoot(volunteer, "accueil-accompagnateur")

    correspondent = open_as("correspondant@demo.astep.test", DEMO_PASSWORD, DEMO_TOTP_SECRET)
    correspondent.goto("/")
    shoot(correspondent, "accueil-correspondant")
    correspondent.goto("/appariement/")
    shoot(correspondent, "appariement")
    correspondent.follow(correspondent.get_by_role("button", name="Proposer un plan"))
    shoot(correspondent, "plan")
    correspondent.goto("/enquete/")
    shoot(correspondent, "enquete")

    academic = open_as("academique@demo.astep.test", DEMO_PASSWORD, DEMO_TOTP_SECRET)
    academic.goto("/")
    shoot(academic, "accueil-academique")

    national = open_as("dgesco@demo.astep.test", DEMO_PASSWORD, DEMO_TOTP_SECRET)
    national.goto("/")
    shoot(national, "accueil-dgesco")
    national.goto(f"/enquete/campagnes/{Campaign.objects.get().pk}/suivi/")
    shoot(national, "avancement-campagne")
    national.goto("/enquete/bilans/")
    national.select_option("#id_format", "pdf")
    national.follow(national.get_by_role("button", name="Construire le bilan"))
    shoot(national, "bilans")

"""The whole ASTEP path in Chromium, each person in their own browser, axe-core on every page."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from astep.accounts.models import Role
from astep.modules.models import Module
from astep.school_year import current_school_year
from surveys.models import Campaign, DepartementalSurvey
from tests.browser.actions import button, tick
from tests.factories import EcoleFactory, UserFactory, VolunteerProfileFactory, departement
from tests.surveys.reading import xlsx_tables

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def people(campaign):
    """What is not the point of the journey: the école, the staff of Ille-et-Vilaine, an
    eligible volunteer living near the école with the charter signed, the year's campaign."""
    ille_et_vilaine = departement("035")
    ecole = EcoleFactory(name="École Jules Ferry", education_prioritaire="REP+")
    UserFactory(email="prof@example.test", role=Role.TEACHER, first_name="Claire")
    VolunteerProfileFactory(
        user__email="lina@example.test", user__first_name="Lina", user__last_name="Kerbrat"
    )
    UserFactory(
        email="ien@example.test",
        role=Role.DEPARTMENTAL_CORRESPONDENT,
        departement=ille_et_vilaine,
    )
    UserFactory(
        email="ia-ipr@example.test",
        role=Role.ACADEMIC_CORRESPONDENT,
        academie=ille_et_vilaine.academie,
    )
    UserFactory(email="dgesco@example.test", role=Role.NATIONAL)
    return ecole


def test_a_request_goes_from_the_teacher_to_the_national_report(people, open_as):
    ecole = people
    start = date.today() + timedelta(days=10)

    # The teacher finds the école, describes the class and sends the request.
    teacher = open_as("prof@example.test")
    teacher.goto("/classes/nouvelle/")
    teacher.get_by_label("Votre école").fill("Jules Ferry")
    teacher.follow(button(teacher, "Rechercher"))
    teacher.follow(teacher.get_by_role("link", name="Choisir École Jules Ferry"))
    tick(teacher, "CE2")
    tick(teacher, "CM1")
    teacher.get_by_label("Nombre d'élèves").fill("26")
    teacher.follow(button(teacher, "Enregistrer la classe"))
    teacher.select_option("#id_theme", "living")
    teacher.fill("#id_period_start", start.isoformat())
    teacher.fill("#id_period_end", (start + timedelta(days=90)).isoformat())
    teacher.fill("#id_sessions_count", "6")
    tick(teacher, "Jeudi après-midi")
    teacher.fill("#id_comment", "Élevage de phasmes")
    teacher.follow(button(teacher, "Envoyer la demande"))
    assert "Élevage de phasmes" in teacher.content()

    # The departmental correspondent sees it on the board, asks for a plan and sends it.
    correspondent = open_as("ien@example.test")
    correspondent.goto("/appariement/")
    assert "École Jules Ferry" in correspondent.content()
    correspondent.follow(button(correspondent, "Proposer un plan"))
    assert "Lina Kerbrat" in correspondent.content()
    correspondent.follow(button(correspondent, "Envoyer les 1 proposition"))

    # The volunteer, then the teacher, accept: the module and its six sessions exist.
    volunteer = open_as("lina@example.test")
    for party in (volunteer, teacher):
        party.goto("/appariement/propositions/")
        party.follow(button(party, "Accepter"))
    module = Module.objects.get(request__school_class__ecole=ecole)
    assert module.sessions.count() == 6
    teacher.goto(f"/modules/{module.pk}/")
    assert "Lina Kerbrat" in teacher.content()

    # The correspondent files the annual survey, prefilled with the portal's figures.
    correspondent.goto("/enquete/")
    correspondent.fill("#id_training_actions", "2")
    correspondent.fill("#id_training_participants", "31")
    correspondent.fill("#id_conventions_signed", "1")
    correspondent.follow(button(correspondent, "Transmettre l'enquête"))
    survey = DepartementalSurvey.objects.get(departement=ecole.departement)
    assert survey.status == "submitted"

    # The academic correspondent validates it.
    academic = open_as("ia-ipr@example.test")
    academic.goto("/enquete/departements/")
    academic.follow(academic.get_by_role("link", name=re.compile("Ille-et-Vilaine")))
    tick(academic, "Valider l'enquête")
    academic.follow(button(academic, "Enregistrer la décision"))
    survey.refresh_from_db()
    assert survey.status == "validated"

    # DGESCO follows the campaign, builds the national report and downloads it.
    national = open_as("dgesco@example.test")
    national.goto(f"/enquete/campagnes/{Campaign.objects.get().pk}/suivi/")
    national.goto("/enquete/bilans/")
    national.select_option("#id_school_year", current_school_year())
    national.select_option("#id_format", "xlsx")
    national.follow(button(national, "Construire le bilan"))
    with national.expect_download() as download:
        national.get_by_role("link", name=re.compile("^Télécharger")).first.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    # The first sheet: départements, académies and France, one row each.
    rows = next(iter(xlsx_tables(Path(download.value.path()).read_bytes()).values()))
    france = next(row for row in rows if row["Niveau"] == "France")
    assert france["Classes accompagnées"] == 1
    ille_et_vilaine = next(row for row in rows if row["Code département"] == "035")
    assert ille_et_vilaine["Classes accompagnées"] == 1
    assert ille_et_vilaine["Classes en REP+"] == 1

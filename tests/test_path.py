"""The whole ASTEP path through the web pages, on the fictional sample and on real écoles."""

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from astep.accounts.models import Role, User
from astep.modules.models import Module
from astep.territory.imports import annuaire_import, communes_import
from astep.territory.models import Commune, Ecole
from astep.volunteers.models import VolunteerProfile
from surveys.models import DepartementalSurvey
from tests.conftest import ANNUAIRE_35, COMMUNES, shared_file
from tests.factories import UserFactory
from tests.files import pdf_bytes, upload

SAMPLE = Path(__file__).resolve().parent.parent / "astep" / "territory" / "data" / "sample"
PASSWORD = "Un-mot-de-passe-solide-2026"


@pytest.fixture(params=["sample", "real"])
def referential(request, db):
    """The écoles and communes of the fictional sample, or of the real Ille-et-Vilaine files."""
    if request.param == "sample":
        annuaire, communes = SAMPLE / "annuaire-sample.csv", SAMPLE / "communes-sample.csv"
    else:
        annuaire, communes = shared_file(ANNUAIRE_35), shared_file(COMMUNES)
    assert communes_import(path=communes).exit_code == 0
    assert annuaire_import(path=annuaire).exit_code == 0
    return Ecole.objects.filter(education_prioritaire="REP+", latitude__isnull=False).first()


def sign_up(client, capture, *, email: str, role: str, first_name: str, last_name: str) -> None:
    """Sign up through allauth, confirm the e-mail from the link received, and sign in."""
    with capture(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": email,
                "password1": PASSWORD,
                "password2": PASSWORD,
                "first_name": first_name,
                "last_name": last_name,
                "role": role,
            },
        )
    assert response.status_code == 302
    link = re.search(r"http://\S+/comptes/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    client.post(link.split("testserver")[-1])
    assert (
        client.post(reverse("account_login"), {"login": email, "password": PASSWORD}).status_code
        == 302
    )
    assert User.objects.get(email=email).role == role


def test_the_whole_path_from_a_request_to_the_national_report(
    referential, client_factory, django_capture_on_commit_callbacks
):
    ecole = referential
    capture = django_capture_on_commit_callbacks
    commune = Commune.objects.get(code_insee=ecole.commune_code)
    teacher, volunteer, correspondent, national, academic = (client_factory() for _ in range(5))

    # The teacher signs up, finds the école by its commune, describes the class, requests.
    sign_up(
        teacher,
        capture,
        email="prof@example.test",
        role=Role.TEACHER,
        first_name="Claire",
        last_name="Morel",
    )
    search = teacher.get(reverse("classes:create"), {"q": ecole.commune_name})
    assert ecole.uai in search.content.decode()
    response = teacher.post(
        reverse("classes:create") + f"?ecole={ecole.uai}", {"levels": ["CE2", "CM1"], "pupils": 26}
    )
    school_class = ecole.school_classes.get()
    assert response.url == reverse("classes:request_create", args=[school_class.pk])
    start = date.today() + timedelta(days=10)
    with capture(execute=True):
        teacher.post(
            response.url,
            {
                "theme": "living",
                "period_start": start,
                "period_end": start + timedelta(days=90),
                "form": "in_class",
                "sessions_count": 6,
                "half_days": ["4-pm", "2-am"],
                "accompanists": 1,
                "comment": "Élevage de phasmes",
                "submit": "Envoyer la demande",
            },
        )
    assert mail.outbox[-1].subject == "[ASTEP] Votre demande d'accompagnement est enregistrée"

    # The volunteer signs up and goes through the onboarding steps.
    sign_up(
        volunteer,
        capture,
        email="etudiant@example.test",
        role=Role.VOLUNTEER,
        first_name="Lina",
        last_name="Kerbrat",
    )
    step = lambda name: reverse("volunteers:step", args=[name])  # noqa: E731
    response = volunteer.post(
        step("profil"),
        {
            "birth_date": "2003-04-02",
            "status": "student",
            "organisation": "",
            "commune_text": f"{commune.name} {commune.postcodes.split()[0]}",
        },
    )
    assert response.url == reverse("volunteers:onboarding")
    UserFactory(
        email="ien@example.test",
        role=Role.DEPARTMENTAL_CORRESPONDENT,
        departement=ecole.departement,
    )
    with capture(execute=True):
        volunteer.post(
            step("niveau"),
            {
                "level": "bac+3",
                "field": "physics",
                "diploma": "Licence de physique",
                "proof_kind": "diploma",
                "proof": upload("licence.pdf", pdf_bytes(), "application/pdf"),
            },
        )
    assert mail.outbox[-1].to == ["ien@example.test"]
    volunteer.post(
        step("disponibilites"),
        {
            "half_days": ["4-pm"],
            "free_months": [9, 10, 11, 12, 1, 2, 3, 4, 5, 6],
            "max_distance_km": 15,
            "max_modules": 1,
        },
    )
    response = volunteer.get(reverse("volunteers:onboarding"))
    assert response.url == reverse("volunteers:charter")
    volunteer.post(reverse("volunteers:charter"), {"accept": "on", "full_name": "Lina Kerbrat"})

    # The departmental correspondent validates her level, then proposes her.
    correspondent.login(email="ien@example.test", password="secret-pass-123")
    lina_profile = VolunteerProfile.objects.get(user__email="etudiant@example.test")
    assert "Lina Kerbrat" in correspondent.get(reverse("volunteers:queue")).content.decode()
    with capture(execute=True):
        correspondent.post(
            reverse("volunteers:review", args=[lina_profile.pk]), {"decision": "validate"}
        )
    assert mail.outbox[-1].to == ["etudiant@example.test"]
    assert not VolunteerProfile.objects.get(pk=lina_profile.pk).proof_file

    # The departmental correspondent, given a scope by an administrator, asks for a plan
    # of the whole département: Lina is paired with the class, with the reasons why.
    board = correspondent.get(reverse("matching:board")).content.decode()
    assert ecole.name in board
    accompaniment = school_class.requests.get()
    page = correspondent.get(reverse("matching:request_candidates", args=[accompaniment.pk]))
    assert "Lina Kerbrat" in page.content.decode()
    lina = User.objects.get(email="etudiant@example.test")
    plan_page = correspondent.post(reverse("matching:plan_create"), follow=True)
    assert "Lina Kerbrat" in plan_page.content.decode()
    assert "1 demande servie" in plan_page.content.decode()
    plan = plan_page.context["plan"]
    with capture(execute=True):
        correspondent.post(reverse("matching:plan_send", args=[plan.pk]))
    assert {m.to[0] for m in mail.outbox[-2:]} == {"etudiant@example.test", "prof@example.test"}

    # She accepts, then the teacher: the module is planned with 6 weekly Thursday-afternoon
    # sessions.
    proposal = lina.proposals.get()
    for party in (volunteer, teacher):
        with capture(execute=True):
            party.post(
                reverse("matching:proposal_answer", args=[proposal.pk]), {"answer": "accept"}
            )
    module = Module.objects.get(request=accompaniment)
    sessions = list(module.sessions.all())
    assert len(sessions) == 6 and all(s.date.isoweekday() == 4 for s in sessions)
    assert sessions[0].date >= start
    assert "prof@example.test" in mail.outbox[-1].to

    # National staff open the campaign; the correspondent files the prefilled survey.
    UserFactory(email="dgesco@example.test", role=Role.NATIONAL)
    national.login(email="dgesco@example.test", password="secret-pass-123")
    year = module.school_year
    national.post(
        reverse("surveys:campaigns"),
        {
            "school_year": year,
            "opens_on": date.today(),
            "closes_on": date.today() + timedelta(days=60),
            "sessions_min": 5,
            "sessions_max": 7,
        },
    )
    survey_page = correspondent.get(reverse("surveys:survey")).content.decode()
    assert "Classes accompagnées" in survey_page
    answers = {"training_actions": 2, "training_participants": 31, "conventions_signed": 1}
    correspondent.post(
        reverse("surveys:survey"), {**answers, "perspectives": "Une belle année.", "transmit": "1"}
    )
    survey = DepartementalSurvey.objects.get(departement=ecole.departement)
    assert survey.status == "submitted" and survey.figures["classes"] == 1

    # DGESCO builds and downloads the national report: the class is counted where it belongs.
    with capture(execute=True):
        national.post(reverse("surveys:report_create"), {"school_year": year, "format": "csv"})
    report = national.get(reverse("surveys:reports"))
    download = re.search(r'href="(/enquete/bilans/\d+/telecharger/)"', report.content.decode())
    response = national.get(download.group(1))
    assert response["Content-Type"].startswith("text/csv")
    # The first table of the CSV: its title line, then its headings and rows.
    lines = response.content.decode("utf-8-sig").split("\r\n\r\n")[0]
    rows = list(csv.DictReader(io.StringIO(lines.split("\r\n", 1)[1]), delimiter=";"))
    by_level = {(r["Niveau"], r["Code département"] or r["Code académie"] or "FR"): r for r in rows}
    academie = ecole.departement.academie
    departement_row = by_level[("Département", ecole.departement.code)]
    assert departement_row["Code académie"] == academie.code
    assert departement_row["Classes accompagnées"] == "1"
    assert departement_row["Classes de cycle 2"] == "1"
    assert departement_row["Classes de cycle 3"] == "1"
    assert departement_row["Classes de cycle 3 (définition avant 2016 : CE2-CM2)"] == "1"
    assert departement_row["Classes en REP+"] == "1"
    assert departement_row["Classes en REP"] == "0"
    assert departement_row["Séances prévues ou réalisées"] == "6"
    assert by_level[("Académie", academie.code)]["Classes accompagnées"] == "1"
    assert by_level[("France", "FR")]["Classes accompagnées"] == "1"
    assert by_level[("France", "FR")]["Part en éducation prioritaire (%)"] == "100,0"
    assert len([r for r in rows if r["Niveau"] == "Département"]) == 101

    # The academic correspondent gets the académie's report, not the national one.
    UserFactory(email="ia-ipr@example.test", role=Role.ACADEMIC_CORRESPONDENT, academie=academie)
    academic.login(email="ia-ipr@example.test", password="secret-pass-123")
    assert academic.get(download.group(1)).status_code == 404

"""The home page tells each role what to do next, within its own territory, at a fixed cost."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from astep.accounts.models import Role
from astep.modules.models import Session
from astep.school_year import current_school_year
from astep.volunteers.models import CharterVersion
from matching.models import Proposal
from surveys.models import DepartementalSurvey, SurveyStatus
from tests.factories import (
    EcoleFactory,
    ModuleFactory,
    RequestFactory,
    SchoolClassFactory,
    SessionFactory,
    UserFactory,
    VolunteerProfileFactory,
    departement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def d35():
    return departement("035")


@pytest.fixture
def people(d35):
    return {
        Role.TEACHER: UserFactory(role=Role.TEACHER),
        Role.VOLUNTEER: VolunteerProfileFactory().user,
        Role.DEPARTMENTAL_CORRESPONDENT: UserFactory(
            role=Role.DEPARTMENTAL_CORRESPONDENT, departement=d35
        ),
        Role.ACADEMIC_CORRESPONDENT: UserFactory(
            role=Role.ACADEMIC_CORRESPONDENT, academie=d35.academie
        ),
        Role.NATIONAL: UserFactory(role=Role.NATIONAL),
        Role.SCIENTIFIC_CORRESPONDENT: UserFactory(role=Role.SCIENTIFIC_CORRESPONDENT),
    }


def add_activity(people, d35, count: int) -> None:
    """`count` classes of the teacher in Ille-et-Vilaine, each with a request waiting, a
    proposal to the volunteer and a module with an upcoming session, plus a volunteer whose
    level waits for review."""
    teacher, volunteer = people[Role.TEACHER], people[Role.VOLUNTEER]
    first_day = date.today() + timedelta(days=Session.objects.count() + 1)
    for n in range(count):
        school_class = SchoolClassFactory(teacher=teacher, ecole=EcoleFactory(departement=d35))
        RequestFactory(school_class=school_class)
        Proposal.objects.create(
            request=RequestFactory(school_class=school_class),
            volunteer=volunteer,
            proposed_by=people[Role.DEPARTMENTAL_CORRESPONDENT],
            distance_km=3,
            expires_at=timezone.now() + timedelta(days=7),
        )
        module = ModuleFactory(
            request=RequestFactory(school_class=school_class, status="in_progress"),
            volunteer=volunteer,
        )
        SessionFactory(module=module, date=first_day + timedelta(days=n))
        VolunteerProfileFactory(review_status="pending")


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_teacher_sees_a_draft_to_finish_the_status_of_each_request_and_the_next_session(
    client, people, d35
):
    add_activity(people, d35, 1)
    school_class = SchoolClassFactory(teacher=people[Role.TEACHER], ecole=EcoleFactory())
    RequestFactory(school_class=school_class, status="draft", submitted_at=None)
    page = home(client, people[Role.TEACHER])
    assert "Reprendre le brouillon de demande pour CE2-CM1" in page
    french_month = (
        "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
    )
    assert re.search(rf"modifié le \d+ ({french_month}) à \d\d:\d\d", page)
    assert "Mes demandes " + current_school_year() in page
    assert 'fr-badge--new">Envoyée</span>' in page and 'fr-badge--info">En cours</span>' in page
    assert "1 accompagnateur proposé pour vos classes : à accepter ou décliner" in page
    assert "Prochaines séances" in page and "Aucune séance à venir." not in page


def test_the_volunteer_sees_the_proposals_to_answer_and_the_charter_to_sign_again(
    client, people, d35
):
    add_activity(people, d35, 2)
    CharterVersion.objects.create(
        version="9.0", effective_on=date.today() + timedelta(days=30), text="Nouvelle charte"
    )
    page = home(client, people[Role.VOLUNTEER])
    assert page.count("Proposition à accepter ou décliner : CE2-CM1") == 2
    assert "Nouvelle version de la charte (v9.0) : à signer avant le" in page
    assert "Prochaines séances" in page and "Aucune séance à venir." not in page


def test_the_departmental_correspondent_sees_what_waits_in_the_departement(
    client, people, d35, campaign
):
    add_activity(people, d35, 2)
    DepartementalSurvey.objects.create(campaign=campaign, departement=d35)
    page = home(client, people[Role.DEPARTMENTAL_CORRESPONDENT])
    assert "2 accompagnateurs à valider" in page
    assert "4 demandes à pourvoir : proposer un plan" in page
    assert "2 propositions en attente de réponse" in page
    assert "Enquête annuelle : brouillon" in page


def test_the_academic_correspondent_sees_the_surveys_to_review_and_the_academie_at_a_glance(
    client, people, d35, campaign
):
    add_activity(people, d35, 3)
    DepartementalSurvey.objects.create(
        campaign=campaign, departement=d35, status=SurveyStatus.SUBMITTED
    )
    page = home(client, people[Role.ACADEMIC_CORRESPONDENT])
    assert "1 enquête départementale à examiner" in page
    assert f"L'académie de {d35.academie} en {current_school_year()}" in page
    # Ille-et-Vilaine: 9 requests sent (6 waiting, 3 of them proposed; 3 in progress), 3 modules.
    assert f'<th scope="row">{d35}</th><td>9</td><td>6</td><td>3</td>' in page
    assert "Transmise</span>" in page


def test_an_academic_correspondent_of_another_academie_sees_none_of_it(
    client, people, d35, campaign
):
    add_activity(people, d35, 2)
    DepartementalSurvey.objects.create(
        campaign=campaign, departement=d35, status=SurveyStatus.SUBMITTED
    )
    elsewhere = departement("075")
    page = home(client, UserFactory(role=Role.ACADEMIC_CORRESPONDENT, academie=elsewhere.academie))
    assert str(d35) not in page
    assert f'<th scope="row">{elsewhere}</th><td>0</td><td>0</td><td>0</td>' in page


def test_national_staff_see_the_campaign_cockpit_and_the_reports(client, people, d35, campaign):
    DepartementalSurvey.objects.create(
        campaign=campaign, departement=d35, status=SurveyStatus.VALIDATED
    )
    page = home(client, people[Role.NATIONAL])
    assert f"Campagne {campaign.school_year} ouverte jusqu" in page
    assert "enquêtes à examiner : 0 ; validées : 1 sur 101 départements" in page
    assert reverse("surveys:campaign_cockpit", args=[campaign.pk]) in page
    assert re.search("Bilans : 0 prêts? à télécharger", page)


def test_national_staff_without_a_campaign_are_asked_to_open_it(client, people):
    page = home(client, people[Role.NATIONAL])
    assert f"Ouvrir la campagne {current_school_year()}" in page


ROLES = [
    Role.TEACHER,
    Role.VOLUNTEER,
    Role.DEPARTMENTAL_CORRESPONDENT,
    Role.ACADEMIC_CORRESPONDENT,
    Role.NATIONAL,
    Role.SCIENTIFIC_CORRESPONDENT,
]


@pytest.mark.parametrize("role", ROLES)
def test_the_home_page_costs_the_same_with_1_and_20_classes(
    client, people, d35, campaign, role, django_assert_max_num_queries
):
    DepartementalSurvey.objects.create(campaign=campaign, departement=d35)
    client.force_login(people[role])
    add_activity(people, d35, 1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("home")).status_code == 200
    add_activity(people, d35, 19)
    with django_assert_max_num_queries(len(small)):
        assert client.get(reverse("home")).status_code == 200
    assert len(small) <= 15

"""List pages cost the same number of queries with 1 module as with 50, and the other
pages of the load test's mix the same with few rows as with many."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from astep.accounts.models import Role
from astep.modules.models import Module, SessionConfirmation
from astep.school_year import current_school_year
from astep.territory.models import Circonscription
from matching.models import Proposal
from surveys.models import Campaign
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

BUDGET = 12


@pytest.fixture
def people(db):
    d35 = departement("035")
    circo = Circonscription.objects.create(departement=d35, name="Rennes Nord")
    return {
        "circo": circo,
        "days": 0,
        Role.TEACHER: UserFactory(role=Role.TEACHER),
        Role.VOLUNTEER: VolunteerProfileFactory().user,
        Role.DEPARTMENTAL_CORRESPONDENT: UserFactory(
            role=Role.DEPARTMENTAL_CORRESPONDENT, departement=d35
        ),
        Role.ACADEMIC_CORRESPONDENT: UserFactory(
            role=Role.ACADEMIC_CORRESPONDENT, academie=d35.academie
        ),
        Role.CIRCONSCRIPTION_INSPECTOR: UserFactory(
            role=Role.CIRCONSCRIPTION_INSPECTOR, circonscription=circo
        ),
        Role.NATIONAL: UserFactory(role=Role.NATIONAL),
    }


def add_modules(people, count):
    """`count` classes, each with an open request and a module of 3 sessions, one held.

    Every module is run by a binôme: the volunteer with another one, first or second in
    turn, so that the pages name two accompanists and the volunteer sees both kinds."""
    teacher, volunteer = people[Role.TEACHER], people[Role.VOLUNTEER]
    for _ in range(count):
        school_class = SchoolClassFactory(
            teacher=teacher,
            ecole=EcoleFactory(circonscription=people["circo"], education_prioritaire="REP"),
        )
        RequestFactory(school_class=school_class)
        pair = [volunteer, UserFactory(role=Role.VOLUNTEER)]
        if people["days"] % 2:
            pair.reverse()
        module = ModuleFactory(
            request=RequestFactory(school_class=school_class, status="in_progress"),
            volunteer=pair[0],
            co_volunteer=pair[1],
        )
        for _ in range(3):  # one day each: the volunteer cannot be in two places at once
            people["days"] += 1
            session = SessionFactory(
                module=module, date=date.today() + timedelta(days=people["days"])
            )
        SessionConfirmation.objects.create(session=session, user=teacher)


def queries(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


# The matching board has its own budget test (tests/matching/test_board.py): 10 vs 500 requests.
PAGES = [
    ("home", Role.TEACHER),
    ("home", Role.VOLUNTEER),
    ("home", Role.DEPARTMENTAL_CORRESPONDENT),
    ("classes:list", Role.TEACHER),
    ("classes:request_list", Role.DEPARTMENTAL_CORRESPONDENT),
    ("classes:request_list", Role.NATIONAL),
    ("modules:list", Role.TEACHER),
    ("modules:list", Role.VOLUNTEER),
    ("modules:list", Role.DEPARTMENTAL_CORRESPONDENT),
    ("modules:list", Role.ACADEMIC_CORRESPONDENT),
    ("modules:list", Role.CIRCONSCRIPTION_INSPECTOR),
    ("modules:list", Role.NATIONAL),
    ("modules:agenda", Role.TEACHER),
    ("modules:agenda", Role.VOLUNTEER),
    ("surveys:reports", Role.NATIONAL),
]


@pytest.mark.parametrize(("page", "role"), PAGES, ids=[f"{p}-{r}" for p, r in PAGES])
def test_a_list_page_costs_the_same_with_1_and_50_modules(client, people, page, role):
    client.force_login(people[role])
    add_modules(people, 1)
    client.get(reverse(page))  # first visits create rows (the agenda's private feed)
    with_one = queries(client, reverse(page))
    add_modules(people, 49)
    assert queries(client, reverse(page)) == with_one <= BUDGET


def test_a_module_page_costs_the_same_with_1_and_7_sessions(client, people):
    add_modules(people, 1)
    module = Module.objects.for_user(people[Role.VOLUNTEER]).get()
    client.force_login(people[Role.VOLUNTEER])
    address = reverse("modules:detail", args=[module.pk])
    with_three = queries(client, address)
    for week in range(4):
        SessionFactory(module=module, date=date(2027, 4, 1) + timedelta(weeks=week))
    assert queries(client, address) == with_three <= BUDGET


# The pages of the load test's mix (benchmarks/load/locustfile.py) that the lists above and
# the apps' own budget tests (board, plan, cockpit, survey list, reports) leave out.
@pytest.fixture
def campaign(db):
    today = date.today()
    return Campaign.objects.create(
        school_year=current_school_year(), opens_on=today, closes_on=today + timedelta(days=60)
    )


def add_proposals(people, count):
    """`count` pending proposals to the volunteer, each on a request of another class of
    the teacher."""
    for _ in range(count):
        school_class = SchoolClassFactory(
            teacher=people[Role.TEACHER], ecole=EcoleFactory(circonscription=people["circo"])
        )
        Proposal.objects.create(
            request=RequestFactory(school_class=school_class, status="proposed"),
            volunteer=people[Role.VOLUNTEER],
            proposed_by=people[Role.DEPARTMENTAL_CORRESPONDENT],
            distance_km=12.5,
        )


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.TEACHER])
def test_the_proposals_page_costs_the_same_with_1_and_30_proposals(client, people, role):
    client.force_login(people[role])
    add_proposals(people, 1)
    with_one = queries(client, reverse("matching:proposals"))
    add_proposals(people, 29)
    assert queries(client, reverse("matching:proposals")) == with_one <= BUDGET


def test_the_teachers_requests_cost_the_same_with_1_and_30_proposals(client, people):
    client.force_login(people[Role.TEACHER])
    add_proposals(people, 1)
    with_one = queries(client, reverse("classes:request_list"))
    add_proposals(people, 29)
    assert queries(client, reverse("classes:request_list")) == with_one <= BUDGET


def test_the_request_form_costs_the_same_with_1_and_20_requests_of_the_class(client, people):
    client.force_login(people[Role.TEACHER])
    school_class = SchoolClassFactory(teacher=people[Role.TEACHER])
    address = reverse("classes:request_create", args=[school_class.pk])
    RequestFactory(school_class=school_class)
    with_one = queries(client, address)
    for _ in range(19):
        RequestFactory(school_class=school_class, status="cancelled")
    assert queries(client, address) == with_one <= BUDGET


SURVEY_BUDGET = 20


def test_the_survey_costs_the_same_with_1_and_30_modules_in_the_departement(
    client, people, campaign
):
    client.force_login(people[Role.DEPARTMENTAL_CORRESPONDENT])
    add_modules(people, 1)
    client.get(reverse("surveys:survey"))  # the first visit opens the survey
    with_one = queries(client, reverse("surveys:survey"))
    add_modules(people, 29)
    client.get(reverse("surveys:survey"))  # the figures changed: this visit writes them
    # Its figures are aggregates of the département's rows, a query each (surveys.figures).
    assert queries(client, reverse("surveys:survey")) == with_one <= SURVEY_BUDGET

"""The correspondent's board and plans: waiting requests and available volunteers side by
side, the plan's pairs and unserved requests explained, pairs locked, excluded or released,
each correspondent kept to their own département, and pages whose cost does not grow."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from astep.accounts.models import Role
from astep.classes.models import AccompanimentRequest
from astep.volunteers.models import VolunteerProfile
from matching.models import PairChoice, Plan
from matching.plans import plan_compute
from tests.factories import (
    CommuneFactory,
    ModuleFactory,
    RequestFactory,
    SchoolClassFactory,
    UserFactory,
    VolunteerProfileFactory,
    departement,
)
from tests.matching.conftest import request_at, volunteer_at

pytestmark = pytest.mark.django_db

BUDGET = 30


def ecole_named(name: str, km_north: float = 0, **fields):
    """A waiting request of the école `name`, `km_north` km north of the reference école."""
    request = request_at(km_north, **fields)
    ecole = request.school_class.ecole
    ecole.name = name
    ecole.save(update_fields=["name"])
    return request


def volunteer(first_name: str, last_name: str, km_north: float, **fields):
    return volunteer_at(km_north, user__first_name=first_name, user__last_name=last_name, **fields)


def rows(page: str) -> list[str]:
    """The text of each table row of `page`, tags stripped and spaces collapsed."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)
    ]


def row_of(page: str, text: str) -> str:
    (row,) = [r for r in rows(page) if text in r]
    return row


def pairs_of(plan: Plan) -> list[tuple[int, int]]:
    return sorted((p["request"], p["volunteer"]) for p in plan.pairs)


def compute(correspondent) -> Plan:
    return plan_compute(
        departement=correspondent.departement, by=correspondent, today=timezone.localdate()
    )


def latest_plan() -> Plan:
    return Plan.objects.order_by("pk").last()


@pytest.fixture
def browser(client, correspondent):
    client.force_login(correspondent)
    return client


# The board


def test_a_request_on_the_second_page_shows_its_candidates_like_one_on_the_first(browser):
    for number in range(26):  # PAGE_SIZE is 25: the newest goes to page 2
        ecole_named(f"École n° {number:02d}", 0 if number in (0, 25) else 100)
    volunteer("Ada", "Martin", 2)

    first = browser.get(reverse("matching:board")).content.decode()
    second = browser.get(reverse("matching:board"), {"page": 2}).content.decode()

    assert "1 le plus proche à 2,0 km" in row_of(first, "École n° 00")
    assert "aucun" in row_of(first, "École n° 24")
    assert "1 le plus proche à 2,0 km" in row_of(second, "École n° 25")


def test_the_board_lists_the_waiting_requests_with_their_candidates_and_the_volunteers_left(
    browser,
):
    ecole_named("École des Lilas", 0)
    ecole_named("École des Landes", 100)  # nobody lives within reach
    ecole_named("École des Pins", 0, status="proposed")
    ecole_named("École du Brouillon", 0, status="draft")
    ecole_named("École déjà servie", 0, status="matched")
    RequestFactory(
        school_class=SchoolClassFactory(
            ecole__name="École de Lannion", ecole__departement=departement("022")
        )
    )
    ada = volunteer("Ada", "Martin", 2, max_modules=2)
    ModuleFactory(volunteer=ada)
    volunteer("Léo", "Petit", 5)
    zoe = volunteer("Zoé", "Bernard", 3)
    ModuleFactory(volunteer=zoe)
    volunteer("Paul", "Sans-Charte", 1, signed=False)
    VolunteerProfileFactory(
        user__first_name="Yann",
        user__last_name="Le Goff",
        commune=CommuneFactory(departement=departement("022"), latitude=48.51, longitude=-2.76),
    )

    page = browser.get(reverse("matching:board")).content.decode()

    assert "3 demandes, de la plus ancienne à la plus récente" in page
    assert "Jeudi après-midi 2 le plus proche à 2,0 km Envoyée" in row_of(page, "École des Lilas")
    assert "Jeudi après-midi aucun Envoyée" in row_of(page, "École des Landes")
    assert "— Accompagnateur proposé" in row_of(page, "École des Pins")
    for absent in ("École du Brouillon", "École déjà servie", "École de Lannion"):
        assert absent not in page
    assert "3 accompagnateurs du département (charte signée, niveau validé)" in page
    assert row_of(page, "Ada Martin").endswith(" 1")
    assert row_of(page, "Léo Petit").endswith(" 1")
    assert row_of(page, "Zoé Bernard").endswith(" complet")
    assert "Sans-Charte" not in page
    assert "Le Goff" not in page


def test_the_board_filters_requests_by_education_prioritaire_and_volunteers_by_half_day(browser):
    ecole_named("École Jean Macé", ep="REP")
    ecole_named("École Anne Frank", ep="REP+")
    ecole_named("École Jules Ferry")
    volunteer("Ada", "Martin", 2, half_days=["2-am", "4-pm"])
    volunteer("Léo", "Petit", 5, half_days=["4-pm"])

    rep = browser.get(reverse("matching:board"), {"education_prioritaire": "REP"})
    page = rep.content.decode()
    assert "1 demande, de la plus ancienne" in page
    assert "École Jean Macé" in page
    assert "École Anne Frank" not in page and "École Jules Ferry" not in page
    assert "Ada Martin" in page and "Léo Petit" in page

    tuesday = browser.get(reverse("matching:board"), {"v-half_day": "2-am"}).content.decode()
    assert "1 accompagnateur du département" in tuesday
    assert "Ada Martin" in tuesday and "Léo Petit" not in tuesday
    assert "3 demandes" in tuesday


def test_a_teacher_may_not_see_the_board(client):
    client.force_login(UserFactory(role=Role.TEACHER))
    assert client.get(reverse("matching:board")).status_code == 403


# Plans


def test_the_plan_page_explains_each_pair_and_each_request_left_unserved(browser):
    ecole_named("École des Lilas", 0, half_days=["4-pm"])
    ecole_named("École des Mimosas", 30, half_days=["4-pm"])
    volunteer("Ada", "Martin", 2)

    response = browser.post(reverse("matching:plan_create"), follow=True)
    page = response.content.decode()

    assert response.redirect_chain == [(reverse("matching:plan", args=[latest_plan().pk]), 302)]
    assert "1 demande servie" in page and "1 non servie" in page
    served = row_of(page, "Ada Martin")
    assert "École des Lilas" in served
    assert "2,0 km, dans sa limite de 20 km" in served
    assert "En commun : Jeudi après-midi" in served
    unserved = row_of(page, "École des Mimosas")
    assert "1 accompagnateur à 28,0–28,0 km, au-delà de leur limite." in unserved
    assert (
        "1 accompagnateur à 28–28 km accepterait un module à distance ou un trajet un peu plus long."
        in unserved
    )
    assert f'action="{reverse("matching:plan_send", args=[latest_plan().pk])}"' in page


def test_an_excluded_pair_is_left_out_of_the_recomputed_plan(browser, correspondent):
    lilas = ecole_named("École des Lilas", 0)
    ada = volunteer("Ada", "Martin", 2)
    leo = volunteer("Léo", "Petit", 5)
    plan = compute(correspondent)
    assert pairs_of(plan) == [(lilas.pk, ada.pk)]

    response = browser.post(
        reverse("matching:pair_choice", args=[plan.pk]),
        {"request": lilas.pk, "volunteer": ada.pk, "action": "exclude", "reason": "Conflit"},
    )

    new = latest_plan()
    assert new.pk != plan.pk
    assert response.url == reverse("matching:plan", args=[new.pk])
    assert pairs_of(new) == [(lilas.pk, leo.pk)]
    page = browser.get(response.url).content.decode()
    assert "Paire écartée ; le plan est recalculé : 1 demande servie." in page
    assert "Ada Martin" not in page
    assert pairs_of(compute(correspondent)) == [(lilas.pk, leo.pk)]  # for good


def test_a_locked_pair_stays_in_the_plan_until_released(browser, correspondent):
    lilas = ecole_named("École des Lilas", 0)
    ada = volunteer("Ada", "Martin", 2)
    leo = volunteer("Léo", "Petit", 5)
    plan = compute(correspondent)
    choose = {"request": lilas.pk, "volunteer": leo.pk}

    locked = browser.post(
        reverse("matching:pair_choice", args=[plan.pk]), {**choose, "action": "lock"}, follow=True
    )

    with_lock = latest_plan()
    assert locked.redirect_chain == [(reverse("matching:plan", args=[with_lock.pk]), 302)]
    assert pairs_of(with_lock) == [(lilas.pk, leo.pk)]  # though Ada lives nearer
    row = row_of(locked.content.decode(), "Léo Petit")
    assert "verrouillée" in row and "Paire verrouillée par le correspondant" in row
    assert "Libérer Léo Petit" in row

    released = browser.post(
        reverse("matching:pair_choice", args=[with_lock.pk]), {**choose, "action": "release"}
    )

    assert released.url == reverse("matching:plan", args=[latest_plan().pk])
    assert pairs_of(latest_plan()) == [(lilas.pk, ada.pk)]
    assert not PairChoice.objects.exists()


def test_a_correspondent_of_another_departement_cannot_reach_our_plan_or_our_requests(
    client, correspondent
):
    lilas = ecole_named("École des Lilas", 0)
    ada = volunteer("Ada", "Martin", 2)
    ours = compute(correspondent)
    other = UserFactory(role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("022"))
    theirs = compute(other)
    client.force_login(other)
    choice = {"request": lilas.pk, "volunteer": ada.pk, "action": "exclude"}

    assert client.get(reverse("matching:plan", args=[ours.pk])).status_code == 404
    assert client.post(reverse("matching:pair_choice", args=[ours.pk]), choice).status_code == 404
    assert client.post(reverse("matching:pair_choice", args=[theirs.pk]), choice).status_code == 404
    assert client.post(reverse("matching:plan_send", args=[ours.pk])).status_code == 404
    assert not PairChoice.objects.exists()
    assert Plan.objects.count() == 2
    assert "École des Lilas" not in client.get(reverse("matching:board")).content.decode()


def test_a_pair_choice_with_a_malformed_id_or_action_is_not_found(browser, correspondent):
    lilas = ecole_named("École des Lilas", 0)
    ada = volunteer("Ada", "Martin", 2)
    plan = compute(correspondent)
    browser.raise_request_exception = False
    address = reverse("matching:pair_choice", args=[plan.pk])

    for posted in (
        {"request": "12abc", "volunteer": ada.pk, "action": "lock"},
        {"request": lilas.pk, "volunteer": "x", "action": "lock"},
        {"request": lilas.pk, "volunteer": ada.pk, "action": "destroy"},
    ):
        assert browser.post(address, posted).status_code == 404
    assert not PairChoice.objects.exists()


# Query budgets


def queries(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def add_requests(count: int) -> None:
    """`count` waiting requests of four classes at 0 to 9 km from the reference école."""
    classes = [request_at(3 * n).school_class for n in range(4)]
    start = timezone.localdate() + timedelta(days=14)
    AccompanimentRequest.objects.bulk_create(
        AccompanimentRequest(
            school_class=classes[n % 4],
            theme="living",
            period_start=start,
            period_end=start + timedelta(days=100),
            half_days=["4-pm"],
            status="submitted",
            submitted_at=timezone.now(),
        )
        for n in range(count - len(classes))
    )


def add_volunteers(count: int) -> None:
    for n in range(count):
        volunteer("Bénévole", f"N{n}", n % 10, max_modules=1 + n % 3)


def test_the_board_costs_the_same_with_10_and_500_requests_and_5_and_60_volunteers(browser):
    add_requests(10)
    add_volunteers(4)
    ModuleFactory(volunteer=volunteer("Ada", "Martin", 1, max_modules=2))  # one module left
    address = reverse("matching:board")
    small = queries(browser, address)

    add_requests(490)
    add_volunteers(55)

    assert AccompanimentRequest.objects.filter(status="submitted").count() == 500
    assert VolunteerProfile.objects.count() == 60
    assert queries(browser, address) == small <= BUDGET


def test_the_plan_page_costs_the_same_with_3_and_40_pairs(browser, correspondent):
    def add_pairs(count: int) -> None:
        for n in range(count):
            request_at(n % 5, ep="REP" if n % 2 else "")
            volunteer("Bénévole", f"N{n}", n % 5 + 1)
        request_at(200)  # and one request nobody reaches

    add_pairs(3)
    small = compute(correspondent)
    assert len(small.pairs) == 3
    with_3 = queries(browser, reverse("matching:plan", args=[small.pk]))

    add_pairs(37)
    large = compute(correspondent)

    assert len(large.pairs) == 40 and len(large.unserved) == 2
    assert queries(browser, reverse("matching:plan", args=[large.pk])) == with_3 <= BUDGET

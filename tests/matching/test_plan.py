"""Plans of a département: optimal where greedy is not, locks, exclusions, declines, reasons."""

from datetime import date

import pytest
from django.utils import timezone

from matching.models import PairChoice, Proposal
from matching.plans import plan_compute
from matching.services import pair_choose
from tests.factories import departement
from tests.matching.conftest import request_at, volunteer_at

pytestmark = pytest.mark.django_db


def plan(correspondent):
    return plan_compute(departement=departement("035"), by=correspondent, today=date.today())


def paired(result) -> set:
    return {(p["request"], p["volunteer"]) for p in result.pairs}


def test_the_plan_serves_the_school_a_nearest_first_pairing_would_leave_out(correspondent):
    # Anna lives 2 km from A and 9 km from B; Bruno lives 14 km from A and 30 from B (beyond
    # his 20 km). Nearest first gives Anna to A and leaves B; the plan gives A to Bruno.
    a = request_at(0)
    b = request_at(-11)  # 11 km south of A
    anna = volunteer_at(-2, max_distance_km=10)
    bruno = volunteer_at(14, max_distance_km=20)

    result = plan(correspondent)

    assert paired(result) == {(a.pk, bruno.pk), (b.pk, anna.pk)}
    assert result.served == 2 and result.unserved == []
    assert result.total_km == pytest.approx(14 + 9, abs=0.2)


def test_a_rep_plus_ecole_is_served_before_an_older_request(correspondent):
    old = request_at(0, submitted_at=timezone.now() - timezone.timedelta(days=120))
    rep_plus = request_at(1, ep="REP+")
    volunteer = volunteer_at(3)

    result = plan(correspondent)

    assert paired(result) == {(rep_plus.pk, volunteer.pk)}
    assert [u["request"] for u in result.unserved] == [old.pk]
    assert "Priorité REP+" in result.pairs[0]["why"]


def test_a_binome_is_served_by_two_or_left_whole(correspondent):
    binome = request_at(0, accompanists=2)
    first = volunteer_at(3)
    assert plan(correspondent).served == 0
    assert (
        "Binôme demandé : un seul accompagnateur possible."
        in plan(correspondent).unserved[0]["why"]
    )

    second = volunteer_at(5)
    assert paired(plan(correspondent)) == {(binome.pk, first.pk), (binome.pk, second.pk)}


def test_a_locked_pair_stays_though_another_plan_would_be_shorter(correspondent):
    request = request_at(0)
    near, far = volunteer_at(2), volunteer_at(15)
    assert paired(plan(correspondent)) == {(request.pk, near.pk)}

    pair_choose(request=request, volunteer=far, kind="locked", by=correspondent)
    result = plan(correspondent)

    assert paired(result) == {(request.pk, far.pk)}
    assert result.pairs[0]["locked"] is True
    pair_choose(request=request, volunteer=far, kind=None, by=correspondent)
    assert paired(plan(correspondent)) == {(request.pk, near.pk)}


def test_a_locked_pair_no_longer_allowed_is_dropped_with_a_warning(correspondent):
    request = request_at(0)
    volunteer = volunteer_at(2)
    pair_choose(request=request, volunteer=volunteer, kind="locked", by=correspondent)
    volunteer.volunteer_profile.half_days = ["1-am"]
    volunteer.volunteer_profile.save()

    result = plan(correspondent)

    assert result.pairs == []
    assert result.warnings == [
        f"Paire verrouillée non retenue pour {request.school_class.ecole.name} : "
        "aucune demi-journée en commun."
    ]


def test_an_excluded_pair_leaves_room_for_the_next_best(correspondent):
    request = request_at(0)
    near, far = volunteer_at(2), volunteer_at(15)
    pair_choose(
        request=request, volunteer=near, kind="excluded", by=correspondent, reason="Conflit"
    )

    assert paired(plan(correspondent)) == {(request.pk, far.pk)}
    assert PairChoice.objects.get().reason == "Conflit"


def test_a_declined_pair_is_never_planned_again(correspondent):
    request = request_at(0)
    near, far = volunteer_at(2), volunteer_at(15)
    Proposal.objects.create(
        request=request, volunteer=near, proposed_by=correspondent, distance_km=2, status="declined"
    )
    assert paired(plan(correspondent)) == {(request.pk, far.pk)}


def test_the_capacity_counts_the_pending_proposals(correspondent):
    waiting = request_at(0, status="proposed")
    Proposal.objects.create(
        request=waiting,
        volunteer=(busy := volunteer_at(1)),
        proposed_by=correspondent,
        distance_km=1,
    )
    request_at(2)
    result = plan(correspondent)
    assert result.pairs == [] and busy.volunteer_profile.max_modules == 1
    assert (
        "Un module de plus accepté par l'un d'eux servirait la demande."
        in result.unserved[0]["unblock"]
    )


def test_an_unserved_request_says_which_volunteers_just_beyond_reach_would_serve_it(
    correspondent,
):
    request_at(0)
    volunteer_at(26, max_distance_km=20)
    volunteer_at(29, max_distance_km=25)

    (unserved,) = plan(correspondent).unserved

    assert "2 accompagnateurs à 26,0–29,0 km, au-delà de leur limite." in unserved["why"]
    assert (
        "2 accompagnateurs à 26–29 km accepteraient un module à distance ou un trajet un peu "
        "plus long." in unserved["unblock"]
    )


def test_an_unserved_request_names_the_half_day_and_the_month_that_would_unblock_it(
    correspondent,
):
    request_at(0, half_days=["1-am"])
    volunteer_at(3, half_days=["2-pm", "4-pm"])
    volunteer_at(4, half_days=["2-pm"])

    (unserved,) = plan(correspondent).unserved

    assert "2 accompagnateurs à portée, libres d'autres demi-journées." in unserved["why"]
    assert (
        "Ajouter « mardi après-midi » à la demande en rendrait 2 possibles." in unserved["unblock"]
    )


def test_a_request_whose_candidates_serve_others_says_so(correspondent):
    request_at(0, ep="REP")
    other = request_at(0.5)
    anna = volunteer_at(1)

    result = plan(correspondent)

    (unserved,) = result.unserved
    assert unserved["request"] == other.pk
    assert any("sont retenus pour des demandes prioritaires" in line for line in unserved["why"])
    assert f"Un module de plus pour {anna} (0,5 km) servirait cette demande." in unserved["unblock"]


def test_nobody_near_says_so_and_suggests_the_partners(correspondent):
    request_at(0)
    (unserved,) = plan(correspondent).unserved
    assert unserved["why"] == ["Aucun accompagnateur disponible à portée de l'école."]

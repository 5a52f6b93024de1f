"""The solver on small hand-made instances (no database): optimal where greedy is not."""

import random

import pytest

from matching.solver import (
    Arc,
    Demand,
    Objective,
    Supply,
    request_priority,
    solve,
    solve_exact,
    solve_greedy,
)


def test_the_plan_serves_the_school_greedy_leaves_out():
    # Anna is nearest to A, but A can also be served by Bruno; only Anna reaches B.
    demands = [Demand(1), Demand(2)]
    supplies = [Supply(10), Supply(20)]
    arcs = [Arc(1, 10, decikm=30), Arc(2, 10, decikm=80), Arc(1, 20, decikm=150)]

    greedy = solve_greedy(demands, supplies, arcs)
    plan = solve(demands, supplies, arcs)

    assert sorted(greedy.pairs) == [(1, 10)]
    assert sorted(plan.pairs) == [(1, 20), (2, 10)]
    assert plan.objective.served == 2 and plan.objective.km == 23.0


def test_among_plans_serving_as_many_it_travels_the_least():
    demands = [Demand(1), Demand(2)]
    supplies = [Supply(10), Supply(20)]
    arcs = [Arc(1, 10, 10), Arc(1, 20, 100), Arc(2, 10, 100), Arc(2, 20, 300)]

    assert sorted(solve(demands, supplies, arcs).pairs) == [(1, 20), (2, 10)]  # 20 km, not 31


def test_rep_plus_comes_before_a_request_waiting_longer_elsewhere():
    rep_plus = request_priority(education_prioritaire="REP+", waiting_days=0)
    waiting = request_priority(education_prioritaire="", waiting_days=300)
    rep = request_priority(education_prioritaire="REP", waiting_days=14)
    assert rep_plus > rep > waiting
    demands = [Demand(1, priority=waiting), Demand(2, priority=rep_plus)]
    plan = solve(demands, [Supply(10)], [Arc(1, 10, 10), Arc(2, 10, 200)])
    assert plan.pairs == [(2, 10)]


def test_serving_more_requests_beats_priority():
    # A REP+ binôme would take both volunteers; two ordinary requests are served instead.
    demands = [Demand(1, need=2, priority=250), Demand(2), Demand(3)]
    supplies = [Supply(10), Supply(20)]
    arcs = [Arc(1, 10, 10), Arc(1, 20, 10), Arc(2, 10, 10), Arc(3, 20, 10)]
    plan = solve(demands, supplies, arcs)
    assert sorted(plan.served) == [2, 3]


def test_preferences_break_a_tie_of_distance():
    demands = [Demand(1)]
    arcs = [Arc(1, 10, 50, preference=0), Arc(1, 20, 50, preference=2)]
    assert solve(demands, [Supply(10), Supply(20)], arcs).pairs == [(1, 20)]


def test_a_binome_gets_two_accompanists_or_none():
    demands = [Demand(1, need=2, priority=200), Demand(2)]
    supplies = [Supply(10), Supply(20)]
    # Only one volunteer reaches the binôme: serving it half is not serving it.
    arcs = [Arc(1, 10, 10), Arc(2, 10, 50)]
    plan = solve(demands, supplies, arcs)
    assert plan.pairs == [(2, 10)]
    # With two, it is served by both.
    plan = solve(demands, supplies, [*arcs, Arc(1, 20, 10)])
    assert sorted(plan.pairs) == [(1, 10), (1, 20)]
    assert plan.objective.served == 1  # the single request then has nobody left


def test_a_volunteer_takes_no_more_modules_than_their_capacity():
    demands = [Demand(1), Demand(2), Demand(3)]
    arcs = [Arc(d, 10, 10) for d in (1, 2, 3)]
    assert len(solve(demands, [Supply(10, capacity=2)], arcs).pairs) == 2
    assert solve(demands, [Supply(10, capacity=0)], arcs).pairs == []


@pytest.mark.parametrize("seed", range(12))
def test_the_plan_is_as_good_as_the_exact_solver_and_never_worse_than_greedy(seed):
    rng = random.Random(seed)
    demands = [
        Demand(d, need=2 if rng.random() < 0.2 else 1, priority=rng.choice([0, 3, 104, 230]))
        for d in range(40)
    ]
    supplies = [Supply(100 + s, capacity=rng.randint(1, 2)) for s in range(35)]
    arcs = [
        Arc(d.id, s.id, rng.randint(5, 300), rng.randint(0, 2))
        for d in demands
        for s in supplies
        if rng.random() < 0.08
    ]
    plan = solve(demands, supplies, arcs)
    assert plan.objective == solve_exact(demands, supplies, arcs).objective
    assert plan.objective >= solve_greedy(demands, supplies, arcs).objective
    assert plan.objective > Objective()

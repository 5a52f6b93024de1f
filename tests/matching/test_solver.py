"""The solver on small hand-made instances (no database): optimal where greedy is not."""

import random
from collections import Counter

import pytest

from matching.solver import (
    Arc,
    Demand,
    Objective,
    Supply,
    bound,
    branch,
    exact,
    region,
    request_priority,
    solve,
    solve_exact,
    solve_greedy,
)
from matching.solver.network import Network, weights
from matching.solver.parts import components, without_lone_binomes


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


def test_a_rep_plus_binome_takes_a_volunteer_from_an_ordinary_request():
    # The flow alone would give the binôme Anna and leave Bruno to request 2: half a binôme.
    # Serving either request is one request served; the REP+ binôme has the higher priority.
    demands = [Demand(1, need=2, priority=230), Demand(2, priority=0)]
    supplies = [Supply(10), Supply(20)]
    arcs = [Arc(1, 10, 60), Arc(1, 20, 70), Arc(2, 20, 20)]

    plan = solve(demands, supplies, arcs)

    assert sorted(plan.pairs) == [(1, 10), (1, 20)]
    assert plan.methods == {"flow": 1}  # proven optimal without the integer program


def test_three_binomes_competing_for_two_volunteers_get_the_right_one_served():
    # Every binôme is reachable by both volunteers; only one can be served, the REP one
    # with the shortest trips (binôme 5: 3 + 3 km, binôme 4: 8 + 1 km).
    demands = [Demand(3, 2, 3), Demand(4, 2, 104), Demand(5, 2, 104), Demand(6), Demand(8, 1, 104)]
    supplies = [Supply(10, capacity=2), Supply(20)]
    arcs = [
        *(Arc(3, 10, 80), Arc(3, 20, 50), Arc(4, 10, 80), Arc(4, 20, 10)),
        *(Arc(5, 10, 30), Arc(5, 20, 30), Arc(6, 20, 40), Arc(8, 20, 90)),
    ]

    plan = solve(demands, supplies, arcs)

    assert sorted(plan.pairs) == [(5, 10), (5, 20)]
    assert plan.objective == solve_exact(demands, supplies, arcs).objective
    assert plan.methods == {"region": 1}  # the root's bounds leave it open, its region closes it


def test_past_the_branch_limit_the_integer_program_gives_the_same_plan(monkeypatch):
    demands = [Demand(3, 2, 3), Demand(4, 2, 104), Demand(5, 2, 104), Demand(6), Demand(8, 1, 104)]
    supplies = [Supply(10, capacity=2), Supply(20)]
    arcs = [
        *(Arc(3, 10, 80), Arc(3, 20, 50), Arc(4, 10, 80), Arc(4, 20, 10)),
        *(Arc(5, 10, 30), Arc(5, 20, 30), Arc(6, 20, 40), Arc(8, 20, 90)),
    ]
    monkeypatch.setattr(branch, "BRANCH_LIMIT", 2)  # the root flow and its repair
    monkeypatch.setattr(branch, "settle", lambda *_: None)  # the region would settle it

    plan = solve(demands, supplies, arcs)

    assert plan.methods == {"milp": 1}
    assert sorted(plan.pairs) == [(5, 10), (5, 20)]


def test_a_binome_with_a_single_candidate_is_left_out_before_solving():
    # Binôme 1 (REP+) has Anna only: she goes to binôme 2, waiting longer than request 3.
    demands = [Demand(1, need=2, priority=230), Demand(2, need=2, priority=3), Demand(3)]
    arcs = [Arc(1, 10, 10), Arc(2, 10, 30), Arc(2, 20, 30), Arc(3, 20, 50)]

    kept = without_lone_binomes(demands, arcs)

    assert kept == arcs[1:]
    plan = solve(demands, [Supply(10), Supply(20)], arcs)
    assert sorted(plan.pairs) == [(2, 10), (2, 20)]


def _random_instance(rng):
    """Up to 30 requests (binômes 20 to 80 % of them) and 30 volunteers, sparse arcs."""
    binomes = rng.choice([0.2, 0.5, 0.8])
    demands = [
        Demand(d, need=2 if rng.random() < binomes else 1, priority=rng.choice([0, 3, 104, 230]))
        for d in range(rng.randint(3, 30))
    ]
    supplies = [Supply(100 + s, capacity=rng.randint(1, 3)) for s in range(rng.randint(3, 30))]
    density = rng.choice([0.05, 0.1, 0.2])
    arcs = [
        Arc(d.id, s.id, rng.randint(0, 60), rng.randint(0, 2))
        for d in demands
        for s in supplies
        if rng.random() < density
    ]
    return demands, supplies, arcs


def test_on_200_random_instances_with_binomes_the_plan_is_optimal_and_two_or_none():
    rng = random.Random(2024)
    for _ in range(200):
        demands, supplies, arcs = _random_instance(rng)

        plan = solve(demands, supplies, arcs)

        assert plan.objective == solve_exact(demands, supplies, arcs).objective
        given = Counter(demand for demand, _ in plan.pairs)
        assert all(given[d.id] in (0, d.need) for d in demands)
        taken = Counter(supply for _, supply in plan.pairs)
        assert all(taken[s.id] <= s.capacity for s in supplies)


def test_past_the_branch_limit_the_number_served_proved_by_the_flows_is_right(monkeypatch):
    # The integer program is then told how many requests the optimum serves (its first level
    # skipped): that number must be the exact optimum's, and the plan the exact plan.
    monkeypatch.setattr(branch, "BRANCH_LIMIT", 4)
    monkeypatch.setattr(branch, "settle", lambda *_: None)  # the region would settle them
    rng = random.Random(5)
    told = 0
    for _ in range(300):
        demands, supplies, arcs = _random_instance(rng)
        for part in components(demands, supplies, without_lone_binomes(demands, arcs)):
            outcome = branch.branch_and_bound(*part)
            if outcome.pairs is None and outcome.served is not None:
                told += 1
                assert outcome.served == solve_exact(*part).objective.served

        plan = solve(demands, supplies, arcs)

        assert plan.objective == solve_exact(demands, supplies, arcs).objective
    # The parts where the flows found a plan serving as many as the root's bounds allow: 2
    # when only the root flow's count, rounded down, was used; 5 with `most_served`.
    assert told == 5


def test_the_root_bounds_prove_fewer_served_than_the_root_flow():
    # Each binôme's second volunteer prefers a single request (a whole reward against half of
    # one): the root flow serves both singles and half of each binôme, 3.0 requests. Any plan
    # serves 2 at most; each half-served binôme needs a repair costing half a request, which
    # the bounds charge, and the rounding gives 2.
    demands = [Demand(1, 2), Demand(2, 2), Demand(3), Demand(4)]
    supplies = [Supply(10), Supply(20), Supply(30), Supply(40)]
    arcs = [(1, 10, 10), (1, 20, 10), (3, 20, 10), (2, 30, 10), (2, 40, 10), (4, 40, 10)]
    arcs = [Arc(*arc) for arc in arcs]
    weighting = weights(demands, supplies, arcs)
    network = Network(demands, supplies, arcs, weighting)
    root = network.solve()
    bound = max(bound_of(network, root) for bound_of in (_repair, _parity))

    assert sorted(root.half) == [1, 2] and branch._served(network, root) == 3.0
    assert branch.most_served(int(bound), weighting) == 2
    assert solve_exact(demands, supplies, arcs).objective.served == 2


def _repair(network, flow):
    return bound.repair_bound(network, flow)[0]


def _parity(network, flow):
    return bound.parity_bound(network, flow)[0]


def test_on_300_random_instances_the_served_proof_never_cuts_off_the_optimum():
    # `most_served` of the root's bounds is at least what the optimum serves (an
    # overestimated bound would say less, and the integer program would then be told a
    # wrong number); it is often below the root flow's count rounded down.
    rng = random.Random(7)
    tighter = 0
    for _ in range(300):
        demands, supplies, arcs = _random_instance(rng)
        for part in components(demands, supplies, without_lone_binomes(demands, arcs)):
            weighting = weights(*part)
            network = Network(*part, weighting)
            root = network.solve()
            if not root.half:
                continue
            most = branch.most_served(
                int(max(_repair(network, root), _parity(network, root))), weighting
            )
            served = solve_exact(*part).objective.served
            assert most >= served
            tighter += most < int(branch._served(network, root))
    assert tighter > 0


BINOME_CHAINS = {
    # Repairing one half-served binôme empties or fills another binôme: the bound must
    # charge that second move, or it would prove a worse plan optimal.
    "a binôme gives up its volunteers": (
        [Demand(2, 2, 104), Demand(3, 1, 3), Demand(5, 2), Demand(6, 2, 3), Demand(7, 2, 104)],
        [Supply(10), Supply(20, capacity=2), Supply(30)],
        [(2, 10, 70), (2, 20, 10), (3, 20, 30), (5, 10, 10), (6, 30, 70), (7, 10, 70)]
        + [(7, 30, 60)],
        [(2, 10), (2, 20), (3, 20)],
    ),
    "an empty binôme is filled": (
        [Demand(1), Demand(2, 2, 104), Demand(3, 1, 230), Demand(4, 2, 104), Demand(5, 1, 104)]
        + [Demand(7, 2, 104), Demand(8, 2, 104)],
        [Supply(10), Supply(20, capacity=2), Supply(30)],
        [(1, 20, 60), (2, 30, 20), (3, 10, 60), (3, 20, 70), (4, 30, 30), (5, 20, 50)]
        + [(7, 10, 70), (7, 30, 50), (8, 20, 10), (8, 30, 80)],
        [(3, 10), (5, 20), (8, 20), (8, 30)],
    ),
    "a binôme fills another one through a third": (
        [Demand(1, 2), Demand(3, 2, 230), Demand(4, 1, 230), Demand(5, 2, 230), Demand(6, 2, 230)]
        + [Demand(7, 2, 3), Demand(8, 2, 3), Demand(9, 2, 230), Demand(12, 2)],
        [Supply(10), Supply(20, capacity=2), Supply(30, capacity=2), Supply(40), Supply(50)],
        [(1, 10, 90), (1, 30, 40), (3, 30, 70), (3, 40, 20), (4, 40, 70), (5, 40, 60)]
        + [(6, 50, 50), (7, 20, 10), (7, 50, 40), (8, 10, 70), (8, 20, 70), (8, 40, 70)]
        + [(8, 50, 10), (9, 20, 50), (9, 30, 20), (12, 30, 40)],
        [(1, 10), (1, 30), (4, 40), (7, 20), (7, 50), (9, 20), (9, 30)],
    ),
}


@pytest.mark.parametrize("case", BINOME_CHAINS)
def test_repairs_that_move_another_binome_still_give_the_optimal_plan(case):
    demands, supplies, arcs, expected = BINOME_CHAINS[case]
    arcs = [Arc(*arc) for arc in arcs]

    plan = solve(demands, supplies, arcs)

    assert sorted(plan.pairs) == expected
    assert plan.objective == solve_exact(demands, supplies, arcs).objective


def test_when_too_many_binomes_could_pair_up_the_weaker_bound_keeps_the_plan_optimal(
    monkeypatch,
):
    monkeypatch.setattr(bound, "COVER_LIMIT", 1)  # every pairing charged half to each
    demands = [Demand(1, 2, 230), Demand(2, 2, 230), Demand(3, 2), Demand(4, 1, 104)]
    demands += [Demand(5, 1, 3), Demand(6, 2, 104)]
    supplies = [Supply(10), Supply(20, capacity=2), Supply(30), Supply(40, capacity=2)]
    supplies += [Supply(50)]
    arcs = [(1, 10, 70), (1, 30, 20), (2, 40, 10), (2, 50, 90), (3, 20, 80), (3, 30, 90)]
    arcs += [(4, 30, 20), (4, 50, 40), (5, 10, 40), (6, 20, 30), (6, 30, 20)]
    arcs = [Arc(*arc) for arc in arcs]

    plan = solve(demands, supplies, arcs)

    assert sorted(plan.pairs) == [(2, 40), (2, 50), (4, 30), (5, 10)]
    assert plan.objective == solve_exact(demands, supplies, arcs).objective


def test_a_child_flow_reoptimised_by_one_shortest_path_costs_what_a_new_flow_costs():
    rng = random.Random(5)
    checked = 0
    while checked < 30:
        demands, supplies, arcs = _random_instance(rng)
        for part in components(demands, supplies, without_lone_binomes(demands, arcs)):
            net = Network(*part, weights(*part))
            root = net.solve()
            for request in root.half:
                for change, none, full in (
                    ("close", {request}, set()),
                    ("complete", set(), {request}),
                ):
                    child = net.reoptimised(root, **{change: request})
                    fresh = net.solve(none=none, full=full)
                    assert (child is None) == (fresh is None)
                    if child is not None:
                        assert (child.cost, sorted(child.half)) == (fresh.cost, sorted(fresh.half))
                        checked += 1


# Three binômes and three single requests over six volunteers, where the flow keeps a binôme
# half served until the search has branched several times.
BRANCHING = (
    [(0, 2, 104), (1, 2, 104), (3, 1, 104), (4, 2, 0), (6, 2, 3), (10, 2, 104), (12, 1, 3)]
    + [(19, 2, 104), (22, 2, 230)],
    [(100, 1), (101, 1), (102, 1), (103, 2), (104, 3), (105, 3)],
    [(0, 102, 49, 0), (0, 105, 43, 0), (1, 102, 40, 0), (1, 103, 34, 0), (1, 105, 26, 0)]
    + [(4, 100, 11, 0), (4, 102, 41, 2), (6, 102, 27, 1), (6, 103, 38, 1), (10, 102, 22, 2)]
    + [(12, 103, 6, 1), (19, 104, 59, 1), (22, 103, 31, 0), (22, 104, 58, 1)],
)


def test_two_parts_that_each_need_branching_are_both_solved_by_flows(monkeypatch):
    reoptimised = Network.reoptimised
    calls = []

    def counted(self, flow, **change):
        calls.append(change)
        return reoptimised(self, flow, **change)

    monkeypatch.setattr(Network, "reoptimised", counted)
    monkeypatch.setattr(branch, "settle", lambda *_: None)  # the region would settle them
    demands, supplies, arcs = [], [], []
    for shift in (0, 1000):  # the same part twice, far apart: two connected parts
        demands += [Demand(shift + d, need, priority) for d, need, priority in BRANCHING[0]]
        supplies += [Supply(shift + s, capacity) for s, capacity in BRANCHING[1]]
        arcs += [Arc(shift + d, shift + s, km, pref) for d, s, km, pref in BRANCHING[2]]

    plan = solve(demands, supplies, arcs)

    assert plan.objective == solve_exact(demands, supplies, arcs).objective
    assert plan.methods == {"flow": 2}
    assert len(calls) >= 2 * 4  # each part branched, then reoptimised its children


def test_the_root_region_settles_a_part_that_needs_branching_without_it(monkeypatch):
    reoptimised = []
    monkeypatch.setattr(Network, "reoptimised", lambda *a, **k: reoptimised.append(k))
    demands = [Demand(d, need, priority) for d, need, priority in BRANCHING[0]]
    supplies = [Supply(s, capacity) for s, capacity in BRANCHING[1]]
    arcs = [Arc(d, s, km, pref) for d, s, km, pref in BRANCHING[2]]

    plan = solve(demands, supplies, arcs)

    assert plan.objective == solve_exact(demands, supplies, arcs).objective
    assert plan.methods == {"region": 1}
    assert reoptimised == []


def test_the_region_holds_the_requests_that_compete_and_not_one_served_apart():
    # Requests 1 and 2 want Anna (10) alone; request 3 has Bruno (20) and could have Anna too,
    # but no exchange through her serves more: only 1, 2 and Anna are in the region.
    demands = [Demand(1), Demand(2), Demand(3)]
    supplies = [Supply(10), Supply(20)]
    arcs = [Arc(1, 10, 10), Arc(2, 10, 20), Arc(3, 20, 10), Arc(3, 10, 50)]
    network = Network(demands, supplies, arcs, weights(demands, supplies, arcs))

    inside, volunteers, candidates = region.deficient_region(
        network, network.solve(), supplies, arcs
    )

    assert [d.id for d in inside] == [1, 2]
    assert volunteers == [Supply(10)]
    assert candidates == arcs[:2]


def test_on_300_random_instances_the_region_gives_the_exact_plan_after_several_cuts(monkeypatch):
    # Benders rounds: the region's program proposes a served set, a min-cost flow prices it
    # and adds its cut. Several rounds happen when the first set proposed is not the least
    # travel.
    slopes = region._travel_and_slopes
    rounds = []

    def counted(*args):
        rounds[-1] += 1
        return slopes(*args)

    monkeypatch.setattr(region, "_travel_and_slopes", counted)
    rng = random.Random(2024)
    for _ in range(300):
        demands, supplies, arcs = _random_instance(rng)
        rounds.append(0)

        plan = solve(demands, supplies, arcs)

        assert plan.objective == solve_exact(demands, supplies, arcs).objective
    # One cut from the root flow, then one per round.
    assert sum(1 for r in rounds if r > 0) == 25  # instances settled by their region
    assert sum(1 for r in rounds if r > 2) == 16  # after more than one round (up to 8)


@pytest.mark.parametrize("served", [None, 1, 2])
def test_the_best_sets_serve_the_most_then_the_highest_priority_whatever_the_hint(served):
    # Anna (10) can take one of requests 1 and 2: one is served, the REP one (104). A hint of 2
    # served is too many (no plan serves 2): the first level is then solved after all.
    demands = [Demand(1, 1, 3), Demand(2, 1, 104)]
    arcs = [Arc(1, 10, 10), Arc(2, 10, 20)]

    constraints = exact.best_sets(demands, [Supply(10)], arcs, served=served)

    count, priority = constraints[-2:]
    assert (count.lb, count.ub) == (-1, -1) and (priority.lb, priority.ub) == (-104, -104)

"""The reference: an integer program (HiGHS through scipy), one objective level at a time."""

import numpy as np
from scipy.optimize import Bounds, LinearConstraint
from scipy.optimize import milp as highs
from scipy.sparse import coo_array

BINARY = Bounds(0, 1)


def program(demands, supplies, arcs):
    """The constraints of the integer program (variables: x per arc, then y per demand) and
    its three levels' costs (served, priority, travel; milp minimises, hence the signs)."""
    n_arcs, n_demands = len(arcs), len(demands)
    d_index = {d.id: i for i, d in enumerate(demands)}
    s_index = {s.id: i for i, s in enumerate(supplies)}
    columns = np.arange(n_arcs)
    into = coo_array(
        (np.ones(n_arcs), ([d_index[a.demand] for a in arcs], columns)),
        shape=(n_demands, n_arcs + n_demands),
    ).tolil()
    for d in demands:
        into[d_index[d.id], n_arcs + d_index[d.id]] = -d.need
    out = coo_array(
        (np.ones(n_arcs), ([s_index[a.supply] for a in arcs], columns)),
        shape=(len(supplies), n_arcs + n_demands),
    )
    constraints = [
        LinearConstraint(into.tocsr(), 0, 0),
        LinearConstraint(out.tocsr(), 0, [s.capacity for s in supplies]),
    ]
    zeros_x, zeros_y = np.zeros(n_arcs), np.zeros(n_demands)
    # Served, then priority, then travel, each level on its own; milp minimises, hence the
    # signs. Served and priority as two levels rather than one weighted sum: at the size of
    # the nation the weighted level's relaxation is loose by a fraction of a request, and
    # HiGHS took more than 30 minutes on it, against under a minute for the two levels.
    levels = [
        np.concatenate([zeros_x, -np.ones(n_demands)]),
        np.concatenate([zeros_x, -np.array([d.priority for d in demands], dtype=float)]),
        np.concatenate([np.array([a.travel for a in arcs], dtype=float), zeros_y]),
    ]
    return constraints, levels


def milp(demands, supplies, arcs, *, served: int | None = None) -> list[tuple[int, int]]:
    """Integer program, one level at a time (each optimum becomes a constraint of the next),
    solved to a zero gap.

    Variables: x[a] ∈ {0, 1} per arc, y[d] ∈ {0, 1} per demand. Constraints: Σ x into d =
    need[d]·y[d]; Σ x out of s ≤ capacity[s]. Levels: most demands served, then most
    priority served, then least travel (docs/matching.md).

    `served`, when given, is the number of demands served by the optimum, known beforehand
    (the flows prove it: `branch.Outcome`): the first level is then this constraint instead of
    an integer program. HiGHS raises RuntimeError if no plan serves that many.
    """
    constraints, levels = program(demands, supplies, arcs)
    n_arcs = len(arcs)
    if served is not None:
        constraints.append(LinearConstraint(levels.pop(0)[None, :], -np.inf, -served))
    integrality = np.ones(n_arcs + len(demands))
    result = None
    for level, cost in enumerate(levels, start=1):
        # The travel level, the others fixed, without HiGHS's presolve: at the nation's giant
        # part (seeds 2 and 5) it took 39 and 67 s with it, 17 and 22 s without, for the same
        # optimum; the levels before are as fast either way (docs/matching.md).
        result = solve_highs(cost, constraints, integrality, presolve=level < len(levels))
        if result.status != 0:
            raise RuntimeError(f"HiGHS failed: {result.message}")
        best = round(result.fun)
        constraints.append(LinearConstraint(cost[None, :], -np.inf, best))
    chosen = np.flatnonzero(result.x[:n_arcs] > 0.5)
    return [(arcs[i].demand, arcs[i].supply) for i in chosen]


def best_sets(
    demands, supplies, arcs, *, served: int | None = None
) -> list[LinearConstraint] | None:
    """The plans with the most served, then the most priority: the constraints of `program`
    with both optima added as equalities (the first two levels of `milp`). Variables as in
    `program`.

    `served`, when given, is a number no plan serves more than (`branch.most_served`): when
    a plan serves that many, the first level is skipped; otherwise it is solved. None when
    HiGHS fails."""
    constraints, (count, priority, _) = program(demands, supplies, arcs)
    n_arcs = len(arcs)
    integrality = np.ones(n_arcs + len(demands))
    result = None
    if served is not None:
        most = LinearConstraint(count[None, :], -served, -served)
        result = solve_highs(priority, [*constraints, most], integrality)
        if result.status == 0:  # a plan serves `served`: the first level's optimum
            constraints.append(most)
        else:
            result = None
    if result is None:
        result = solve_highs(count, constraints, integrality)
        if result.status != 0:
            return None
        constraints.append(_equal(count, result.fun))
        result = solve_highs(priority, constraints, integrality)
        if result.status != 0:
            return None
    constraints.append(_equal(priority, result.fun))
    return constraints


def _equal(cost, optimum: float) -> LinearConstraint:
    """A level held at its optimum: the least value of `cost` is its value on every plan
    left, hence an equality."""
    return LinearConstraint(cost[None, :], round(optimum), round(optimum))


def solve_highs(cost, constraints, integrality, *, bounds=BINARY, presolve=True):
    """HiGHS (scipy's `milp`) minimising `cost` under `constraints`, to a zero gap; the
    variables 0/1 unless `bounds` say otherwise, integral where `integrality` is 1. Returns
    scipy's OptimizeResult (status 0 when solved)."""
    return highs(
        cost,
        constraints=constraints,
        integrality=integrality,
        bounds=bounds,
        options={"mip_rel_gap": 0, "presolve": presolve},
    )

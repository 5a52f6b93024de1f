"""The assignment of volunteers to requests: an exact plan, an exact reference and a greedy one.

Pure Python and numerical libraries, no database: the matching services (`matching.plans`)
and the benchmark (`benchmarks/matching.py`) build the same inputs. The model is written
down in docs/matching.md.

Inputs are `Demand`s (a request still needing 1 or 2 accompanists), `Supply`s (a volunteer
with the number of modules they may still take) and the candidate `Arc`s between them,
already filtered by every per-pair hard constraint (distance, half-days, months, age,
declined and excluded pairs). What stays for the solver: capacities, and a request needing
two accompanists gets two or none.

The objective is lexicographic (issue 5): most requests served, then the highest priority
served (REP+ before REP before the others, then the longest waiting), then the fewest
kilometres, then the best preference fit. `Objective` holds the four figures, compared as
a tuple.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, vstack
from scipy.sparse.csgraph import connected_components

# Headroom under 2**63: OR-Tools' cost scaling multiplies unit costs by about the number
# of nodes, and totals must not overflow either.
_INT64_BUDGET = 2**62


@dataclass(frozen=True)
class Demand:
    """A request to serve: `need` accompanists still to find (1 or 2, all or none) and its
    `priority`, an integer ≥ 0 where higher is served first (see `request_priority`)."""

    id: int
    need: int = 1
    priority: int = 0


@dataclass(frozen=True)
class Supply:
    """A volunteer with `capacity` modules they may still take this school year (≥ 0)."""

    id: int
    capacity: int = 1


@dataclass(frozen=True)
class Arc:
    """A pair allowed by every per-pair rule: travel in tenths of a km (an integer, 0 for
    a remote module) and `preference`, 0 to 2 (level fit + theme fit)."""

    demand: int
    supply: int
    decikm: int
    preference: int = 0

    @property
    def travel(self) -> int:
        return TRAVEL_PER_DECIKM * self.decikm - self.preference


# Kilometres and preferences share the third level: a pair costs 3 per tenth of a km, minus
# its preference points (0 to 2). A preference point thus weighs 33 m, under the precision
# of the distances; the levels above stay strictly first (docs/matching.md).
TRAVEL_PER_DECIKM = 3


@dataclass(frozen=True, order=True)
class Objective:
    """The figures of a plan, best first when compared: requests served, their priority,
    then `-travel` (Σ 3 × tenths of km − preference points). `decikm` and `preference` are
    kept for reading, not compared."""

    served: int = 0
    priority: int = 0
    minus_travel: int = 0
    decikm: int = field(default=0, compare=False)
    preference: int = field(default=0, compare=False)

    @property
    def km(self) -> float:
        return self.decikm / 10


@dataclass
class Plan:
    """The chosen pairs, as (demand id, supply id), with the figures and how each connected
    part of the problem was solved ("flow" or "milp")."""

    pairs: list[tuple[int, int]] = field(default_factory=list)
    objective: Objective = field(default_factory=Objective)
    methods: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def served(self) -> set[int]:
        return {demand for demand, _ in self.pairs}


def request_priority(*, education_prioritaire: str, waiting_days: int) -> int:
    """Priority of a request, 0 to 299: REP+ (`"REP+"`) 200, REP 100, others 0, plus the
    weeks it has waited, capped at 99 (issue 5: priority to REP+ then REP, then to the
    requests waiting the longest)."""
    tier = {"REP+": 200, "REP": 100}.get(education_prioritaire, 0)
    return tier + min(max(waiting_days, 0) // 7, 99)


def evaluate(demands: list[Demand], arcs: list[Arc], pairs: list[tuple[int, int]]) -> Objective:
    """The objective of `pairs` (demand id, supply id): a demand counts as served only when
    all its need is met."""
    by_key = {(a.demand, a.supply): a for a in arcs}
    need = {d.id: d for d in demands}
    count: dict[int, int] = defaultdict(int)
    for demand, _ in pairs:
        count[demand] += 1
    served = [need[d] for d, n in count.items() if n == need[d].need]
    chosen = [by_key[p] for p in pairs]
    return Objective(
        len(served),
        sum(d.priority for d in served),
        -sum(a.travel for a in chosen),
        sum(a.decikm for a in chosen),
        sum(a.preference for a in chosen),
    )


def solve(demands: list[Demand], supplies: list[Supply], arcs: list[Arc]) -> Plan:
    """The optimal plan: a min-cost flow (OR-Tools) on each connected part of the graph.

    The flow ignores "two or none", so it is a relaxation: when it leaves no request half
    served its plan is optimal. Otherwise a small branch and bound on the half-served
    requests (each branch serves one of them fully or not at all, each node a flow) finds
    the optimum; past BRANCH_LIMIT flows, or when the weights would not fit in 64 bits,
    that part goes to `solve_exact`'s integer program. Returns a `Plan`.
    """
    plan = Plan()
    for part in _components(demands, supplies, arcs):
        pairs = _branch_and_bound(*part)
        method = "flow"
        if pairs is None:
            pairs, method = _milp(*part), "milp"
        plan.pairs += pairs
        plan.methods[method] += 1
    plan.objective = evaluate(demands, arcs, plan.pairs)
    return plan


def solve_exact(demands: list[Demand], supplies: list[Supply], arcs: list[Arc]) -> Plan:
    """The optimal plan by integer programming (HiGHS through scipy), one objective level
    at a time: the reference the benchmark checks `solve` against."""
    plan = Plan()
    for part in _components(demands, supplies, arcs):
        plan.pairs += _milp(*part)
        plan.methods["milp"] += 1
    plan.objective = evaluate(demands, arcs, plan.pairs)
    return plan


def solve_greedy(demands: list[Demand], supplies: list[Supply], arcs: list[Arc]) -> Plan:
    """Nearest first, as by hand: take the shortest remaining pair while the volunteer has
    capacity and the request still needs someone; a request left with one of two
    accompanists is dropped."""
    left = {s.id: s.capacity for s in supplies}
    need = {d.id: d.need for d in demands}
    pairs = []
    for arc in sorted(arcs, key=lambda a: (a.decikm, a.demand, a.supply)):
        if left[arc.supply] > 0 and need[arc.demand] > 0:
            left[arc.supply] -= 1
            need[arc.demand] -= 1
            pairs.append((arc.demand, arc.supply))
    pairs = [p for p in pairs if need[p[0]] == 0]
    plan = Plan(pairs=pairs)
    plan.methods["greedy"] = 1
    plan.objective = evaluate(demands, arcs, pairs)
    return plan


def _components(demands, supplies, arcs):
    """Split the problem into its connected parts (no arc between two parts), dropping
    requests and volunteers without arcs and volunteers without capacity."""
    supplies = [s for s in supplies if s.capacity > 0]
    d_index = {d.id: i for i, d in enumerate(demands)}
    s_index = {s.id: len(demands) + i for i, s in enumerate(supplies)}
    arcs = [a for a in arcs if a.supply in s_index]
    if not arcs:
        return []
    rows = np.fromiter((d_index[a.demand] for a in arcs), np.int64, len(arcs))
    columns = np.fromiter((s_index[a.supply] for a in arcs), np.int64, len(arcs))
    size = len(demands) + len(supplies)
    graph = coo_array((np.ones(len(arcs)), (rows, columns)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    parts: dict = defaultdict(lambda: ([], [], []))
    for arc, label in zip(arcs, labels[rows], strict=True):
        parts[label][2].append(arc)
    linked = set(rows.tolist()) | set(columns.tolist())
    for i, demand in enumerate(demands):
        if i in linked:
            parts[labels[i]][0].append(demand)
    for i, supply in enumerate(supplies):
        if len(demands) + i in linked:
            parts[labels[len(demands) + i]][1].append(supply)
    return list(parts.values())


BRANCH_LIMIT = 64  # flows per connected part before the integer program takes over


def _branch_and_bound(demands, supplies, arcs) -> list[tuple[int, int]] | None:
    """The optimal pairs of one part by flows, branching on half-served requests (depth
    first, pruned by the relaxation's cost). None when the weights do not fit in 64 bits or
    the search passes BRANCH_LIMIT flows."""
    weights = _weights(demands, supplies, arcs)
    if weights is None:
        return None
    network = _Network(demands, supplies, arcs, weights)
    best, best_cost = None, None
    stack = [(frozenset(), frozenset())]  # (requests served by none, served fully)
    for _ in range(BRANCH_LIMIT):
        if not stack:
            return best
        none, full = stack.pop()
        solved = network.solve(none=none, full=full)
        if solved is None or (best_cost is not None and solved[1] >= best_cost):
            continue  # infeasible, or no better than a plan already found
        pairs, cost = solved
        half = _half_served(demands, pairs)
        if half is None:
            best, best_cost = pairs, cost
        else:
            stack += [(none | {half}, full), (none, full | {half})]
    return best if not stack else None


def _half_served(demands, pairs) -> int | None:
    """A request given fewer accompanists than it needs but not none, or None."""
    count: dict[int, int] = defaultdict(int)
    for demand, _ in pairs:
        count[demand] += 1
    return next((d.id for d in demands if 0 < count[d.id] < d.need), None)


def _weights(demands, supplies, arcs) -> tuple[int, int] | None:
    """Integer weights (served, priority) making one linear cost lexicographic: each level's
    weight exceeds the widest swing of everything below it. None when the costs could
    overflow OR-Tools' 64-bit arithmetic."""
    units = min(sum(d.need for d in demands), sum(s.capacity for s in supplies))
    travel_swing = (TRAVEL_PER_DECIKM * max(a.decikm for a in arcs) + 2) * units
    w_priority = travel_swing + 1
    w_served = w_priority * (max(d.priority for d in demands) * len(demands) + 1)
    # Even weights: a request needing two gets half its reward on each unit of flow.
    w_served, w_priority = 2 * w_served, 2 * w_priority
    nodes = 2 + len(demands) + len(supplies)
    if (w_served + w_priority * 300) * nodes * 4 >= _INT64_BUDGET:
        return None
    return w_served, w_priority


class _Network:
    """The flow network of one part, built once as arrays: source → volunteer (capacity),
    volunteer → request (1, travel), request → sink (need, −reward / need), and a free
    source → sink arc, so that serving nobody is allowed."""

    def __init__(self, demands, supplies, arcs, weights):
        w_served, w_priority = weights
        self.demands, self.arcs = demands, arcs
        self.reward = {d.id: w_served + w_priority * d.priority for d in demands}
        self.d_index = {d.id: i for i, d in enumerate(demands)}
        n_d, n_s, n_a = len(demands), len(supplies), len(arcs)
        self.nodes = 2 + n_d + n_s
        s_index = {s.id: i for i, s in enumerate(supplies)}
        arc_d = np.fromiter((self.d_index[a.demand] for a in arcs), np.int32, n_a)
        arc_s = np.fromiter((s_index[a.supply] for a in arcs), np.int32, n_a)
        self.arc_demand = arc_d
        self.total = sum(s.capacity for s in supplies)
        d_nodes = 2 + np.arange(n_d, dtype=np.int32)
        s_nodes = 2 + n_d + np.arange(n_s, dtype=np.int32)
        self.tails = np.concatenate([np.zeros(n_s, np.int32), s_nodes[arc_s], d_nodes, [0]])
        self.heads = np.concatenate([s_nodes, d_nodes[arc_d], np.ones(n_d, np.int32), [1]])
        self.capacities = np.concatenate(
            [
                [s.capacity for s in supplies],
                np.ones(n_a),
                [d.need for d in demands],
                [self.total],
            ]
        ).astype(np.int64)
        self.costs = np.concatenate(
            [
                np.zeros(n_s, np.int64),
                np.fromiter((a.travel for a in arcs), np.int64, n_a),
                [-self.reward[d.id] // d.need for d in demands],
                [0],
            ]
        ).astype(np.int64)
        self.first_arc, self.first_sink_arc = n_s, n_s + n_a

    def solve(self, *, none=frozenset(), full=frozenset()):
        """Pairs and cost of the min-cost flow where the requests in `none` get nobody and
        those in `full` absorb their whole need (their reward then counts as a constant);
        None when infeasible."""
        capacities = self.capacities.copy()
        supply = np.zeros(self.nodes, dtype=np.int64)
        if none:
            closed = np.fromiter((self.d_index[r] for r in none), np.int32)
            capacities[self.first_arc : self.first_sink_arc][np.isin(self.arc_demand, closed)] = 0
        for request in full:
            i = self.d_index[request]
            capacities[self.first_sink_arc + i] = 0
            supply[2 + i] = -self.demands[i].need
        supply[0] = self.total
        supply[1] = -(self.total + supply[2:].sum())
        graph = min_cost_flow.SimpleMinCostFlow()
        graph.add_arcs_with_capacity_and_unit_cost(self.tails, self.heads, capacities, self.costs)
        graph.set_nodes_supplies(np.arange(self.nodes, dtype=np.int32), supply)
        if graph.solve() != graph.OPTIMAL:
            return None
        flows = graph.flows(np.arange(self.first_arc, self.first_sink_arc, dtype=np.int32))
        pairs = [(self.arcs[i].demand, self.arcs[i].supply) for i in np.flatnonzero(flows)]
        return pairs, graph.optimal_cost() - sum(self.reward[r] for r in full)


def _milp(demands, supplies, arcs) -> list[tuple[int, int]]:
    """Integer program, one level at a time (each optimum becomes a constraint of the next),
    solved to a zero gap.

    Variables: x[a] ∈ {0, 1} per arc, y[d] ∈ {0, 1} per demand. Constraints: Σ x into d =
    need[d]·y[d]; Σ x out of s ≤ capacity[s].
    """
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
    # Served then priority in one level (the weight of serving exceeds all priorities),
    # then travel; milp minimises, hence the signs.
    w_served = max(d.priority for d in demands) * n_demands + 1
    rewards = np.array([w_served + d.priority for d in demands], dtype=float)
    levels = [
        np.concatenate([zeros_x, -rewards]),
        np.concatenate([np.array([a.travel for a in arcs], dtype=float), zeros_y]),
    ]
    integrality = np.ones(n_arcs + n_demands)
    bounds = Bounds(0, 1)
    result = None
    for cost in levels:
        result = milp(
            cost,
            constraints=constraints,
            integrality=integrality,
            bounds=bounds,
            options={"mip_rel_gap": 0},
        )
        if result.status != 0:
            raise RuntimeError(f"HiGHS failed: {result.message}")
        best = round(result.fun)
        constraints.append(LinearConstraint(vstack([coo_array(cost[None, :])]), -np.inf, best))
    chosen = np.flatnonzero(result.x[:n_arcs] > 0.5)
    return [(arcs[i].demand, arcs[i].supply) for i in chosen]

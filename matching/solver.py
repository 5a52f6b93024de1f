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


@dataclass(frozen=True, order=True)
class Objective:
    """The figures of a plan, best first when compared as tuples (km and preference are
    stored so that larger is better: `-decikm`)."""

    served: int = 0
    priority: int = 0
    minus_decikm: int = 0
    preference: int = 0

    @property
    def km(self) -> float:
        return -self.minus_decikm / 10

    def __add__(self, other: "Objective") -> "Objective":
        return Objective(
            self.served + other.served,
            self.priority + other.priority,
            self.minus_decikm + other.minus_decikm,
            self.preference + other.preference,
        )


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
        -sum(a.decikm for a in chosen),
        sum(a.preference for a in chosen),
    )


def solve(demands: list[Demand], supplies: list[Supply], arcs: list[Arc]) -> Plan:
    """The optimal plan: a min-cost flow (OR-Tools) on each connected part of the graph.

    The flow ignores "two or none", so it is a relaxation: when it leaves no request half
    served its plan is optimal; otherwise that part is solved by `solve_exact`'s integer
    program. Returns a `Plan`; never raises on a valid input.
    """
    plan = Plan()
    for part in _components(demands, supplies, arcs):
        pairs = _flow(*part)
        method = "flow"
        if pairs is None or _half_served(part[0], pairs):
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
    """Split the problem into its connected parts (no arc between two parts)."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for arc in arcs:
        parent[find(("d", arc.demand))] = find(("s", arc.supply))
    parts: dict = defaultdict(lambda: ([], [], []))
    for demand in demands:
        if ("d", demand.id) in parent:
            parts[find(("d", demand.id))][0].append(demand)
    for supply in supplies:
        if ("s", supply.id) in parent and supply.capacity > 0:
            parts[find(("s", supply.id))][1].append(supply)
    for arc in arcs:
        parts[find(("d", arc.demand))][2].append(arc)
    return [part for part in parts.values() if part[0] and part[1]]


def _half_served(demands, pairs) -> bool:
    count: dict[int, int] = defaultdict(int)
    for demand, _ in pairs:
        count[demand] += 1
    return any(0 < count[d.id] < d.need for d in demands)


def _weights(demands, supplies, arcs) -> tuple[int, int, int]:
    """Integer weights (served, priority, km) making one linear cost lexicographic: each
    level's weight exceeds the largest swing of everything below it."""
    units = min(sum(d.need for d in demands), sum(s.capacity for s in supplies))
    preference_swing = 2 * units
    w_km = preference_swing + 1
    w_priority = w_km * max(a.decikm for a in arcs) * units + preference_swing + 1
    w_served = w_priority * (max(d.priority for d in demands) * len(demands) + 1) + w_priority
    # Even weights: a request needing two gets half its reward on each unit of flow.
    return 2 * w_served, 2 * w_priority, w_km


def _flow(demands, supplies, arcs) -> list[tuple[int, int]] | None:
    """Min-cost flow source → volunteer → request → sink, plus a free source → sink arc.

    Returns the pairs, or None when the weights would not fit in 64 bits.
    """
    w_served, w_priority, w_km = _weights(demands, supplies, arcs)
    nodes = 2 + len(demands) + len(supplies)
    if (w_served + w_priority * 300) * nodes * 4 >= _INT64_BUDGET:
        return None
    source, sink = 0, 1
    d_node = {d.id: 2 + i for i, d in enumerate(demands)}
    s_node = {s.id: 2 + len(demands) + i for i, s in enumerate(supplies)}
    total = sum(s.capacity for s in supplies)
    tails = [source] * len(supplies) + [s_node[a.supply] for a in arcs]
    heads = [s_node[s.id] for s in supplies] + [d_node[a.demand] for a in arcs]
    capacities = [s.capacity for s in supplies] + [1] * len(arcs)
    costs = [0] * len(supplies) + [w_km * a.decikm - a.preference for a in arcs]
    tails += [d_node[d.id] for d in demands] + [source]
    heads += [sink] * len(demands) + [sink]
    capacities += [d.need for d in demands] + [total]
    costs += [-(w_served + w_priority * d.priority) // d.need for d in demands] + [0]
    graph = min_cost_flow.SimpleMinCostFlow()
    graph.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32),
        np.array(heads, dtype=np.int32),
        np.array(capacities, dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    supplies_vector = np.zeros(nodes, dtype=np.int64)
    supplies_vector[source], supplies_vector[sink] = total, -total
    graph.set_nodes_supplies(np.arange(nodes, dtype=np.int32), supplies_vector)
    if graph.solve() != graph.OPTIMAL:
        return None
    flows = graph.flows(np.arange(len(supplies), len(supplies) + len(arcs), dtype=np.int32))
    return [(a.demand, a.supply) for a, f in zip(arcs, flows, strict=True) if f > 0]


def _milp(demands, supplies, arcs) -> list[tuple[int, int]]:
    """Integer program, one level at a time (each optimum becomes a constraint of the next).

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
    levels = [  # maximised in this order; milp minimises, hence the signs
        np.concatenate([zeros_x, -np.ones(n_demands)]),
        np.concatenate([zeros_x, -np.array([d.priority for d in demands], dtype=float)]),
        np.concatenate([np.array([a.decikm for a in arcs], dtype=float), zeros_y]),
        np.concatenate([-np.array([a.preference for a in arcs], dtype=float), zeros_y]),
    ]
    integrality = np.ones(n_arcs + n_demands)
    bounds = Bounds(0, 1)
    result = None
    for cost in levels:
        result = milp(cost, constraints=constraints, integrality=integrality, bounds=bounds)
        if result.status != 0:
            raise RuntimeError(f"HiGHS failed: {result.message}")
        best = round(result.fun)
        constraints.append(LinearConstraint(vstack([coo_array(cost[None, :])]), -np.inf, best))
    chosen = np.flatnonzero(result.x[:n_arcs] > 0.5)
    return [(arcs[i].demand, arcs[i].supply) for i in chosen]

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
from scipy.sparse.csgraph import connected_components, dijkstra

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

    Binômes with fewer than two candidates are left out first. The flow ignores "two or
    none", so it is a relaxation: when it leaves no request half served its plan is optimal.
    Otherwise the half-served binômes are repaired by shortest cycles, and the repaired plan
    is kept when it meets a lower bound proving it optimal (`_repair_bound`); failing that,
    a branch and bound (each node a flow, pruned by the same bound) finds the optimum. Past
    BRANCH_LIMIT flows, or when the weights would not fit in 64 bits, that part goes to
    `solve_exact`'s integer program. Returns a `Plan` whose objective equals
    `solve_exact`'s; docs/matching.md gives the model and the proof.
    """
    plan = Plan()
    for part in _components(demands, supplies, _without_lone_binomes(demands, arcs)):
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


def _without_lone_binomes(demands, arcs):
    """The arcs left once those of requests with fewer candidates than their need are dropped:
    a binôme with a single candidate can never be served, and in the flow it would only take a
    volunteer's capacity for half a reward."""
    candidates: dict[int, int] = defaultdict(int)
    for arc in arcs:
        candidates[arc.demand] += 1
    need = {d.id: d.need for d in demands}
    return [a for a in arcs if candidates[a.demand] >= need[a.demand]]


def _branch_and_bound(demands, supplies, arcs) -> list[tuple[int, int]] | None:
    """The optimal pairs of one part by flows; None when the weights do not fit in 64 bits or
    the search passes BRANCH_LIMIT flows.

    Each node of the search is a flow where some binômes are served by nobody and some fully.
    When it leaves binômes half served, `_repair_bound` gives a lower bound for every plan under
    that node and the repair meant to reach it, applied along shortest paths, else tried as one
    more flow; if it leaves nobody half served at the bound, the node is solved. Otherwise the
    node branches on its costliest half-served binôme, the repair's side first (depth first,
    pruned by bounds).
    """
    weights = _weights(demands, supplies, arcs)
    if weights is None:
        return None
    network = _Network(demands, supplies, arcs, weights)
    best: _Flow | None = None
    flows = 0
    stack = [(frozenset(), frozenset())]  # (requests served by none, served fully)
    while stack:
        none, full = stack.pop()
        if flows + 2 > BRANCH_LIMIT:
            return None
        node = network.solve(none=none, full=full)
        flows += 1
        if node is None or (best is not None and node.cost >= best.cost):
            continue  # infeasible, or no better than a plan already found
        if not node.half:
            best = node
            continue
        bound, drop, complete, costliest, repaired = _repair_bound(network, node)
        if best is not None and bound >= best.cost:
            continue
        if repaired is None or repaired.half or repaired.cost != bound:
            repaired = network.solve(none=none | drop, full=full | complete)
            flows += 1
        if repaired is not None and not repaired.half:
            if best is None or repaired.cost < best.cost:
                best = repaired
            if repaired.cost == bound:
                continue  # the bound proves the repair optimal under this node
        branches = [(none | {costliest}, full), (none, full | {costliest})]
        stack += branches[::-1] if costliest in drop else branches
    return best.pairs if best is not None else None


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
                np.fromiter(
                    (TRAVEL_PER_DECIKM * a.decikm - a.preference for a in arcs), np.int64, n_a
                ),
                [-self.reward[d.id] // d.need for d in demands],
                [0],
            ]
        ).astype(np.int64)
        self.first_arc, self.first_sink_arc = n_s, n_s + n_a
        self.binome = np.zeros(self.nodes, dtype=bool)
        self.binome[2 : 2 + n_d] = [d.need == 2 for d in demands]

    def solve(self, *, none=frozenset(), full=frozenset()) -> "_Flow | None":
        """The min-cost flow where the requests in `none` get nobody and those in `full`
        absorb their whole need (their reward then counts as a constant); None when
        infeasible."""
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
        flows = graph.flows(np.arange(len(self.tails), dtype=np.int32))
        return self.flow(
            flows, capacities, graph.optimal_cost() - sum(self.reward[r] for r in full)
        )

    def flow(self, flows, capacities, cost) -> "_Flow":
        """The node of the search of these arrays (one entry per arc) and weighted cost."""
        chosen = np.flatnonzero(flows[self.first_arc : self.first_sink_arc])
        pairs = [(self.arcs[i].demand, self.arcs[i].supply) for i in chosen]
        served = flows[self.first_sink_arc : self.first_sink_arc + len(self.demands)]
        half = [d.id for d, units in zip(self.demands, served, strict=True) if 0 < units < d.need]
        return _Flow(pairs, cost, half, capacities, flows)


@dataclass
class _Flow:
    """One node of the search: its pairs, its cost (weighted, lower is better), the ids of the
    requests half served, and the capacities and flows of every arc of the network."""

    pairs: list[tuple[int, int]]
    cost: int
    half: list[int]
    capacities: np.ndarray
    flows: np.ndarray


# Distances go through float64 in scipy's Dijkstra, exact for integers below 2**53. Reduced
# costs and distances are clipped to this, which keeps a lower bound a lower bound, so that
# sums of a few of them, doubled, stay exact.
_CLIP = 2**48


def _repair_bound(
    network: _Network, flow: _Flow
) -> tuple[int, frozenset, frozenset, int, _Flow | None]:
    """A lower bound on the cost of every plan under `flow`'s node with nobody half served,
    the repair meant to reach it (requests to serve by nobody, requests to serve fully) and
    the half-served request costliest to repair.

    With optimal potentials, any other flow g costs cost(f) + Σ |reduced cost| × |g − f| over
    the arcs, and g − f splits into cycles of the residual network, each through the sink
    once, each of nonnegative reduced cost (Ahuja, Magnanti and Orlin, Network Flows, ch. 9).
    Each half-served binôme needs one cycle through its sink arc: towards another request (it
    loses its volunteer) or from one (it gets a second). A cycle repairs at most two of them;
    one ending at a binôme with nobody, or starting at a binôme served fully, needs a second
    cycle there, whose cost is charged to it (half when that cycle joins two binômes, so
    that no cycle is counted twice). The cheapest cover of the half-served binômes by these
    repairs, priced by shortest paths (Dijkstra on reduced costs), is the bound.
    """
    x, capacities = flow.flows, flow.capacities
    forward, backward = x < capacities, x > 0
    tails = np.concatenate([network.tails[forward], network.heads[backward]])
    heads = np.concatenate([network.heads[forward], network.tails[backward]])
    costs = np.concatenate([network.costs[forward], -network.costs[backward]])
    potential = _potentials(tails, heads, costs, network.nodes)
    reduced = np.minimum(costs + potential[tails] - potential[heads], _CLIP).astype(float)
    half = np.array([2 + network.d_index[r] for r in flow.half])
    # The sink (node 1) is split so that no path crosses it: arcs into it go to FREE_IN (from
    # a single request or the free arc) or BINOME_IN (from a binôme with nobody), arcs out of
    # it leave FREE_OUT or BINOME_OUT (towards a binôme served fully). The half-served
    # binômes' own sink arcs are left out: the cycles start and end there.
    n = network.nodes
    free_in, binome_in, free_out, binome_out = n, n + 1, n + 2, n + 3
    binome = network.binome.copy()
    binome[half] = False
    into, out = heads == 1, tails == 1
    inner = ~(into | out)
    ends = np.where(into, np.where(binome[tails], binome_in, free_in), heads)
    starts = np.where(out, np.where(binome[heads], binome_out, free_out), tails)
    keep = inner | (into & ~np.isin(tails, half)) | (out & ~np.isin(heads, half))
    graph = coo_array((reduced[keep], (starts[keep], ends[keep])), shape=(n + 4, n + 4)).tocsr()
    ahead, before = dijkstra(graph, indices=[*half, free_out, binome_out], return_predecessors=True)
    ahead = np.minimum(ahead, _CLIP)
    behind = np.minimum(dijkstra(graph.T, indices=[*half, free_in, binome_in]), _CLIP)
    # Doubled from here, so that the halves stay integers.
    empty = tails[into & binome[tails]]  # binômes with nobody: X
    r_x = 2 * reduced[into & binome[tails]]  # their sink arc
    full = heads[out & binome[heads]]  # binômes served fully: Y
    q_y = 2 * reduced[out & binome[heads]]
    h = len(half)
    # The second cycle at X comes from a single request or the free arc (charged whole), or
    # from a binôme served fully (charged half, ends included: that binôme charges the other
    # half); likewise at Y.
    second_in = np.minimum(2 * ahead[h, empty] + r_x, ahead[h + 1, empty] + r_x / 2)
    second_out = np.minimum(2 * behind[h, full] + q_y, behind[h + 1, full] + q_y / 2)
    to_x = 2 * ahead[:h, empty] + r_x  # b → X
    from_y = 2 * behind[:h, full] + q_y  # Y → b
    options = np.column_stack(
        [
            2 * ahead[:h, free_in],  # b's volunteer goes to a single request, or rests
            2 * ahead[h, half],  # b gets a second volunteer from one
            (to_x + second_in).min(axis=1, initial=np.inf),  # ... goes to a binôme X
            (from_y + second_out).min(axis=1, initial=np.inf),  # ... comes from a binôme Y
        ]
    )
    moves = 2 * ahead[:h, half]  # b_i's volunteer goes to b_j
    pair_options = np.stack(
        [
            np.minimum(moves, moves.T),
            (to_x[:, None, :] + to_x[None, :, :]).min(axis=2, initial=np.inf),
            (from_y[:, None, :] + from_y[None, :, :]).min(axis=2, initial=np.inf),
        ]
    )
    alone = options.min(axis=1)
    together = pair_options.min(axis=0)
    doubled, cover = _cheapest_cover(alone.astype(np.int64), together.astype(np.int64))
    none, served = set(), set()
    ids = [d.id for d in network.demands]
    walks = []  # (row of `ahead`, target node), the cycles of a repair by shortest paths
    for group in cover:
        i, j = (*group, None)[:2]
        kind = int(np.argmin(options[i] if j is None else pair_options[:, i, j]))
        if kind == 0:
            walks.append((i, free_in) if j is None else (i, half[j]))
        if kind == 1 and j is None:
            walks.append((h, half[i]))
        if j is None:
            if kind == 2:
                served.add(ids[empty[np.argmin(to_x[i] + second_in)] - 2])
            if kind == 3:
                none.add(ids[full[np.argmin(from_y[i] + second_out)] - 2])
            (none if kind in (0, 2) else served).add(flow.half[i])
        elif kind == 0:
            i, j = (i, j) if moves[i, j] <= moves[j, i] else (j, i)
            walks[-1] = (i, half[j])
            none.add(flow.half[i])
            served.add(flow.half[j])
        elif kind == 1:
            served.add(ids[empty[np.argmin(to_x[i] + to_x[j])] - 2])
            none.update((flow.half[i], flow.half[j]))
        else:
            none.add(ids[full[np.argmin(from_y[i] + from_y[j])] - 2])
            served.update((flow.half[i], flow.half[j]))
    costliest = flow.half[int(np.argmax(alone))]
    repaired = None
    if len(walks) == len(cover):  # every repair a single cycle: apply them to the flow
        arc_at = coo_array((np.flatnonzero(keep) + 1, (starts[keep], ends[keep])), graph.shape)
        residual = np.concatenate([np.flatnonzero(forward), np.flatnonzero(backward)])
        sign = np.where(np.arange(len(residual)) < forward.sum(), 1, -1)
        repaired = _walked(network, flow, walks, before, arc_at.tocsr(), residual, sign, half)
    bound = flow.cost + -(-doubled // 2)
    return bound, frozenset(none), frozenset(served), costliest, repaired


def _walked(network, flow, walks, before, arc_at, residual, sign, half) -> "_Flow | None":
    """`flow` changed along the cycles `walks` ((row of the Dijkstra from a half-served binôme
    or from FREE_OUT, target: a half-served binôme or FREE_IN), each a shortest path closed
    through the sink), or None when together they exceed a capacity."""
    x = flow.flows.copy()
    sink_arc = network.first_sink_arc - 2  # + node: a request's arc to the sink
    for row, node in walks:
        if before[row, node] < 0:
            return None  # out of reach: its price was only a clipped bound
        if row < len(half):
            x[sink_arc + half[row]] -= 1  # the binôme gives its volunteer away
        if node < network.nodes:
            x[sink_arc + node] += 1  # the binôme gets a second one
        while before[row, node] >= 0:
            i = int(arc_at[before[row, node], node]) - 1
            x[residual[i]] += sign[i]
            node = before[row, node]
    if (x < 0).any() or (x > flow.capacities).any():
        return None
    cost = flow.cost + int(network.costs @ (x - flow.flows))
    return network.flow(x, flow.capacities, cost)


def _potentials(tails, heads, costs, nodes: int) -> np.ndarray:
    """Shortest distances from a virtual root joined to every node at cost 0 (Bellman-Ford,
    vectorised): potentials making every reduced cost ≥ 0 on a residual network without
    negative cycle, which an optimal flow's is. Integers, one per node."""
    potential = np.zeros(nodes, dtype=np.int64)
    for _ in range(nodes + 1):
        relaxed = potential.copy()
        np.minimum.at(relaxed, heads, potential[tails] + costs)
        if np.array_equal(relaxed, potential):
            return potential
        potential = relaxed
    raise RuntimeError("negative cycle in the residual network of an optimal flow")


# Half-served binômes a cycle can repair together are solved by enumeration up to this many.
_COVER_LIMIT = 14


def _cheapest_cover(alone: np.ndarray, together: np.ndarray) -> tuple[int, list[tuple]]:
    """The cheapest way to repair every half-served binôme, each alone (`alone[i]`) or with
    another one (`together[i, j]`, symmetric): its cost and its groups of indices.

    Groups that could pair up are enumerated exactly when there are at most `_COVER_LIMIT` of
    them; beyond, each binôme is charged half its cheapest pairing, a weaker but valid bound,
    and the repair treats them alone.
    """
    count = len(alone)
    useful = together < alone[:, None] + alone[None, :]
    np.fill_diagonal(useful, False)
    _, labels = connected_components(coo_array(useful.astype(int)), directed=False)
    total, cover = 0, []
    for label in np.unique(labels):
        members = [int(i) for i in np.flatnonzero(labels == label)]
        if len(members) > _COVER_LIMIT:
            halves = np.where(useful, together, np.inf)[members].min(axis=1) // 2
            total += int(np.minimum(alone[members], halves).sum())
            cover += [(i,) for i in members]
            continue
        cost, groups = _cover(tuple(members), alone, together, {})
        total += cost
        cover += groups
    assert count == sum(len(g) for g in cover)
    return total, cover


def _cover(members: tuple, alone, together, memo: dict) -> tuple[int, list[tuple]]:
    """The cheapest cover of `members` (indices) by singles and pairs, by enumeration."""
    if not members:
        return 0, []
    if members not in memo:
        first, rest = members[0], members[1:]
        cost, groups = _cover(rest, alone, together, memo)
        best = (int(alone[first]) + cost, [(first,), *groups])
        for k, other in enumerate(rest):
            cost, groups = _cover(rest[:k] + rest[k + 1 :], alone, together, memo)
            if int(together[first, other]) + cost < best[0]:
                best = (int(together[first, other]) + cost, [(first, other), *groups])
        memo[members] = best
    return memo[members]


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

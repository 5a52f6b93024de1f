"""The min-cost flow network of one connected part, and its flows (OR-Tools)."""

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from matching.solver.model import TRAVEL_PER_DECIKM

# Headroom under 2**63: OR-Tools' cost scaling multiplies unit costs by about the number
# of nodes, and totals must not overflow either.
INT64_BUDGET = 2**62


def weights(demands, supplies, arcs) -> tuple[int, int] | None:
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
    if (w_served + w_priority * 300) * nodes * 4 >= INT64_BUDGET:
        return None
    return w_served, w_priority


class Network:
    """The flow network of one part, built once as arrays: source → volunteer (capacity),
    volunteer → request (1, travel), request → sink (need, −reward / need), and a free
    source → sink arc, so that serving nobody is allowed."""

    def __init__(self, demands, supplies, arcs, weights):
        w_served, w_priority = weights
        self.demands, self.arcs = demands, arcs
        self.need = np.array([d.need for d in demands], np.int64)  # by demand index
        self.reward = {d.id: w_served + w_priority * d.priority for d in demands}
        self.d_index = {d.id: i for i, d in enumerate(demands)}
        n_d, n_s, n_a = len(demands), len(supplies), len(arcs)
        self.nodes = 2 + n_d + n_s
        s_index = {s.id: i for i, s in enumerate(supplies)}
        arc_d = np.fromiter((self.d_index[a.demand] for a in arcs), np.int32, n_a)
        arc_s = np.fromiter((s_index[a.supply] for a in arcs), np.int32, n_a)
        self.arc_demand, self.arc_supply = arc_d, arc_s
        self.total = sum(s.capacity for s in supplies)
        d_nodes = 2 + np.arange(n_d, dtype=np.int32)
        s_nodes = 2 + n_d + np.arange(n_s, dtype=np.int32)
        self.tails = np.concatenate([np.zeros(n_s, np.int32), s_nodes[arc_s], d_nodes, [0]])
        self.heads = np.concatenate([s_nodes, d_nodes[arc_d], np.ones(n_d, np.int32), [1]])
        self.capacities = np.concatenate(
            [
                [s.capacity for s in supplies],
                np.ones(n_a),
                self.need,
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

    def solve(self, *, none=frozenset(), full=frozenset()) -> "Flow | None":
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
        costs = self.costs
        if none or full:
            # Their arcs to the sink carry nothing (no unit reaches them, or their need is a
            # fixed demand): their rewards are left out, which spares OR-Tools' cost scaling
            # their magnitude, 10¹⁴ (three times faster on the nation's giant part once every
            # request is fixed, as `region.settle` does).
            fixed = np.fromiter((self.d_index[r] for r in none | full), np.int64)
            costs = costs.copy()
            costs[self.first_sink_arc + fixed] = 0
        graph = min_cost_flow.SimpleMinCostFlow()
        graph.add_arcs_with_capacity_and_unit_cost(self.tails, self.heads, capacities, costs)
        graph.set_nodes_supplies(np.arange(self.nodes, dtype=np.int32), supply)
        if graph.solve() != graph.OPTIMAL:
            return None
        flows = graph.flows(np.arange(len(self.tails), dtype=np.int32))
        flow = self.flow(
            flows, capacities, graph.optimal_cost() - sum(self.reward[r] for r in full)
        )
        flow.full = frozenset(full)
        return flow

    def flow(self, flows, capacities, cost) -> "Flow":
        """The node of the search of these arrays (one entry per arc) and weighted cost."""
        chosen = np.flatnonzero(flows[self.first_arc : self.first_sink_arc])
        pairs = [(self.arcs[i].demand, self.arcs[i].supply) for i in chosen]
        served = flows[self.first_sink_arc : self.first_sink_arc + len(self.demands)]
        half = [d.id for d, units in zip(self.demands, served, strict=True) if 0 < units < d.need]
        return Flow(pairs, cost, half, capacities, flows)

    def residual(self, flows, capacities) -> "Residual":
        """The residual network of these flows: an arc forward where it has room, backward
        where it carries flow."""
        forward, backward = flows < capacities, flows > 0
        arc = np.concatenate([np.flatnonzero(forward), np.flatnonzero(backward)])
        sign = np.repeat(np.array([1, -1], np.int64), [forward.sum(), backward.sum()])
        tails = np.where(sign > 0, self.tails[arc], self.heads[arc])
        heads = np.where(sign > 0, self.heads[arc], self.tails[arc])
        return Residual(tails, heads, sign * self.costs[arc], arc, sign)

    def potential(self, flow: "Flow") -> np.ndarray:
        """Potentials of an optimal `flow` (every reduced cost of its residual network ≥ 0),
        computed once by Bellman-Ford unless the flow came with them."""
        if flow.potential is None:
            r = self.residual(flow.flows, flow.capacities)
            flow.potential = potentials(r.tails, r.heads, r.costs, self.nodes)
        return flow.potential

    def reoptimised(self, flow: "Flow", *, close=None, complete=None) -> "Flow | None":
        """The optimal flow once the half-served binôme `close` gets nobody, or `complete`
        gets its whole need, from the optimal `flow` of its parent node; None when infeasible.

        Closing frees its volunteer's unit, completing needs one more unit: either way one
        node has a unit too many and another one too few, and the parent's potentials keep
        every other residual arc's reduced cost ≥ 0. One shortest path between the two
        (Dijkstra on the reduced costs) restores an optimal flow, as in the successive
        shortest paths algorithm (Ahuja, Magnanti and Orlin, Network Flows, ch. 9.7), at a
        fraction of a new min-cost flow.
        """
        potential = self.potential(flow)
        request = close if close is not None else complete
        i = self.d_index[request]
        node, sink_arc = 2 + i, self.first_sink_arc + i
        flows, capacities = flow.flows.copy(), flow.capacities.copy()
        flows[sink_arc] = 0
        if close is not None:
            into = self.first_arc + np.flatnonzero(self.arc_demand == i)
            start, end = self.tails[into[flows[into] > 0][0]], 1  # the volunteer, the sink
            flows[into] = capacities[into] = 0
        else:
            capacities[sink_arc] = 0
            start, end = 1, node
        r = self.residual(flows, capacities)
        # A closed request is out of reach, its arc to the sink too.
        keep = r.tails != node if close is not None else np.ones(len(r.tails), bool)
        reduced = r.costs + potential[r.tails] - potential[r.heads]
        if (reduced[keep] < 0).any():
            raise RuntimeError("the parent's potentials are not optimal")
        at = csr_array(
            (np.flatnonzero(keep) + 1, (r.tails[keep], r.heads[keep])), (self.nodes,) * 2
        )
        graph = csr_array((reduced[at.data - 1].astype(float), at.indices, at.indptr), at.shape)
        distance, before = dijkstra(graph, indices=start, return_predecessors=True)
        if not np.isfinite(distance[end]):
            return None
        step = end
        while step != start:
            k = int(at[before[step], step]) - 1
            flows[r.arc[k]] += r.sign[k]
            step = before[step]
        moved = np.minimum(distance, distance[end]).astype(np.int64)
        child_potential = potential + moved
        if close is not None:
            child_potential[node] = child_potential[1] - self.costs[sink_arc]
        full = {complete} if complete is not None else set()
        cost = int(self.costs @ flows) - sum(self.reward[q] for q in full | flow.full)
        child = self.flow(flows, capacities, cost)
        child.potential, child.full = child_potential, flow.full | full
        return child


@dataclass
class Flow:
    """One node of the search: its pairs, its cost (weighted, lower is better), the ids of the
    requests half served, and the capacities and flows of every arc of the network."""

    pairs: list[tuple[int, int]]
    cost: int
    half: list[int]
    capacities: np.ndarray
    flows: np.ndarray
    potential: np.ndarray | None = None  # optimal potentials, one per node, when known
    full: frozenset = frozenset()  # the requests forced to be served fully


@dataclass
class Residual:
    """A residual network as arrays, one entry per residual arc: its ends, its cost, the
    network's arc it stands for and +1 forward or −1 backward."""

    tails: np.ndarray
    heads: np.ndarray
    costs: np.ndarray
    arc: np.ndarray
    sign: np.ndarray


def potentials(tails, heads, costs, nodes: int) -> np.ndarray:
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

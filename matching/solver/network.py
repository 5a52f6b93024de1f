"""The min-cost flow network of one connected part, and its flows (OR-Tools)."""

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

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
        graph = min_cost_flow.SimpleMinCostFlow()
        graph.add_arcs_with_capacity_and_unit_cost(self.tails, self.heads, capacities, self.costs)
        graph.set_nodes_supplies(np.arange(self.nodes, dtype=np.int32), supply)
        if graph.solve() != graph.OPTIMAL:
            return None
        flows = graph.flows(np.arange(len(self.tails), dtype=np.int32))
        return self.flow(
            flows, capacities, graph.optimal_cost() - sum(self.reward[r] for r in full)
        )

    def flow(self, flows, capacities, cost) -> "Flow":
        """The node of the search of these arrays (one entry per arc) and weighted cost."""
        chosen = np.flatnonzero(flows[self.first_arc : self.first_sink_arc])
        pairs = [(self.arcs[i].demand, self.arcs[i].supply) for i in chosen]
        served = flows[self.first_sink_arc : self.first_sink_arc + len(self.demands)]
        half = [d.id for d, units in zip(self.demands, served, strict=True) if 0 < units < d.need]
        return Flow(pairs, cost, half, capacities, flows)


@dataclass
class Flow:
    """One node of the search: its pairs, its cost (weighted, lower is better), the ids of the
    requests half served, and the capacities and flows of every arc of the network."""

    pairs: list[tuple[int, int]]
    cost: int
    half: list[int]
    capacities: np.ndarray
    flows: np.ndarray


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

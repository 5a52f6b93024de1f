"""The branch and bound over min-cost flows for the binômes' "two or none"."""

from dataclasses import dataclass

import numpy as np

from matching.solver.bound import parity_bound, repair_bound
from matching.solver.network import Flow, Network, weights
from matching.solver.region import settle

# Flows per connected part (one min-cost flow at the root, then shortest-path
# reoptimisations) before the integer program takes over.
BRANCH_LIMIT = 200


@dataclass
class Outcome:
    """What the flows found on one part: the optimal `pairs`, or None when the weights do not
    fit in 64 bits or the search passed BRANCH_LIMIT flows; then `served`, the number of
    requests the optimum serves when the flows proved it (the best plan found serves as many
    as the root's bounds allow, see `most_served`), else None."""

    pairs: list[tuple[int, int]] | None
    served: int | None = None
    method: str = "flow"  # "region" when `region.settle` proved the pairs


def branch_and_bound(demands, supplies, arcs) -> Outcome:
    """The optimal pairs of one part by flows, or what the flows proved before giving up
    (`Outcome`).

    Each node of the search is an optimal flow where some binômes are served by nobody and
    some fully; a child changes one binôme from its parent's flow by one shortest path
    (`Network.reoptimised`). When a node leaves binômes half served, `repair_bound` gives a
    lower bound for every plan under it and the repair meant to reach it, applied along
    shortest paths, and `parity_bound` another one; the plans these repairs give, else a
    dive (`_dive`), update the best plan found, which prunes every node whose bound it
    meets. Otherwise the node branches on its costliest half-served binôme, the repair's
    side first (depth first).
    """
    weighting = weights(demands, supplies, arcs)
    if weighting is None:
        return Outcome(None)
    network = Network(demands, supplies, arcs, weighting)
    best: Flow | None = None
    most = None  # the most requests a plan can serve: the root flow's, rounded down
    flows = 0
    stack: list[tuple[Flow | None, dict]] = [(None, {})]  # (parent, the change to make)
    while stack:
        parent, change = stack.pop()
        if flows >= BRANCH_LIMIT:
            served = None if best is None else len({demand for demand, _ in best.pairs})
            return Outcome(None, served if served == most else None)
        node = network.solve() if parent is None else network.reoptimised(parent, **change)
        flows += 1
        if parent is None and node is not None:
            most = int(_served(network, node))  # the root: no request forced, all on the sink
        if node is None or (best is not None and node.cost >= best.cost):
            continue  # infeasible, or no better than a plan already found
        if not node.half:
            best = node
            continue
        bound, drop, complete, costliest, repaired = repair_bound(network, node)
        parity, fixed = parity_bound(network, node)
        bound = max(bound, parity)
        if parent is None and np.isfinite(bound):
            most = min(most, most_served(int(bound), weighting))
        for plan in (repaired, fixed):
            best = _better(best, plan)
        if best is None or best.cost > bound:
            if parent is None:
                # Not proven at the root: the region where the served set is chosen may prove
                # it. A plan proven optimal costs no more than any plan found: if not, the
                # region's argument failed somewhere, and the search goes on without it.
                settled = settle(network, node, supplies, arcs, most)
                if settled is not None and (best is None or settled.cost <= best.cost):
                    return Outcome(settled.pairs, method="region")
            dived, spent = _dive(network, node, complete, BRANCH_LIMIT - flows)
            flows += spent
            best = _better(best, dived)
        if best is not None and best.cost <= bound:
            continue  # nothing under this node beats the best plan: it may be the node's own
        branches = [(node, {"close": costliest}), (node, {"complete": costliest})]
        stack += branches[::-1] if costliest in drop else branches
    return Outcome(best.pairs if best is not None else None)


def most_served(bound: int, weighting: tuple[int, int]) -> int:
    """The most requests a plan can serve when every plan costs at least `bound` (a lower
    bound on the weighted cost, as the root's repair and parity bounds are).

    A plan serving k requests of priority P in all, with travel T, costs
    T − k·w_served − P·w_priority (`network.weights`). With P ≥ 0 and T < w_priority (the
    weight of a priority point exceeds the widest swing of the travel), cost ≥ bound gives
    k·w_served ≤ T − P·w_priority − bound < w_priority − bound. The bound counts a half-served
    binôme as half a request, and plans serve whole ones: the integer division rounds a
    bound of 4,510.5 requests down to a proof of 4,510, as any bound on an integer-valued
    objective may be rounded. Takes an integer bound and the part's (w_served, w_priority);
    returns k, the most requests any plan of the part serves."""
    w_served, w_priority = weighting
    return max(0, (w_priority - bound - 1) // w_served)


def _served(network: Network, flow: Flow) -> float:
    """The requests `flow` serves, a binôme with one accompanist counting half."""
    units = flow.flows[network.first_sink_arc : network.first_sink_arc + len(network.demands)]
    return float(np.sum(units / network.need))


def _better(best: Flow | None, flow: Flow | None) -> Flow | None:
    """The cheaper of `best` and `flow`, counting `flow` only when it is a plan (nobody half
    served)."""
    if flow is None or flow.half or (best is not None and best.cost <= flow.cost):
        return best
    return flow


def _dive(network: Network, flow: Flow, complete: frozenset, limit: int) -> tuple[Flow, int]:
    """A plan under `flow` with nobody half served, if `limit` flows suffice: its half-served
    binômes completed when the repair says so and it is feasible, else served by nobody, one
    at a time (closing one may leave another one half served). Returns the last flow and the
    number of flows spent."""
    spent = 0
    while flow.half and spent < limit:
        request = flow.half[0]
        child = network.reoptimised(flow, complete=request) if request in complete else None
        flow = child if child is not None else network.reoptimised(flow, close=request)
        spent += 1 + (request in complete and child is None)
    return flow, spent

"""The branch and bound over min-cost flows for the binômes' "two or none"."""

from matching.solver.bound import repair_bound
from matching.solver.network import Flow, Network, weights

BRANCH_LIMIT = 64  # flows per connected part before the integer program takes over


def branch_and_bound(demands, supplies, arcs) -> list[tuple[int, int]] | None:
    """The optimal pairs of one part by flows; None when the weights do not fit in 64 bits or
    the search passes BRANCH_LIMIT flows.

    Each node of the search is a flow where some binômes are served by nobody and some fully.
    When it leaves binômes half served, `repair_bound` gives a lower bound for every plan under
    that node and the repair meant to reach it, applied along shortest paths, else tried as one
    more flow; if it leaves nobody half served at the bound, the node is solved. Otherwise the
    node branches on its costliest half-served binôme, the repair's side first (depth first,
    pruned by bounds).
    """
    weighting = weights(demands, supplies, arcs)
    if weighting is None:
        return None
    network = Network(demands, supplies, arcs, weighting)
    best: Flow | None = None
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
        bound, drop, complete, costliest, repaired = repair_bound(network, node)
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

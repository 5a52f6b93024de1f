"""The repair bound: a lower bound on every plan under a flow with binômes half served, and
the repair meant to reach it."""

import numpy as np
from scipy.sparse import coo_array, csr_array
from scipy.sparse.csgraph import connected_components, dijkstra

from matching.solver.network import Flow, Network

# Distances go through float64 in scipy's Dijkstra, exact for integers below 2**53. Reduced
# costs and distances are clipped to this, which keeps a lower bound a lower bound, so that
# sums of a few of them, doubled, stay exact.
_CLIP = 2**48


def repair_bound(
    network: Network, flow: Flow
) -> tuple[int, frozenset, frozenset, int, Flow | None]:
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
    r = network.residual(flow.flows, flow.capacities)
    tails, heads, costs = r.tails, r.heads, r.costs
    potential = network.potential(flow)
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
    doubled, cover = cheapest_cover(alone.astype(np.int64), together.astype(np.int64))
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
        repaired = _walked(network, flow, walks, before, arc_at.tocsr(), r.arc, r.sign, half)
    bound = flow.cost + -(-doubled // 2)
    return bound, frozenset(none), frozenset(served), costliest, repaired


def _walked(network, flow, walks, before, arc_at, residual, sign, half) -> "Flow | None":
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


# Half-served binômes a cycle can repair together are solved by enumeration up to this many.
COVER_LIMIT = 14


def cheapest_cover(alone: np.ndarray, together: np.ndarray) -> tuple[int, list[tuple]]:
    """The cheapest way to repair every half-served binôme, each alone (`alone[i]`) or with
    another one (`together[i, j]`, symmetric): its cost and its groups of indices.

    Groups that could pair up are enumerated exactly when there are at most `COVER_LIMIT` of
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
        if len(members) > COVER_LIMIT:
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


def parity_bound(network: Network, flow: Flow) -> tuple[float, Flow | None]:
    """A lower bound on the cost of every plan under `flow`'s node with nobody half served,
    from the parity of its half-served binômes (`flow.cost` when they are even in number),
    and `flow` changed along the cycles that price it (None when they do not fit together).

    A binôme's unit counts half a request served. With an odd number of them half served,
    the flow serves a whole number and a half, and a plan a whole number: the cycles turning
    the flow into the plan (each through the sink once, each of reduced cost ≥ 0, see
    `repair_bound`) cannot all keep the number served. One of them at least enters the sink
    from one kind (a single request, a binôme, the free arc) and leaves it towards another:
    the cheapest such cycle is a bound. With one binôme b half served, one cycle passes its
    own arc to the sink: either that cycle changes the number served, or it keeps it (it
    joins b to another binôme) and another one changes it; the cheaper of the two cases is
    the bound. Prices are shortest paths (Dijkstra on reduced costs, the sink split by kind
    and b apart); infinity when no cycle changes the number served, as no plan exists then.
    """
    if len(flow.half) % 2 == 0:
        return flow.cost, None
    potential = network.potential(flow)
    r = network.residual(flow.flows, flow.capacities)
    reduced = np.minimum(r.costs + potential[r.tails] - potential[r.heads], _CLIP)
    n = network.nodes
    # The sink split: entered from a single request, a binôme, the free arc or b (n to n + 3),
    # left towards the same (n + 4 to n + 7).
    kind = network.binome.astype(np.int64)  # 0 a single request, 1 a binôme, 2 the source
    kind[0] = 2
    if len(flow.half) == 1:
        kind[2 + network.d_index[flow.half[0]]] = 3
    into, out = r.heads == 1, r.tails == 1
    ends = np.where(into, n + kind[r.tails], r.heads)
    starts = np.where(out, n + 4 + kind[r.heads], r.tails)
    at = csr_array((np.arange(1, len(starts) + 1), (starts, ends)), shape=(n + 8, n + 8))
    graph = csr_array((reduced[at.data - 1].astype(float), at.indices, at.indptr), at.shape)
    distance, before = dijkstra(graph, indices=n + 4 + np.arange(4), return_predecessors=True)
    d = distance[:, n : n + 4]  # d[left towards, entered from]
    kinds = [0, 1, 2]
    changes = [(x, y) for x in kinds for y in kinds if x != y]
    anywhere = min(changes, key=lambda c: d[c])
    cases = [[anywhere]]
    if len(flow.half) == 1:
        cases = [[(3, 0)], [(3, 2)], [(0, 3)], [(2, 3)], [(3, 1), anywhere], [(1, 3), anywhere]]
    best = min(cases, key=lambda cycles: sum(d[c] for c in cycles))
    bound = sum(d[c] for c in best)
    if not np.isfinite(bound):
        return np.inf, None
    flows = flow.flows.copy()
    for row, column in best:
        step = n + column
        while before[row, step] >= 0:
            k = int(at[before[row, step], step]) - 1
            flows[r.arc[k]] += r.sign[k]
            step = before[row, step]
    if (flows < 0).any() or (flows > flow.capacities).any():
        return flow.cost + int(bound), None
    cost = flow.cost + int(network.costs @ (flows - flow.flows))
    return flow.cost + int(bound), network.flow(flows, flow.capacities, cost)

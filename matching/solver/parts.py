"""The connected parts of a problem, solved independently, and the presolve before them."""

from collections import defaultdict

import numpy as np
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components


def components(demands, supplies, arcs):
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


def without_lone_binomes(demands, arcs):
    """The arcs left once those of requests with fewer candidates than their need are dropped:
    a binôme with a single candidate can never be served, and in the flow it would only take a
    volunteer's capacity for half a reward."""
    candidates: dict[int, int] = defaultdict(int)
    for arc in arcs:
        candidates[arc.demand] += 1
    need = {d.id: d.need for d in demands}
    return [a for a in arcs if candidates[a.demand] >= need[a.demand]]

"""The connected parts of a problem, solved independently, and the presolve before them.

Both loop over every arc (250,000 at the nation) once, to read its ends; the rest is on
numpy arrays.
"""

from operator import attrgetter

import numpy as np
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components


def components(demands, supplies, arcs):
    """Split the problem into its connected parts (no arc between two parts), dropping
    requests and volunteers without arcs and volunteers without capacity. Each part is
    (demands, supplies, arcs), in their order in the inputs."""
    supplies = [s for s in supplies if s.capacity > 0]
    d_index = {d.id: i for i, d in enumerate(demands)}
    s_index = {s.id: len(demands) + i for i, s in enumerate(supplies)}
    columns = np.fromiter(map(lambda a: s_index.get(a.supply, -1), arcs), np.int64, len(arcs))
    kept = np.flatnonzero(columns >= 0)
    if not len(kept):
        return []
    columns = columns[kept]
    rows = np.fromiter(
        map(d_index.__getitem__, map(attrgetter("demand"), map(arcs.__getitem__, kept.tolist()))),
        np.int64,
        len(kept),
    )
    size = len(demands) + len(supplies)
    graph = coo_array((np.ones(len(kept)), (rows, columns)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    linked = np.zeros(size, bool)
    linked[rows] = linked[columns] = True
    # Parts in the order of their first arc; in each, arcs and nodes in their input order.
    arc_labels = labels[rows]
    found, first = np.unique(arc_labels, return_index=True)
    rank = np.zeros(size, np.int64)
    rank[found[np.argsort(first)]] = np.arange(len(found))
    nodes = np.flatnonzero(linked)
    d_nodes, s_nodes = nodes[nodes < len(demands)], nodes[nodes >= len(demands)]
    return list(
        zip(
            _grouped(demands, d_nodes, rank[labels[d_nodes]], len(found)),
            _grouped(supplies, s_nodes - len(demands), rank[labels[s_nodes]], len(found)),
            _grouped(arcs, kept, rank[arc_labels], len(found)),
            strict=True,
        )
    )


def _grouped(items, indices, groups, count):
    """`items` at `indices` split by their group (0 to count − 1), each group in input order."""
    order = np.argsort(groups, kind="stable")
    bounds = np.cumsum(np.bincount(groups, minlength=count))[:-1]
    return [list(map(items.__getitem__, i.tolist())) for i in np.split(indices[order], bounds)]


def without_lone_binomes(demands, arcs):
    """The arcs left once those of requests with fewer candidates than their need are dropped:
    a binôme with a single candidate can never be served, and in the flow it would only take a
    volunteer's capacity for half a reward."""
    d_index = {d.id: i for i, d in enumerate(demands)}
    rows = np.fromiter(
        map(d_index.__getitem__, map(attrgetter("demand"), arcs)), np.int64, len(arcs)
    )
    candidates = np.bincount(rows, minlength=len(demands))
    need = np.array([d.need for d in demands], np.int64)
    keep = (candidates >= need)[rows]
    return list(map(arcs.__getitem__, np.flatnonzero(keep).tolist()))

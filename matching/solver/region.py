"""The deficient region of a part: where the choice of the requests served is made.

Take an optimal flow of the part's network (`network.Network`, served then priority then
travel). Its requests not fully served, and every node that can reach one of them in the
residual network by arcs between volunteers and requests (an unused arc volunteer → request,
a used one request → volunteer), form the region T: the Hungarian or Dulmage–Mendelsohn
decomposition of a maximum b-matching (Lovász and Plummer, Matching Theory, 1986, ch. 3).
Its volunteers are all saturated (else an augmenting path would serve one more unit, which
the weights reward) and give all their units to T's requests; the requests of T have no
candidate outside T's volunteers but through arcs the flow uses (the boundary arcs).

So any plan g becomes g′ = (the flow outside T) ∪ (g on T's requests), with each boundary
arc a private unit: it is a plan and serves every request outside T, and those g serves in
T. Every plan with the most served, then the most priority, thus serves all the requests
outside T and, inside T, an optimum of T's own problem (T's requests, its volunteers and a
unit volunteer per boundary arc). When that optimum's set of requests is the only one, the
served set of the whole part is known, and the plan of least travel that serves exactly it
is a min-cost flow: integral, no binôme half served. Otherwise the number served and the
priority are still known, and so are the requests outside T, which every optimal plan
serves: the integer program then only has the travel level to solve (`exact.milp`).
"""

from dataclasses import dataclass

import numpy as np

from matching.solver.exact import best_served
from matching.solver.model import Arc, Supply
from matching.solver.network import Flow, Network

# Past this many requests in the region its integer programs could take the time that the
# method saves: the branch and bound then goes on as before.
REGION_LIMIT = 1_000


@dataclass
class Settled:
    """What the region proves about the part's optima: the optimal `plan` when the served set
    is unique, else None; the number `served` and the `priority` of every optimal plan, and
    the requests it serves for sure (`required`)."""

    plan: Flow | None
    served: int
    priority: int
    required: frozenset


def settle(network: Network, flow: Flow, supplies, arcs) -> Settled | None:
    """What the region of the optimal root `flow` proves (`Settled`), or None when it holds
    more than REGION_LIMIT requests or a check of the argument above fails."""
    n_d = len(network.demands)
    x = flow.flows[network.first_arc : network.first_sink_arc]
    units = flow.flows[network.first_sink_arc : network.first_sink_arc + n_d]
    need = np.array([d.need for d in network.demands])
    arc_d, arc_s = network.arc_demand, network.arc_supply
    in_r, in_s = units < need, np.zeros(len(supplies), bool)
    while True:  # residual reachability, backwards from the requests not fully served
        reach_s = in_s.copy()
        reach_s[arc_s[in_r[arc_d] & (x == 0)]] = True
        reach_r = in_r.copy()
        reach_r[arc_d[reach_s[arc_s] & (x > 0)]] = True
        if (reach_s == in_s).all() and (reach_r == in_r).all():
            break
        in_r, in_s = reach_r, reach_s
    if in_r.sum() > REGION_LIMIT:
        return None
    load = np.bincount(arc_s, weights=x, minlength=len(supplies))
    capacity = np.array([s.capacity for s in supplies])
    if (load[in_s] < capacity[in_s]).any() or (in_s[arc_s] & ~in_r[arc_d] & (x > 0)).any():
        return None  # not an optimal flow's region: the argument does not hold
    boundary = np.flatnonzero(in_r[arc_d] & ~in_s[arc_s])
    sub_demands = [d for d, inside in zip(network.demands, in_r, strict=True) if inside]
    sub_supplies = [s for s, inside in zip(supplies, in_s, strict=True) if inside]
    sub_arcs = [arcs[i] for i in np.flatnonzero(in_r[arc_d] & in_s[arc_s])]
    # A boundary arc's volunteer gives T the one unit the flow gives it there: a private unit
    # volunteer with an id no real volunteer of the part has.
    fresh = max(s.id for s in supplies) + 1
    for k, i in enumerate(boundary):
        sub_supplies.append(Supply(fresh + k, 1))
        sub_arcs.append(Arc(arcs[i].demand, fresh + k, arcs[i].decikm, arcs[i].preference))
    served, unique, count, priority = best_served(sub_demands, sub_supplies, sub_arcs)
    outside = [d for d, inside in zip(network.demands, in_r, strict=True) if not inside]
    required = frozenset(d.id for d in outside)
    settled = Settled(
        None, count + len(outside), priority + sum(d.priority for d in outside), required
    )
    if unique:
        inside = {d.id for d in sub_demands}
        none = frozenset(inside - served)
        full = frozenset(d.id for d in network.demands if d.id not in none)
        settled.plan = network.solve(none=none, full=full)
    return settled

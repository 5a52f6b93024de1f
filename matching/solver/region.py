"""The deficient region of a part, where the requests served are chosen, and the plan of least
travel among those it allows (a Benders decomposition).

Take an optimal flow of the part's network (`network.Network`: served, then priority, then
travel). Its requests not fully served, and every node that can reach one of them in the
residual network by arcs between volunteers and requests (an unused arc volunteer → request,
a used one request → volunteer), form the region T: the Dulmage–Mendelsohn decomposition of a
maximum b-matching (Lovász and Plummer, Matching Theory, 1986, ch. 3). Its volunteers are all
saturated (else an augmenting path would serve one more unit, which the weights reward) and
give all their units to T's requests; T's requests have no candidate outside T's volunteers
but through arcs the flow uses (the boundary arcs).

So any plan g becomes g′ = (the flow outside T) ∪ (g on T's requests), with each boundary arc
a private unit: a plan that serves every request outside T, and those g serves in T. Every
plan with the most served, then the most priority, thus serves all the requests outside T and,
inside T, a set S optimal for T's own problem (T's requests, its volunteers and a unit
volunteer per boundary arc), and conversely. T is small (318 requests and 154 volunteers of
the nation's giant part at seed 2), so T's integer program gives those levels in about a
second.

The travel level remains: the least travel over those sets S. For a fixed S it is a min-cost
flow, travel(S), whose value is convex in the demands; the optimal potentials π of the flow
for S_k give, by linear programming duality, travel(S) ≥ travel(S_k) + w(S) − w(S_k) for
every S, with w(r) = need(r)·(π(r) − π(sink)) (each unit moved from the sink to r, or back,
costs at least the difference of potentials). The master problem, T's integer program with
both levels fixed and these cuts, proposes the next S; it stops when its bound meets the best
travel found (Benders, Partitioning procedures for solving mixed-variables programming
problems, 1962). The root flow's own cut comes first: its units, half-served binômes
included, are a demand like any other, for which it is the least travel. One and three
rounds close seeds 2 and 5 of the nation.
"""

import numpy as np
from scipy.optimize import Bounds, LinearConstraint
from scipy.sparse import csr_array, hstack

from matching.solver.exact import best_sets, solve_highs
from matching.solver.model import Arc, Supply
from matching.solver.network import Flow, Network, potentials

# Past this many requests in the region its integer programs could take the time that the
# method saves; past this many rounds the cuts are not closing in. The branch and bound then
# goes on as before.
REGION_LIMIT = 1_000
ROUNDS = 20


def settle(network: Network, flow: Flow, supplies, arcs, most: int | None = None) -> Flow | None:
    """The optimal plan of the part, from its optimal root `flow`, or None when the region
    holds more than REGION_LIMIT requests, a check of the argument above fails, HiGHS fails,
    or ROUNDS rounds do not prove a plan optimal. `most`, when known, is a number of requests
    no plan of the part serves more than (`branch.most_served`)."""
    region = deficient_region(network, flow, supplies, arcs)
    if region is None:
        return None
    demands, region_supplies, region_arcs = region
    # Every optimal plan serves the requests outside the region: the region serves the rest.
    outside = len(network.demands) - len(demands)
    constraints = best_sets(
        demands, region_supplies, region_arcs, served=None if most is None else most - outside
    )
    if constraints is None:
        return None
    columns = len(region_arcs) + len(demands)
    # θ, the travel, is one more column of the master problem.
    master = [
        LinearConstraint(hstack([csr_array(c.A), csr_array((c.A.shape[0], 1))]).tocsr(), c.lb, c.ub)
        for c in constraints
    ]
    ids = [d.id for d in demands]
    nodes = np.array([network.d_index[i] for i in ids])
    need = network.need[nodes]

    def cut(plan: Flow) -> int:
        """Adds the cut of `plan` to the master, θ − w·y ≥ travel − slopes·units; returns
        its travel."""
        travel, slopes, units = _travel_and_slopes(network, plan, nodes)
        row = np.concatenate([np.zeros(len(region_arcs)), -need * slopes, [1.0]])
        master.append(LinearConstraint(row[None, :], travel - slopes @ units, np.inf))
        return travel

    # The root flow's own units, half-served binômes included, are a demand like any other,
    # and the root flow is the least travel for them: its cut comes first, for free.
    cut(flow)
    best = None
    for _ in range(ROUNDS):
        result = solve_highs(
            np.concatenate([np.zeros(columns), [1.0]]),
            master,
            np.concatenate([np.ones(columns), [0]]),
            bounds=Bounds(
                np.concatenate([np.zeros(columns), [-np.inf]]),
                np.concatenate([np.ones(columns), [np.inf]]),
            ),
        )
        if result.status != 0:
            return None
        # Travel is an integer: a bound above best − 1 proves the best plan found. Half a
        # unit of margin, so that HiGHS's tolerances (about 10⁻⁶ relative, on travels of
        # 10⁶) can never turn a bound of exactly best − 1 into a proof.
        if best is not None and result.mip_dual_bound >= best[0] - 0.5:
            return best[1]
        served = result.x[len(region_arcs) : columns] > 0.5
        none = frozenset(i for i, y in zip(ids, served, strict=True) if not y)
        plan = network.solve(none=none, full=frozenset(network.reward) - none)
        if plan is None:
            return None  # T's problem said S was possible: the argument does not hold
        travel = cut(plan)
        if best is None or travel < best[0]:
            best = (travel, plan)
    return None


def deficient_region(network: Network, flow: Flow, supplies, arcs):
    """The region T of the optimal `flow` as its own problem: (requests, volunteers with a
    unit volunteer per boundary arc, arcs); None when it holds more than REGION_LIMIT
    requests or `flow` does not show the properties of an optimal flow the argument uses."""
    n_d = len(network.demands)
    x = flow.flows[network.first_arc : network.first_sink_arc]
    units = flow.flows[network.first_sink_arc : network.first_sink_arc + n_d]
    need = network.need
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
    if (load[in_s] < capacity[in_s]).any():
        return None  # an unsaturated volunteer in T: `flow` is not the optimum it should be
    demands = [d for d, inside in zip(network.demands, in_r, strict=True) if inside]
    region_supplies = [s for s, inside in zip(supplies, in_s, strict=True) if inside]
    region_arcs = [arcs[i] for i in np.flatnonzero(in_r[arc_d] & in_s[arc_s])]
    # A boundary arc's volunteer gives T the one unit the flow gives it there: a private unit
    # volunteer, with an id no volunteer of the part has.
    fresh = max(s.id for s in supplies) + 1
    for k, i in enumerate(np.flatnonzero(in_r[arc_d] & ~in_s[arc_s])):
        region_supplies.append(Supply(fresh + k, 1))
        region_arcs.append(Arc(arcs[i].demand, fresh + k, arcs[i].decikm, arcs[i].preference))
    return demands, region_supplies, region_arcs


def _travel_and_slopes(
    network: Network, flow: Flow, requests
) -> tuple[int, np.ndarray, np.ndarray]:
    """The travel of `flow`, and at the region's `requests` (indices) the slopes of its cut
    per unit, π(r) − π(sink), and the units `flow` gives them. Integers.

    The potentials are those of the program where each request's units are a fixed demand:
    no request → sink arcs (their flow moved into the demand), every volunteer → request arc
    open (those into a request served by nobody lead nowhere, so they close no cycle). Its
    residual network is part of the one of `flow`, optimal for the same costs, so it has no
    negative cycle and `flow` is the least travel for its own units."""
    pairs = slice(network.first_arc, network.first_sink_arc)
    sinks = slice(network.first_sink_arc, network.first_sink_arc + len(network.demands))
    travel = int(network.costs[pairs] @ flow.flows[pairs])
    flows, capacities = flow.flows.copy(), network.capacities.copy()
    flows[sinks] = capacities[sinks] = 0
    r = network.residual(flows, capacities)
    potential = potentials(r.tails, r.heads, r.costs, network.nodes)
    units = np.bincount(
        network.arc_demand, weights=flow.flows[pairs], minlength=len(network.demands)
    )
    return travel, potential[2 + requests] - potential[1], units[requests].astype(np.int64)

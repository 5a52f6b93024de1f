"""The assignment of volunteers to requests: an exact plan, an exact reference and a greedy one.

Pure Python and numerical libraries, no database: the matching services (`matching.plans`)
and the benchmark (`benchmarks/matching.py`) build the same inputs. The model is written
down in docs/matching.md.

Inputs are `Demand`s (a request still needing 1 or 2 accompanists), `Supply`s (a volunteer
with the number of modules they may still take) and the candidate `Arc`s between them,
already filtered by every per-pair hard constraint (distance, half-days, months, age,
declined and excluded pairs). What stays for the solver: capacities, and a request needing
two accompanists gets two or none.

The modules: `model` (the data and the objective), `parts` (presolve, connected parts),
`network` (the min-cost flow of a part), `bound` (the repair bound), `branch` (the branch
and bound over flows) and `exact` (the integer program).
"""

from matching.solver.branch import branch_and_bound
from matching.solver.exact import milp
from matching.solver.model import (
    TRAVEL_PER_DECIKM,
    Arc,
    Demand,
    Objective,
    Plan,
    Supply,
    evaluate,
    request_priority,
)
from matching.solver.parts import components, without_lone_binomes

__all__ = [
    "TRAVEL_PER_DECIKM",
    "Arc",
    "Demand",
    "Objective",
    "Plan",
    "Supply",
    "evaluate",
    "request_priority",
    "solve",
    "solve_exact",
    "solve_greedy",
]


def solve(demands: list[Demand], supplies: list[Supply], arcs: list[Arc]) -> Plan:
    """The optimal plan: a min-cost flow (OR-Tools) on each connected part of the graph.

    Binômes with fewer than two candidates are left out first. The flow ignores "two or
    none", so it is a relaxation: when it leaves no request half served its plan is optimal.
    Otherwise the half-served binômes are repaired by shortest cycles, and the repaired plan
    is kept when it meets a lower bound proving it optimal (`repair_bound`); failing that,
    the region where the served set is chosen settles it (`region.settle`: its own integer
    program, then min-cost flows and Benders cuts for the travel); failing that,
    a branch and bound (each node a flow, pruned by the same bound) finds the optimum. Past
    BRANCH_LIMIT flows, or when the weights would not fit in 64 bits, that part goes to
    `solve_exact`'s integer program, told the number served when the flows proved it.
    Returns a `Plan` whose objective equals `solve_exact`'s; docs/matching.md gives the
    model and the proof.
    """
    plan = Plan()
    for part in components(demands, supplies, without_lone_binomes(demands, arcs)):
        outcome = branch_and_bound(*part)
        pairs, method = outcome.pairs, outcome.method
        if pairs is None:
            pairs, method = milp(*part, served=outcome.served), "milp"
        plan.pairs += pairs
        plan.methods[method] += 1
    plan.objective = evaluate(demands, arcs, plan.pairs)
    return plan


def solve_exact(demands: list[Demand], supplies: list[Supply], arcs: list[Arc]) -> Plan:
    """The optimal plan by integer programming (HiGHS through scipy), one objective level
    at a time: the reference the benchmark checks `solve` against."""
    plan = Plan()
    for part in components(demands, supplies, arcs):
        plan.pairs += milp(*part)
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

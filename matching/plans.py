"""The plan of a département: compute it from the pool, explain it, send its proposals."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from time import perf_counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from astep.accounts.models import User
from matching.candidates import Pool, pool_for_departement
from matching.explain import pair_why, unserved_why
from matching.models import Plan
from matching.pool import PROBLEMS, pair_problems
from matching.services import proposals_make, request_locked
from matching.solver import Demand, Supply, solve


class PlanError(Exception):
    """A plan that can no longer be sent; the message is for the user, in the active language."""


@dataclass
class Sent:
    """What `plan_send` did: proposals created, and the requests skipped with why."""

    proposals: int
    skipped: list[str]


def plan_compute(*, departement, by: User, today: date) -> Plan:
    """Compute, explain and store the best plan for `departement` on `today`.

    Locked pairs still allowed stay; the rest of the pool is assigned by
    `matching.solver.solve` (most requests served, REP+/REP and the longest waiting first,
    then the fewest km, then preferences). Returns the stored `Plan` with a reason for each
    pair and for each request left unserved.
    """
    started = perf_counter()
    pool = pool_for_departement(departement, today=today)
    fixed, warnings = _locks(pool)
    left = {v: f.capacity for v, f in pool.volunteer_facts.items()}
    need = {r: f.need for r, f in pool.request_facts.items()}
    for request_id, volunteer_id in fixed:
        left[volunteer_id] -= 1
        need[request_id] -= 1
    demands = [
        Demand(r, need[r], pool.request_facts[r].priority) for r in pool.requests if need[r] > 0
    ]
    fixed_set = set(fixed)
    arcs = [a for a in pool.arcs if need[a.demand] > 0 and (a.demand, a.supply) not in fixed_set]
    result = solve(demands, [Supply(v, c) for v, c in left.items()], arcs)
    chosen: dict[int, list[int]] = defaultdict(list)
    for request_id, volunteer_id in fixed + result.pairs:
        chosen[request_id].append(volunteer_id)
    for _request_id, volunteer_id in result.pairs:
        left[volunteer_id] -= 1
    served = {r for r, vs in chosen.items() if len(vs) == pool.request_facts[r].need}
    pairs = [pair_why(pool, r, v, locked=(r, v) in fixed_set) for r in served for v in chosen[r]]
    unserved = [
        unserved_why(pool, r, chosen=chosen.get(r, []), left=left)
        for r in pool.requests
        if r not in served
    ]
    return Plan.objects.create(
        departement=departement,
        created_by=by,
        served=len(served),
        total_km=round(sum(p["km"] for p in pairs), 1),
        seconds=round(perf_counter() - started, 3),
        pairs=sorted(pairs, key=lambda p: (p["request"], p["volunteer"])),
        unserved=unserved,
        warnings=warnings,
    )


@transaction.atomic
def plan_send(*, plan: Plan, by: User, today: date) -> Sent:
    """Send the proposals of `plan` in one batch: every pair still allowed now becomes a
    proposal (two for a binôme), e-mailed to the volunteer and the teacher.

    A request whose pairs are no longer all allowed (answered elsewhere, volunteer full,
    cancelled) is skipped and listed in `Sent.skipped`. Raises PlanError when the plan was
    already sent or a newer plan of the département exists.
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.sent_at is not None:
        raise PlanError(gettext("Ce plan a déjà été envoyé."))
    if Plan.objects.filter(departement_id=plan.departement_id, pk__gt=plan.pk).exists():
        raise PlanError(gettext("Un plan plus récent a été calculé : envoyez celui-là."))
    pool = pool_for_departement(plan.departement, today=today)
    allowed = {(a.demand, a.supply): a for a in pool.arcs}
    left = {v: f.capacity for v, f in pool.volunteer_facts.items()}
    by_request: dict[int, list[dict]] = defaultdict(list)
    for pair in plan.pairs:
        by_request[pair["request"]].append(pair)
    sent, skipped = 0, []
    for request_id, pairs in by_request.items():
        keys = [(request_id, p["volunteer"]) for p in pairs]
        if not all(k in allowed and left[k[1]] > 0 for k in keys):
            skipped.append(_skipped(pool, request_id, keys))
            continue
        request = request_locked(request_id)
        offers = [(pool.volunteers[v].user, allowed[(r, v)].decikm / 10) for r, v in keys]
        proposals_make(request=request, offers=offers, proposed_by=by, plan=plan)
        for _, volunteer_id in keys:
            left[volunteer_id] -= 1
        sent += len(keys)
    plan.sent_at = timezone.now()
    plan.save(update_fields=["sent_at"])
    return Sent(sent, skipped)


def _locks(pool: Pool) -> tuple[list[tuple[int, int]], list[str]]:
    """Locked pairs still allowed, within each volunteer's capacity; a warning for the others."""
    allowed = {(a.demand, a.supply) for a in pool.arcs}
    left = {v: f.capacity for v, f in pool.volunteer_facts.items()}
    fixed, warnings = [], []
    for request_id, volunteer_id in sorted(pool.locked):
        if request_id not in pool.requests:
            continue  # proposed or closed since: the lock has done its job
        if (request_id, volunteer_id) in allowed and left[volunteer_id] > 0:
            fixed.append((request_id, volunteer_id))
            left[volunteer_id] -= 1
            continue
        warnings.append(_skipped(pool, request_id, [(request_id, volunteer_id)], locked=True))
    return fixed, warnings


def _skipped(pool: Pool, request_id: int, keys, locked: bool = False) -> str:
    request = pool.requests.get(request_id)
    if request is None:
        return gettext("Demande n° %(id)s : elle n'attend plus d'accompagnateur.") % {
            "id": request_id
        }
    reasons = []
    for _, volunteer_id in keys:
        facts = pool.volunteer_facts.get(volunteer_id)
        if facts is None:
            reasons.append(gettext("accompagnateur plus disponible"))
            continue
        problems = pair_problems(
            pool.request_facts[request_id],
            facts,
            forbidden=(request_id, volunteer_id) in pool.forbidden,
        )
        reasons += [str(PROBLEMS[p]) for p in problems] or [gettext("capacité déjà prise")]
    what = (
        gettext("Paire verrouillée non retenue pour %(ecole)s : %(reasons)s.")
        if locked
        else gettext("Proposition non envoyée pour %(ecole)s : %(reasons)s.")
    )
    return what % {"ecole": request.school_class.ecole.name, "reasons": ", ".join(reasons)}

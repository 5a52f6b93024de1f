"""The data of the matching: requests, volunteers, candidate pairs, and a plan's figures.

The objective is lexicographic (issue 5): most requests served, then the highest priority
served (REP+ before REP before the others, then the longest waiting), then the fewest
kilometres, then the best preference fit. `Objective` holds the figures, compared as a
tuple.
"""

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Demand:
    """A request to serve: `need` accompanists still to find (1 or 2, all or none) and its
    `priority`, an integer ≥ 0 where higher is served first (see `request_priority`)."""

    id: int
    need: int = 1
    priority: int = 0


@dataclass(frozen=True)
class Supply:
    """A volunteer with `capacity` modules they may still take this school year (≥ 0)."""

    id: int
    capacity: int = 1


@dataclass(frozen=True)
class Arc:
    """A pair allowed by every per-pair rule: travel in tenths of a km (an integer, 0 for
    a remote module) and `preference`, 0 to 2 (level fit + theme fit)."""

    demand: int
    supply: int
    decikm: int
    preference: int = 0

    @property
    def travel(self) -> int:
        return TRAVEL_PER_DECIKM * self.decikm - self.preference


# Kilometres and preferences share the third level: a pair costs 3 per tenth of a km, minus
# its preference points (0 to 2). A preference point thus weighs 33 m, under the precision
# of the distances; the levels above stay strictly first (docs/matching.md).
TRAVEL_PER_DECIKM = 3


@dataclass(frozen=True, order=True)
class Objective:
    """The figures of a plan, best first when compared: requests served, their priority,
    then `-travel` (Σ 3 × tenths of km − preference points). `decikm` and `preference` are
    kept for reading, not compared."""

    served: int = 0
    priority: int = 0
    minus_travel: int = 0
    decikm: int = field(default=0, compare=False)
    preference: int = field(default=0, compare=False)

    @property
    def km(self) -> float:
        return self.decikm / 10


@dataclass
class Plan:
    """The chosen pairs, as (demand id, supply id), with the figures and how each connected
    part of the problem was solved ("flow", "region" or "milp")."""

    pairs: list[tuple[int, int]] = field(default_factory=list)
    objective: Objective = field(default_factory=Objective)
    methods: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def served(self) -> set[int]:
        return {demand for demand, _ in self.pairs}


def request_priority(*, education_prioritaire: str, waiting_days: int) -> int:
    """Priority of a request, 0 to 299: REP+ (`"REP+"`) 200, REP 100, others 0, plus the
    weeks it has waited, capped at 99 (issue 5: priority to REP+ then REP, then to the
    requests waiting the longest)."""
    tier = {"REP+": 200, "REP": 100}.get(education_prioritaire, 0)
    return tier + min(max(waiting_days, 0) // 7, 99)


def evaluate(demands: list[Demand], arcs: list[Arc], pairs: list[tuple[int, int]]) -> Objective:
    """The objective of `pairs` (demand id, supply id): a demand counts as served only when
    all its need is met."""
    by_key = {(a.demand, a.supply): a for a in arcs}
    need = {d.id: d for d in demands}
    count: dict[int, int] = defaultdict(int)
    for demand, _ in pairs:
        count[demand] += 1
    served = [need[d] for d, n in count.items() if n == need[d].need]
    chosen = [by_key[p] for p in pairs]
    return Objective(
        len(served),
        sum(d.priority for d in served),
        -sum(a.travel for a in chosen),
        sum(a.decikm for a in chosen),
        sum(a.preference for a in chosen),
    )

"""`pool.build_arcs`, done on arrays, against the rules of one pair (`pair_problems`,
`preference`) on random facts: the same pairs, distances and preferences."""

from datetime import date, timedelta

import numpy as np

from matching.pool import (
    RequestFacts,
    VolunteerFacts,
    build_arcs,
    distance_km,
    pair_problems,
    preference,
)

HALF_DAYS = ("1-am", "1-pm", "2-am", "4-pm")
LEVELS = ("CP", "CE1", "CM2")
THEMES = ("living", "matter", "energy")


def subset(rng, items, smallest=0):
    return frozenset(i for i in items if rng.random() < 0.4) or frozenset(items[:smallest])


def facts(seed: int):
    """Requests and volunteers around Rennes (0.5° square), two départements, some remote
    modules, minors, volunteers without capacity; and a few forbidden pairs."""
    rng = np.random.default_rng(seed)
    start = date(2026, 1, 5)
    requests = [
        RequestFacts(
            id=100 + i,
            latitude=48 + rng.random() / 2,
            longitude=-1.9 + rng.random() / 2,
            departement=str(rng.choice(["035", "022"])),
            remote=rng.random() < 0.15,
            half_days=subset(rng, HALF_DAYS),
            months=subset(rng, range(1, 13)),
            adult_born_by=start - timedelta(days=int(rng.integers(6400, 6800))),
            need=int(rng.integers(1, 3)),
            levels=subset(rng, LEVELS),
            theme=str(rng.choice(THEMES + ("",))),
        )
        for i in range(40)
    ]
    volunteers = [
        VolunteerFacts(
            id=7 + 3 * j,
            latitude=48 + rng.random() / 2,
            longitude=-1.9 + rng.random() / 2,
            departement=str(rng.choice(["035", "022"])),
            max_distance_km=int(rng.choice([5, 10, 20, 30])),
            half_days=subset(rng, HALF_DAYS),
            months=subset(rng, range(1, 13)),
            birth_date=start - timedelta(days=int(rng.integers(6400, 9000))),
            capacity=int(rng.integers(0, 3)),
            levels=subset(rng, LEVELS),
            themes=subset(rng, THEMES),
        )
        for j in range(40)
    ]
    forbidden = {
        (requests[int(rng.integers(40))].id, volunteers[int(rng.integers(40))].id)
        for _ in range(30)
    }
    return requests, volunteers, forbidden


def test_build_arcs_keeps_exactly_the_pairs_the_rules_allow():
    for seed in range(20):
        requests, volunteers, forbidden = facts(seed)
        arcs = build_arcs(requests, volunteers, forbidden)
        expected = {
            (r.id, v.id, round(distance_km(r, v) * 10), preference(r, v))
            for r in requests
            for v in volunteers
            if not pair_problems(r, v, forbidden=(r.id, v.id) in forbidden)
        }
        assert len(arcs) == len(expected)
        assert {(a.demand, a.supply, a.decikm, a.preference) for a in arcs} == expected

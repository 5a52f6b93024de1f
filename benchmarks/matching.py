"""Benchmark of the matching plan: optimality against the exact solver, gain over greedy, time.

Run: `make bench-matching`, or from the project root
`.venv/bin/python -m benchmarks.matching [--sizes circonscription,departement] [--seed 2024]`.

Three instances are built from the real data of ../shared/data (no database):

- circonscription: one request at each real école of one circonscription of Ille-et-Vilaine
  (Vitré, 55 écoles, rural, 35 km from Rennes), as many volunteers;
- departement: 500 requests at real écoles of Ille-et-Vilaine × 500 volunteers;
- nation: 5,000 requests over the 101 départements of the communes file × 5,000 volunteers.

Requests sit at real écoles in Ille-et-Vilaine (their own REP/REP+); elsewhere at the town
hall of a real commune drawn in proportion to its population, about 20 % of them REP/REP+.
Volunteers are synthetic students and researchers living in a real commune within 25 km
of a university town. Each instance goes through the real rules (`matching.pool`: facts →
`build_arcs`) and the three solvers of `matching.solver`: the plan (`solve`), the greedy
"nearest first" (`solve_greedy`) and the exact integer program (`solve_exact`).

Printed per size and method: wall time in seconds (arc building, solving, total), requests
served, total km, priority served, and how the plan solved each connected part ("flow",
"region" or "milp"). Then a verdict: the plan must equal the exact objective and serve at least as many
as greedy (otherwise the exit status is 1); the time targets (département plan ≤ 0.5 s,
nation plan ≤ 5 s, arcs included) are reported as "ok" or "MISSED" without failing.
Everything is drawn from numpy's default_rng seeded with (seed, size), so runs repeat.
"""

import argparse
import csv
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

# Run as a file too: `matching` must be the project's package, not this file.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from astep.territory.geo import EARTH_RADIUS_KM
from matching.pool import RequestFacts, VolunteerFacts, build_arcs
from matching.solver import Demand, Plan, Supply, request_priority, solve, solve_exact, solve_greedy

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
COMMUNES_CSV = SHARED_DATA / "communes-france_cog-mairies.csv"
ANNUAIRE_35_CSV = SHARED_DATA / "fr-en-annuaire-education_35-ille-et-vilaine_2023.csv"

SIZES = ("circonscription", "departement", "nation")
TARGET_SECONDS = {"departement": 0.5, "nation": 5.0}  # the plan, arcs included
CIRCONSCRIPTION = "Circonscription d'inspection du 1er degré de Vitré"
NATION_REQUESTS = NATION_VOLUNTEERS = 5_000
MIN_REQUESTS_PER_DEPARTEMENT = 5
# Paris, Lyon and Marseille also appear as their arrondissements (type ARM): keep those.
CITIES_WITH_ARRONDISSEMENTS = {"75056", "69123", "13055"}
# Big university cities (INSEE codes), on top of the 2 largest communes of each département.
UNIVERSITY_CITIES = {
    "35238": "Rennes",
    "75105": "Paris 5e",
    "75113": "Paris 13e",
    "91471": "Orsay",
    "69387": "Lyon 7e",
    "13201": "Marseille 1er",
    "31555": "Toulouse",
    "33063": "Bordeaux",
    "59350": "Lille",
    "38185": "Grenoble",
    "34172": "Montpellier",
    "44109": "Nantes",
    "67482": "Strasbourg",
    "06088": "Nice",
    "63113": "Clermont-Ferrand",
    "54395": "Nancy",
    "21231": "Dijon",
    "86194": "Poitiers",
    "14118": "Caen",
    "37261": "Tours",
    "29019": "Brest",
}
TOWNS_PER_DEPARTEMENT = 2
HOME_RADIUS_KM = 25  # a volunteer lives this close to a university town

HALF_DAYS = ("1-am", "1-pm", "2-am", "2-pm", "3-am", "4-am", "4-pm", "5-am", "5-pm")
SCHOOL_MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6)
MAX_DISTANCES_KM = (10, 15, 20, 25, 30, 40)
LEVELS = ("CP", "CE1", "CE2", "CM1", "CM2")
THEMES = ("living", "matter", "energy", "earth", "technology", "digital")


@dataclass(frozen=True)
class Place:
    """A point where a request or a volunteer is: an école, or a commune's town hall.

    `population` is the commune's (1 when the file does not know it, 0 for an école);
    `education_prioritaire` is the école's ("", "REP" or "REP+"), None for a town hall
    (drawn then).
    """

    code: str
    name: str
    departement: str
    population: int
    latitude: float
    longitude: float
    education_prioritaire: str | None = None


@dataclass
class Data:
    """The real data: communes of France and écoles of Ille-et-Vilaine (with circonscription)."""

    communes: list[Place]
    ecoles: list[tuple[Place, str]]


@dataclass
class Instance:
    """The requests and volunteers of one size ("circonscription", "departement", "nation")."""

    name: str
    requests: list[RequestFacts]
    volunteers: list[VolunteerFacts]


@dataclass
class Run:
    """One solver on one instance: its plan and its times in seconds."""

    method: str
    plan: Plan
    arcs_seconds: float
    solve_seconds: float

    @property
    def total_seconds(self) -> float:
        return self.arcs_seconds + self.solve_seconds


@dataclass
class Measure:
    """An instance, its number of candidate arcs and the run of each method."""

    instance: Instance
    arcs: int
    runs: dict[str, Run]

    @property
    def parts(self) -> int:
        """Connected parts with both requests and volunteers (as the plan solved them)."""
        return sum(self.runs["plan"].plan.methods.values())


# ---------------------------------------------------------------------------- real data


def load_data(communes_csv: Path = COMMUNES_CSV, annuaire_csv: Path = ANNUAIRE_35_CSV) -> Data:
    return Data(load_communes(communes_csv), load_ecoles(annuaire_csv))


def load_communes(path: Path) -> list[Place]:
    """Every commune of France at its town hall; Paris, Lyon, Marseille by arrondissement."""
    with path.open(encoding="utf-8", newline="") as file:
        rows = [
            r for r in csv.DictReader(file) if r["code_insee"] not in CITIES_WITH_ARRONDISSEMENTS
        ]
    return [
        Place(
            code=row["code_insee"],
            name=row["nom"],
            departement=row["code_departement"],
            population=int(row["population_municipale"])
            if row["population_municipale"].isdigit()
            else 1,
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
        )
        for row in rows
    ]


def load_ecoles(path: Path) -> list[tuple[Place, str]]:
    """The écoles of the annuaire (`;`, UTF-8 with BOM) with their circonscription; the
    département code as in the communes file ("035" → "35")."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = [
            r for r in csv.DictReader(file, delimiter=";") if r["Type_etablissement"] == "Ecole"
        ]
    return [
        (
            Place(
                code=row["Identifiant_de_l_etablissement"],
                name=row["Nom_etablissement"],
                departement=row["Code_departement"].removeprefix("0"),
                population=0,
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                education_prioritaire=row["Appartenance_Education_Prioritaire"],
            ),
            row["nom_circonscription"],
        )
        for row in rows
    ]


# ---------------------------------------------------------------------------- geography


def unit_vectors(places: list[Place]) -> np.ndarray:
    lat, lon = np.radians([p.latitude for p in places]), np.radians([p.longitude for p in places])
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def chord(km: float) -> float:
    """The straight-line length through the Earth of a `km` great-circle distance."""
    return 2 * np.sin(km / EARTH_RADIUS_KM / 2)


def university_towns(communes: list[Place]) -> list[Place]:
    """The largest communes of each département plus the big university cities."""
    by_departement: dict[str, list[Place]] = {}
    for commune in communes:
        by_departement.setdefault(commune.departement, []).append(commune)
    towns = {c.code: c for c in communes if c.code in UNIVERSITY_CITIES}
    missing = set(UNIVERSITY_CITIES) - set(towns)
    assert not missing, f"university cities absent from the communes file: {missing}"
    for places in by_departement.values():
        largest = sorted(places, key=lambda c: (-c.population, c.code))[:TOWNS_PER_DEPARTEMENT]
        towns.update({c.code: c for c in largest})
    return sorted(towns.values(), key=lambda c: c.code)


def homes(rng, count: int, towns: list[Place], communes: list[Place]) -> list[Place]:
    """`count` communes where volunteers live: a town drawn in proportion to the square root
    of its population (students gather in big cities, but not all of them), then a real
    commune within `HOME_RADIUS_KM` km of it, in proportion to population."""
    tree = cKDTree(unit_vectors(communes))
    near = tree.query_ball_point(unit_vectors(towns), chord(HOME_RADIUS_KM))
    population = np.array([c.population for c in communes], dtype=float)
    town_weights = np.sqrt([t.population for t in towns])
    chosen = rng.choice(len(towns), size=count, p=town_weights / town_weights.sum())
    places = []
    for town in chosen:
        around = np.array(near[town])
        weights = population[around]
        places.append(communes[rng.choice(around, p=weights / weights.sum())])
    return places


# ---------------------------------------------------------------------------- facts


def consecutive(rng, sequence, shortest: int, longest: int) -> frozenset:
    """A random run of `shortest` to `longest` consecutive items of `sequence`."""
    length = int(rng.integers(shortest, longest + 1))
    start = int(rng.integers(0, len(sequence) - length + 1))
    return frozenset(sequence[start : start + length])


def some(rng, items, fewest: int, most: int) -> frozenset:
    """`fewest` to `most` distinct items drawn at random."""
    count = int(rng.integers(fewest, most + 1))
    return frozenset(rng.choice(items, size=count, replace=False).tolist())


def request_at(rng, id: int, place: Place) -> RequestFacts:
    """A request at `place`: 2–4 half-days, 2–4 consecutive school months, 10 % needing two
    accompanists, 5 % remote, waiting 0–200 days; REP/REP+ drawn (20 %) unless known."""
    ep = place.education_prioritaire
    if ep is None:
        ep = str(rng.choice(["", "REP", "REP+"], p=[0.8, 0.14, 0.06]))
    period = consecutive(rng, SCHOOL_MONTHS, 2, 4)
    first_month = next(m for m in SCHOOL_MONTHS if m in period)
    first_day = date(2026 if first_month >= 9 else 2027, first_month, 1)
    first_level = int(rng.integers(0, len(LEVELS)))
    return RequestFacts(
        id=id,
        latitude=place.latitude,
        longitude=place.longitude,
        departement=place.departement,
        remote=bool(rng.random() < 0.05),
        half_days=some(rng, HALF_DAYS, 2, 4),
        months=period,
        adult_born_by=first_day.replace(year=first_day.year - 18),
        need=2 if rng.random() < 0.10 else 1,
        priority=request_priority(education_prioritaire=ep, waiting_days=int(rng.integers(0, 201))),
        levels=frozenset(LEVELS[first_level : first_level + int(rng.integers(1, 3))]),
        theme=str(rng.choice(THEMES)),
    )


def volunteer_at(rng, id: int, home: Place) -> VolunteerFacts:
    """A volunteer living at `home`: limit 10–40 km, 1–3 modules, 2–4 half-days, 3–10
    consecutive free months, born 1950 to mid-2008 (a few are not yet 18 in the autumn)."""
    born = date(1950, 1, 1) + timedelta(
        days=int(rng.integers(0, (date(2008, 7, 1) - date(1950, 1, 1)).days))
    )
    return VolunteerFacts(
        id=id,
        latitude=home.latitude,
        longitude=home.longitude,
        departement=home.departement,
        max_distance_km=int(rng.choice(MAX_DISTANCES_KM)),
        half_days=some(rng, HALF_DAYS, 2, 4),
        months=consecutive(rng, SCHOOL_MONTHS, 3, 10),
        birth_date=born,
        capacity=int(rng.integers(1, 4)),
        levels=some(rng, LEVELS, 1, 3),
        themes=some(rng, THEMES, 1, 2),
    )


# ---------------------------------------------------------------------------- instances


def circonscription_instance(data: Data, rng) -> Instance:
    """One request per école of `CIRCONSCRIPTION`, as many volunteers around the university
    towns within 30 km of its écoles."""
    ecoles = [place for place, name in data.ecoles if name == CIRCONSCRIPTION]
    tree = cKDTree(unit_vectors(ecoles))
    towns = [
        town
        for town in university_towns(data.communes)
        if tree.query_ball_point(unit_vectors([town])[0], chord(30))
    ]
    return instance("circonscription", rng, ecoles, homes(rng, len(ecoles), towns, data.communes))


def departement_instance(data: Data, rng, size: int = 500) -> Instance:
    """`size` requests at écoles of Ille-et-Vilaine drawn at random (some get several),
    `size` volunteers around its university towns."""
    ecoles = [place for place, _ in data.ecoles]
    sites = [ecoles[i] for i in rng.integers(0, len(ecoles), size=size)]
    towns = [t for t in university_towns(data.communes) if t.departement == "35"]
    return instance("departement", rng, sites, homes(rng, size, towns, data.communes))


def nation_instance(data: Data, rng) -> Instance:
    """`NATION_REQUESTS` requests over every département by population (at least
    `MIN_REQUESTS_PER_DEPARTEMENT` each): at real écoles in Ille-et-Vilaine, elsewhere at
    communes drawn in proportion to population; volunteers around every university town."""
    by_departement: dict[str, list[Place]] = {}
    for commune in data.communes:
        by_departement.setdefault(commune.departement, []).append(commune)
    departements = sorted(by_departement)
    counts = spread(
        [sum(c.population for c in by_departement[d]) for d in departements], NATION_REQUESTS
    )
    sites = []
    for departement, count in zip(departements, counts, strict=True):
        if departement == "35":
            ecoles = [place for place, _ in data.ecoles]
            sites += [ecoles[i] for i in rng.integers(0, len(ecoles), size=count)]
        else:
            places = by_departement[departement]
            weights = np.array([c.population for c in places], dtype=float)
            sites += [
                places[i] for i in rng.choice(len(places), size=count, p=weights / weights.sum())
            ]
    towns = university_towns(data.communes)
    return instance("nation", rng, sites, homes(rng, NATION_VOLUNTEERS, towns, data.communes))


def spread(populations: list[int], total: int) -> list[int]:
    """Split `total` in proportion to `populations` (largest remainders), at least
    `MIN_REQUESTS_PER_DEPARTEMENT` each."""
    share = np.array(populations, dtype=float) / sum(populations) * total
    counts = np.maximum(np.floor(share).astype(int), MIN_REQUESTS_PER_DEPARTEMENT)
    for i in np.argsort(-(share - np.floor(share)))[: max(total - counts.sum(), 0)]:
        counts[i] += 1
    return counts.tolist()


def instance(name: str, rng, sites: list[Place], homes: list[Place]) -> Instance:
    requests = [request_at(rng, i, place) for i, place in enumerate(sites, start=1)]
    volunteers = [volunteer_at(rng, i, home) for i, home in enumerate(homes, start=1)]
    return Instance(name, requests, volunteers)


BUILDERS = {
    "circonscription": circonscription_instance,
    "departement": departement_instance,
    "nation": nation_instance,
}


def build_instance(size: str, data: Data, seed: int) -> Instance:
    """The instance of `size`, drawn from its own generator so sizes do not depend on each other."""
    return BUILDERS[size](data, np.random.default_rng([seed, SIZES.index(size)]))


# ---------------------------------------------------------------------------- measure


def measure(instance: Instance) -> Measure:
    """Build the arcs once (timed), then run the plan, greedy and exact solvers (timed)."""
    start = time.perf_counter()
    arcs = build_arcs(instance.requests, instance.volunteers)
    arcs_seconds = time.perf_counter() - start
    demands = [Demand(r.id, r.need, r.priority) for r in instance.requests]
    supplies = [Supply(v.id, v.capacity) for v in instance.volunteers]
    runs = {}
    for method, solver in (("plan", solve), ("greedy", solve_greedy), ("exact", solve_exact)):
        start = time.perf_counter()
        plan = solver(demands, supplies, arcs)
        runs[method] = Run(method, plan, arcs_seconds, time.perf_counter() - start)
    return Measure(instance, len(arcs), runs)


def verdict(measure: Measure) -> tuple[list[str], bool]:
    """Lines saying whether the plan is optimal, beats greedy and meets its time target
    (seconds); and whether it is correct (optimal and at least as many served as greedy)."""
    name = measure.instance.name
    plan, greedy, exact = (measure.runs[m].plan.objective for m in ("plan", "greedy", "exact"))
    optimal = plan == exact
    better = plan.served >= greedy.served
    km_change = (plan.km / greedy.km - 1) * 100 if greedy.km else 0.0
    lines = [
        f"{name}: plan = exact: ok"
        if optimal
        else f"{name}: plan ≠ exact: WRONG (plan {plan}, exact {exact})",
        f"{name}: plan serves {plan.served} vs greedy {greedy.served}"
        f" ({plan.served - greedy.served:+d}): {'ok' if better else 'WRONG'};"
        f" priority {plan.priority} vs {greedy.priority};"
        f" km {plan.km:.1f} vs {greedy.km:.1f} ({km_change:+.1f} %)",
    ]
    if name in TARGET_SECONDS:
        seconds, target = measure.runs["plan"].total_seconds, TARGET_SECONDS[name]
        lines.append(
            f"{name}: plan {seconds:.3f} s (arcs + solve) ≤ {target} s: "
            + ("ok" if seconds <= target else "MISSED")
        )
    return lines, optimal and better


HEADER = (
    f"{'size':<16}{'method':<8}{'requests':>9}{'volunteers':>11}{'arcs':>9}{'parts':>7}"
    f"{'arcs s':>9}{'solve s':>10}{'total s':>10}{'served':>8}{'km':>11}{'priority':>10}"
    f"  flow/region/milp"
)


def table_line(measure: Measure, run: Run) -> str:
    """One line of the table: sizes, times in seconds, and the plan's figures (km)."""
    i, objective = measure.instance, run.plan.objective
    methods = (
        f"{run.plan.methods.get('flow', 0)}/{run.plan.methods.get('region', 0)}"
        f"/{run.plan.methods.get('milp', 0)}"
        if run.method == "plan"
        else ""
    )
    return (
        f"{i.name:<16}{run.method:<8}{len(i.requests):>9}{len(i.volunteers):>11}{measure.arcs:>9}"
        f"{measure.parts:>7}{run.arcs_seconds:>9.3f}{run.solve_seconds:>10.3f}{run.total_seconds:>10.3f}"
        f"{objective.served:>8}{objective.km:>11.1f}{objective.priority:>10}  {methods}"
    ).rstrip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default=",".join(SIZES), help="comma-separated, among " + ", ".join(SIZES)
    )
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    if unknown := set(sizes) - set(SIZES):
        parser.error(f"unknown sizes: {', '.join(sorted(unknown))}")
    if not (COMMUNES_CSV.exists() and ANNUAIRE_35_CSV.exists()):
        print(f"real data absent: {SHARED_DATA} (../shared/data is not beside the project)")
        return 2
    data = load_data()
    departements = {c.departement for c in data.communes}
    print(
        f"seed {args.seed}; {len(data.communes)} communes in {len(departements)} départements; "
        f"{len(data.ecoles)} écoles in Ille-et-Vilaine"
    )
    print(HEADER)
    verdicts, correct = [], True
    for size in sizes:
        result = measure(build_instance(size, data, args.seed))
        for run in result.runs.values():
            print(table_line(result, run), flush=True)
        lines, ok = verdict(result)
        verdicts += lines
        correct &= ok
    print()
    print("\n".join(verdicts))
    return 0 if correct else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the figures and the national report on a national dataset (issue 6).

Run: `make bench-reports`, or from the project root
`.venv/bin/python -m benchmarks.reports [--database-url postgres://…/astep_bench_reports]
[--rebuild] [--seed 2024]`.

The dataset lives in its own PostgreSQL database (default `astep_bench_reports` on
127.0.0.1, created and migrated here; reused when it already holds the dataset, unless
`--rebuild`): 10 school years (2016-2017 … 2025-2026) × the 101 départements of the
référentiel × 50,000 modules in all, spread unevenly over the départements; each module
with its request (3 % cancelled), class (levels drawn among single and mixed levels,
REP/REP+ écoles), 5 to 7 sessions (5 % cancelled), accompanists (10 % binômes; status and
organisation drawn) and for 60 % of the modules the teacher's questionnaire. Rows are
written with PostgreSQL COPY; the generation time is printed.

Then printed, best of `--repeat` runs, in seconds:
- the national figures through the ORM (`surveys.figures`): one year, every year;
- ONE hand-written SQL query computing the same aggregates for every year (`HAND_SQL`),
  and the ratio ORM / hand-written (target ≤ 3);
- whether both give the same numbers (the exit status is 1 if they differ);
- the national report in CSV, XLSX and PDF (`render_national`) and the open data CSV.
Everything is drawn from numpy's default_rng(seed), so runs repeat.
"""

import argparse
import os
import sys
import time
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

import numpy as np
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/astep_bench_reports"
YEARS = [f"{y}-{y + 1}" for y in range(2016, 2026)]
MODULES = 50_000
ECOLES_PER_DEPARTEMENT = 20
ORGANISATIONS = 300
RATIO_TARGET = 3.0
REPORT_TARGET_SECONDS = 30.0  # the national report in all three formats (issue 6)
LEVEL_SETS = [["CP"], ["CE1"], ["CE2"], ["CM1"], ["CM2"], ["CP", "CE1"], ["CE2", "CM1"]]
LEVEL_SETS += [["CM1", "CM2"], ["CE1", "CE2"]]


def setup_django(url: str, rebuild: bool) -> None:
    """Point Django at the scratch database, creating (or recreating) and migrating it."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and rebuild:
            admin.execute(f'DROP DATABASE "{name}"')
        if not exists or rebuild:
            admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "astep.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def copy_in(model, objects: list) -> None:
    """Write `objects` (with their primary keys set) to `model`'s table with COPY."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                )


def generate(seed: int) -> None:
    """Write the national dataset (see the module docstring) into the empty tables."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from astep.accounts.models import Role, User
    from astep.classes.models import AccompanimentRequest, Delivery, SchoolClass, Theme
    from astep.modules.models import Feedback, Module, Session
    from astep.partners.models import Organisation, OrganisationKind
    from astep.territory.models import Departement, Ecole
    from astep.volunteers.eligibility import Status
    from astep.volunteers.models import VolunteerProfile

    rng = np.random.default_rng(seed)
    departements = list(Departement.objects.order_by("code").values_list("pk", flat=True))
    weights = rng.uniform(0.3, 2.0, len(departements))
    per_year = [rng.multinomial(MODULES // len(YEARS), weights / weights.sum()) for _ in YEARS]
    most = np.max(per_year, axis=0)  # a volunteer runs at most one module a year as first
    priority = rng.choice(["", "REP", "REP+"], p=[0.8, 0.13, 0.07], size=len(departements) * 20)
    ecoles = [
        Ecole(
            pk=i + 1,
            uai=f"{9000000 + i:07d}A",
            name=f"École n° {i}",
            departement_id=departements[i // ECOLES_PER_DEPARTEMENT],
            education_prioritaire=priority[i],
        )
        for i in range(len(departements) * ECOLES_PER_DEPARTEMENT)
    ]
    kinds = rng.choice(OrganisationKind.values, size=ORGANISATIONS)
    organisations = [
        Organisation(pk=i + 1, name=f"Organisme {i}", kind=kinds[i]) for i in range(ORGANISATIONS)
    ]
    users, profiles, pools = [], [], []
    statuses = rng.choice(
        Status.values, p=[0.55, 0.2, 0.15, 0.05, 0.05], size=int(most.sum()) + 5 * len(departements)
    )
    for count in most:
        pool = []
        for _ in range(int(count) + 5):
            pk = len(users) + 1
            users.append(User(pk=pk, email=f"b{pk}@bench.test", role=Role.VOLUNTEER, password="!"))
            organisation = int(rng.integers(1, ORGANISATIONS + 1)) if rng.random() < 0.7 else None
            profiles.append(
                VolunteerProfile(
                    pk=pk, user_id=pk, status=statuses[len(profiles)], organisation_id=organisation
                )
            )
            pool.append(pk)
        pools.append(pool)
    classes, requests, modules, sessions, feedbacks = [], [], [], [], []
    for y, year in enumerate(YEARS):
        rentree = date(int(year[:4]), 9, 4)
        for d, count in enumerate(per_year[y]):
            for i in range(int(count)):
                pk = len(modules) + 1
                if i and rng.random() < 0.05:  # a second module for the previous class
                    class_id = classes[-1].pk
                else:
                    teacher = len(users) + 1
                    users.append(User(pk=teacher, email=f"b{teacher}@bench.test", password="!"))
                    class_id = len(classes) + 1
                    ecole = d * ECOLES_PER_DEPARTEMENT + int(rng.integers(ECOLES_PER_DEPARTEMENT))
                    classes.append(
                        SchoolClass(
                            pk=class_id,
                            teacher_id=teacher,
                            ecole_id=ecole + 1,
                            school_year=year,
                            levels=LEVEL_SETS[int(rng.integers(len(LEVEL_SETS)))],
                            pupils=int(rng.integers(15, 30)),
                        )
                    )
                status = "cancelled" if rng.random() < 0.03 else "completed"
                requests.append(
                    AccompanimentRequest(
                        pk=pk,
                        school_class_id=class_id,
                        theme=Theme.values[int(rng.integers(len(Theme.values)))],
                        form=Delivery.REMOTE if rng.random() < 0.05 else Delivery.IN_CLASS,
                        status=status,
                    )
                )
                pool = pools[d]
                volunteer = pool[(y * 7 + i) % len(pool)]
                co = pool[(y * 7 + i + 1) % len(pool)] if rng.random() < 0.1 else None
                modules.append(
                    Module(
                        pk=pk,
                        request_id=pk,
                        volunteer_id=volunteer,
                        co_volunteer_id=co,
                        school_year=year,
                    )
                )
                start = clock(9) if rng.random() < 0.3 else clock(14)
                for k in range(int(rng.integers(5, 8))):
                    sessions.append(
                        Session(
                            pk=len(sessions) + 1,
                            module_id=pk,
                            volunteer_id=volunteer,
                            date=rentree + timedelta(days=7 * k + i % 5),
                            start_time=start,
                            end_time=clock(start.hour + 2, 30 * (start.hour == 9)),
                            status="cancelled" if rng.random() < 0.05 else "held",
                        )
                    )
                if rng.random() < 0.6:
                    feedbacks.append(
                        Feedback(
                            pk=len(feedbacks) + 1,
                            module_id=pk,
                            user_id=classes[class_id - 1].teacher_id,
                            role=Role.TEACHER,
                            satisfaction=int(rng.integers(1, 6)),
                            would_repeat=True,
                        )
                    )
    tables = [
        (Ecole, ecoles),
        (Organisation, organisations),
        (User, users),
        (VolunteerProfile, profiles),
        (SchoolClass, classes),
        (AccompanimentRequest, requests),
        (Module, modules),
        (Session, sessions),
        (Feedback, feedbacks),
    ]
    with transaction.atomic():
        for model, objects in tables:
            copy_in(model, objects)
        models = [model for model, _ in tables]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            cursor.execute("ANALYZE")
    print("  " + ", ".join(f"{len(objects):,} {m._meta.db_table}" for m, objects in tables))


def hand_sql() -> str:
    """The hand-written query: every figure of every (year, département) in one statement.

    The accompanists are the distinct (year, département, person) of both columns of the
    live modules (a LATERAL VALUES unfolds them); the rest are plain grouped counts.
    """
    from astep.classes.models import CYCLE_3_BEFORE_2016, Delivery, Level, Theme
    from astep.partners.models import OrganisationKind
    from astep.volunteers.eligibility import Status

    def levels(*names):
        return " OR ".join(f"c.levels ? '{n}'" for n in names)

    class_columns = [
        f"count(*) FILTER (WHERE {levels(lv)}) AS classes_{lv.lower()}" for lv in Level
    ]
    module_columns = [f"count(*) FILTER (WHERE theme = '{t}') AS modules_{t}" for t in Theme]
    module_columns += [f"count(*) FILTER (WHERE form = '{f}') AS modules_{f}" for f in Delivery]
    people_columns = [f"count(*) FILTER (WHERE p.status = '{s}') AS volunteers_{s}" for s in Status]
    people_columns += [
        f"count(*) FILTER (WHERE o.kind = '{k}') AS volunteers_organisation_{k}"
        for k in OrganisationKind
    ]
    return f"""
    WITH live AS (
        SELECT m.id, m.school_year AS year, e.departement_id AS dep, m.volunteer_id,
               m.co_volunteer_id, r.theme, r.form
        FROM modules_module m
        JOIN classes_accompanimentrequest r ON r.id = m.request_id
        JOIN classes_schoolclass c ON c.id = r.school_class_id
        JOIN territory_ecole e ON e.id = c.ecole_id
        WHERE r.status <> 'cancelled'
    ), class_figures AS (
        SELECT c.school_year AS year, e.departement_id AS dep, count(*) AS classes,
               sum(c.pupils) AS pupils, {", ".join(class_columns)},
               count(*) FILTER (WHERE {levels("CP", "CE1", "CE2")}) AS classes_cycle_2,
               count(*) FILTER (WHERE {levels("CM1", "CM2")}) AS classes_cycle_3,
               count(*) FILTER (WHERE {levels(*sorted(CYCLE_3_BEFORE_2016))})
                   AS classes_cycle_3_before_2016,
               count(*) FILTER (WHERE e.education_prioritaire = 'REP') AS classes_rep,
               count(*) FILTER (WHERE e.education_prioritaire = 'REP+') AS classes_rep_plus,
               count(DISTINCT c.teacher_id) AS teachers
        FROM classes_schoolclass c JOIN territory_ecole e ON e.id = c.ecole_id
        WHERE EXISTS (
            SELECT 1 FROM modules_module m
            JOIN classes_accompanimentrequest r ON r.id = m.request_id
            WHERE r.school_class_id = c.id AND m.school_year = c.school_year
              AND r.status <> 'cancelled')
        GROUP BY 1, 2
    ), module_figures AS (
        SELECT year, dep, count(*) AS modules, {", ".join(module_columns)}
        FROM live GROUP BY 1, 2
    ), people AS (
        SELECT DISTINCT year, dep, person
        FROM live CROSS JOIN LATERAL (VALUES (volunteer_id), (co_volunteer_id)) AS v(person)
        WHERE person IS NOT NULL
    ), people_figures AS (
        SELECT year, dep, count(*) AS volunteers, {", ".join(people_columns)},
               count(*) FILTER (WHERE o.id IS NULL) AS volunteers_no_organisation,
               count(DISTINCT o.id) AS organisations
        FROM people
        LEFT JOIN volunteers_volunteerprofile p ON p.user_id = person
        LEFT JOIN partners_organisation o ON o.id = p.organisation_id
        GROUP BY 1, 2
    ), session_figures AS (
        SELECT year, dep, count(*) AS sessions,
               sum(extract(epoch FROM s.end_time - s.start_time)) / 3600 AS hours
        FROM modules_session s JOIN live ON live.id = s.module_id
        WHERE s.status <> 'cancelled' GROUP BY 1, 2
    ), feedback_figures AS (
        SELECT year, dep, count(*) AS feedback_count, sum(f.satisfaction) AS satisfaction_sum
        FROM modules_feedback f JOIN live ON live.id = f.module_id GROUP BY 1, 2
    )
    SELECT * FROM module_figures
    LEFT JOIN class_figures USING (year, dep)
    LEFT JOIN people_figures USING (year, dep)
    LEFT JOIN session_figures USING (year, dep)
    LEFT JOIN feedback_figures USING (year, dep)
    """


def hand_figures() -> dict:
    """Run `hand_sql()` once; returns {year: {departement_id: figures}} like the ORM."""
    from django.db import connection

    from surveys.figures import FIGURES

    with connection.cursor() as cursor:
        cursor.execute(hand_sql())
        names = [c.name for c in cursor.description]
        result = {}
        for row in cursor.fetchall():
            values = dict(zip(names, row, strict=True))
            figures = {key: values[key] or 0 for key in FIGURES}
            figures["hours"] = float(figures["hours"])
            result.setdefault(values["year"], {})[values["dep"]] = figures
    return result


def render_national(school_year: str) -> dict[str, float]:
    """Build the national report of `school_year` in each format as the Celery task does
    (its tables, with the evolution over every year, then the file); returns
    {format: seconds}. Issue 6 target: the three together ≤ 30 s."""
    from surveys.models import Report, ReportFormat, Scope
    from surveys.reports import report_render, report_tables

    def build(format: str) -> bytes:
        report = Report(scope=Scope.NATIONAL, school_year=school_year, format=format)
        return report_render(report, report_tables(report))

    return {format: best(lambda f=format: build(f), 1) for format in ReportFormat.values}


def best(run, repeat: int) -> float:
    """The shortest wall time of `repeat` calls of `run`, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def same(orm: dict, hand: dict) -> bool:
    """Whether both results hold the same (year, département) rows and numbers."""

    def rounded(result):
        return {
            (year, dep): {k: round(v, 6) for k, v in figures.items()}
            for year, rows in result.items()
            for dep, figures in rows.items()
        }

    return rounded(orm) == rounded(hand)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the dataset")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    setup_django(args.database_url, args.rebuild)
    from astep.modules.models import Module
    from surveys.figures import figures_by_departement, figures_by_year
    from surveys.opendata import opendata_csv

    print(f"database {args.database_url} ready in {time.perf_counter() - start:.1f} s")
    if not Module.objects.exists():
        start = time.perf_counter()
        generate(args.seed)
        print(f"dataset generated in {time.perf_counter() - start:.1f} s")
    year = YEARS[-1]
    one_year = best(lambda: figures_by_departement(school_year=year), args.repeat)
    all_years = best(figures_by_year, args.repeat)
    hand = best(hand_figures, args.repeat)
    ratio = all_years / hand
    equal = same(figures_by_year(), hand_figures())
    formats = render_national(year)
    opendata = best(opendata_csv, 1)
    print(f"ORM figures, national, {year}:        {one_year:7.3f} s")
    print(f"ORM figures, national, {len(YEARS)} years:       {all_years:7.3f} s")
    print(f"hand-written SQL, one query, {len(YEARS)} years: {hand:7.3f} s")
    verdict = "ok" if ratio <= RATIO_TARGET else "MISSED"
    print(f"ratio ORM / hand-written: {ratio:.2f} (target ≤ {RATIO_TARGET:g}: {verdict})")
    print(f"same numbers: {'yes' if equal else 'NO'}")
    for name, seconds in formats.items():
        print(f"national report {year}, {name}:      {seconds:7.3f} s")
    total = sum(formats.values())
    verdict = "ok" if total <= REPORT_TARGET_SECONDS else "MISSED"
    print(
        f"national report, all formats ({', '.join(formats)}): {total:.3f} s "
        f"(target all three ≤ {REPORT_TARGET_SECONDS:g} s: {verdict})"
    )
    print(f"open data CSV, {len(YEARS)} years:             {opendata:7.3f} s")
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())

"""Time each page of the load mix alone, on the national data set, with its query count.

Run: `.venv/bin/python -m benchmarks.load.pages [--database-url postgres://…/astep_loaddata]`
after `benchmarks.load.seed`. Each page is requested through Django's test client as a
load account (`…-1@load.astep.test`), once to warm up then `--repeat` times; printed per
page: status, best wall time (ms), number of queries, their total time (ms) and the
slowest one. One request at a time, so the figures say what a page costs by itself —
steadier than the locust run on a busy machine, and where to look when its p95 is high.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/astep_loaddata"


def pages() -> list[tuple[str, str]]:
    """(account e-mail prefix, address) of every page of the locustfile's mix."""
    from astep.accounts.models import User
    from astep.classes.models import AccompanimentRequest
    from matching.models import Plan
    from surveys.models import Campaign, Report

    teacher = User.objects.get(email="teacher-1@load.astep.test")
    correspondent = User.objects.get(email="departmental-correspondent-1@load.astep.test")
    waiting = AccompanimentRequest.objects.for_user(correspondent).filter(status="submitted")
    plan = Plan.objects.filter(departement=correspondent.departement).first()
    campaign = Campaign.objects.order_by("-school_year").first()
    report = Report.objects.filter(status="ready").first()
    rows = [
        ("teacher", "/"),
        ("teacher", "/classes/"),
        ("teacher", f"/classes/{teacher.school_classes.first().pk}/demande/"),
        ("teacher", "/classes/demandes/"),
        ("teacher", "/appariement/propositions/"),
        ("volunteer", "/appariement/propositions/"),
        ("volunteer", "/modules/"),
        ("departmental-correspondent", "/appariement/"),
        ("departmental-correspondent", "/appariement/?status=submitted&page=2&v-half_day=2-am"),
        ("departmental-correspondent", f"/appariement/demandes/{waiting.first().pk}/"),
        ("departmental-correspondent", "/enquete/"),
        ("academic-correspondent", "/enquete/departements/"),
        ("academic-correspondent", f"/enquete/campagnes/{campaign.pk}/suivi/"),
        ("national", "/enquete/campagnes/"),
        ("national", f"/enquete/campagnes/{campaign.pk}/suivi/"),
        ("national", "/enquete/bilans/"),
    ]
    if plan:
        rows.append(("departmental-correspondent", f"/appariement/plans/{plan.pk}/"))
    if report:
        rows.append(("national", f"/enquete/bilans/{report.pk}/telecharger/"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("PRIVATE_MEDIA_ROOT", str(Path("var/load/private").resolve()))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "astep.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from astep.accounts.models import User

    print(
        f"{'account':<28} {'page':<55} {'code':>4} {'ms':>6} {'queries':>7} {'sql ms':>6} {'max':>5}"
    )
    for who, address in pages():
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(User.objects.get(email=f"{who}-1@load.astep.test"))
        client.get(address)
        best, captured = None, None
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(address)
                seconds = time.perf_counter() - start
            if best is None or seconds < best:
                best, captured = seconds, queries.captured_queries
        times = [float(q["time"]) * 1000 for q in captured]
        print(
            f"{who:<28} {address[:55]:<55} {response.status_code:>4} {best * 1000:>6.0f} "
            f"{len(times):>7} {sum(times):>6.0f} {max(times, default=0):>5.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

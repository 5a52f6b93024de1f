"""Build the national data set of the load test (issue 8) in its own PostgreSQL database.

Run: `.venv/bin/python -m benchmarks.load.seed [--database-url postgres://…/astep_loaddata]
[--seed 2024]`. The database is dropped and recreated each time (idempotent), migrated, then:

- 10 school years of modules (2016-2017 … 2025-2026, 50,000 modules, their classes,
  sessions and questionnaires) by the generator of `benchmarks.reports`;
- the communes of France, the écoles, circonscriptions and effectifs of Ille-et-Vilaine
  (../shared/data, else the project's samples), then those écoles replicated into every
  other département up to ECOLES écoles in all: new UAI, placed at a commune of the
  département drawn at random, a dozen circonscriptions per département;
- VOLUNTEERS proposable volunteers (level validated, charter signed, available), living in
  a commune of their département, and REQUESTS requests of this school year waiting for a
  volunteer, spread over the départements like the écoles;
- the campaign of this school year, open; the load accounts (ACCOUNTS per role, password
  PASSWORD, printed): teachers with a class of this year, volunteers with PROPOSALS pending
  proposals each, departmental correspondents of as many départements, academic
  correspondents of as many académies, DGESCO staff; and one national report built.

Big tables are written with COPY. When the portal requires a second factor for a role
(allauth.mfa installed), its load accounts get a TOTP authenticator of secret TOTP_SECRET,
from which the locust users compute their codes. Private files go to PRIVATE_MEDIA_ROOT
(default var/load/private): the web server of the run must use the same.
"""

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks import reports  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/astep_loaddata"
SHARED_DATA = ROOT.parent / "shared" / "data"
SAMPLE = ROOT / "astep" / "territory" / "data" / "sample"
SOURCES = {
    "import_communes": ("communes-france_cog-mairies.csv", "communes-sample.csv"),
    "import_annuaire": (
        "fr-en-annuaire-education_35-ille-et-vilaine_2023.csv",
        "annuaire-sample.csv",
    ),
    "import_effectifs": (
        "fr-en-ecoles-effectifs-nb_classes_35-ille-et-vilaine_2019-2022.csv",
        "effectifs-sample.csv",
    ),
}
ECOLES = 45_000
VOLUNTEERS = 10_000
REQUESTS = 5_000
CIRCONSCRIPTIONS_PER_DEPARTEMENT = 12
ACCOUNTS = 60  # per role: more than the 50 locust users, so each logs in as its own account
PROPOSALS = 30  # pending proposals per load volunteer: more than one can answer in a run
PASSWORD = "astep-load-2026"
TOTP_SECRET = "ASTEPLOADASTEPLOADASTEPLOAD23456"  # base32; public, load data only
EMAIL = "{role}-{number}@load.astep.test"
HOME_DEPARTEMENT = "035"
HALF_DAYS = ["1-am", "1-pm", "2-am", "2-pm", "3-am", "4-am", "4-pm", "5-am", "5-pm"]
LEVEL_SETS = [["CP"], ["CE1"], ["CE2"], ["CM1"], ["CM2"], ["CE2", "CM1"], ["CM1", "CM2"]]


class Allocator:
    """Hands out primary keys above the largest one of each table, for COPY."""

    def __init__(self):
        self.next = {}

    def __call__(self, model) -> int:
        if model not in self.next:
            from django.db.models import Max

            self.next[model] = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        pk = self.next[model]
        self.next[model] += 1
        return pk


def import_referential() -> None:
    """Communes of France, écoles and effectifs of Ille-et-Vilaine (shared data or samples)."""
    from django.core.management import call_command

    for command, (real, sample) in SOURCES.items():
        path = SHARED_DATA / real if (SHARED_DATA / real).exists() else SAMPLE / sample
        try:
            call_command(command, str(path), verbosity=0)
        except SystemExit as exit:  # 1 = some rows rejected, the good ones imported
            if exit.code not in (0, 1):
                raise


def replicate_ecoles(rng, pk) -> None:
    """Copy the imported écoles into every other département up to ECOLES écoles in all."""
    from astep.territory.models import Circonscription, Commune, Departement, Ecole

    models = [m for m in Ecole.objects.filter(departement__code=HOME_DEPARTEMENT).order_by("uai")]
    others = list(Departement.objects.exclude(code=HOME_DEPARTEMENT).order_by("code"))
    per_departement = (ECOLES - Ecole.objects.count()) // len(others)
    circos, ecoles, serial = [], [], 0
    for departement in others:
        communes = list(
            Commune.objects.filter(departement=departement, latitude__isnull=False).values_list(
                "code_insee", "name", "latitude", "longitude"
            )
        )
        mine = [
            Circonscription(
                pk=pk(Circonscription),
                departement=departement,
                code=f"{departement.code}-{k}",
                name=f"Circonscription {k + 1} ({departement.name})",
            )
            for k in range(CIRCONSCRIPTIONS_PER_DEPARTEMENT)
        ]
        circos += mine
        for i in range(per_departement):
            model = models[i % len(models)]
            code, name, latitude, longitude = communes[int(rng.integers(len(communes)))]
            serial += 1
            ecoles.append(
                Ecole(
                    pk=pk(Ecole),
                    uai=f"{8000000 + serial:07d}L",
                    name=model.name,
                    nature=model.nature,
                    commune_code=code,
                    commune_name=name,
                    departement=departement,
                    circonscription=mine[i % len(mine)],
                    education_prioritaire=model.education_prioritaire,
                    latitude=latitude + rng.normal(0, 0.01),
                    longitude=longitude + rng.normal(0, 0.01),
                )
            )
    reports.copy_in(Circonscription, circos)
    reports.copy_in(Ecole, ecoles)


def volunteers_and_requests(rng, pk, password: str) -> None:
    """VOLUNTEERS proposable volunteers and REQUESTS waiting requests, by département."""
    from django.utils import timezone

    from astep.accounts.models import Role, User
    from astep.classes.models import AccompanimentRequest, RequestStatus, SchoolClass, Theme
    from astep.school_year import current_school_year
    from astep.territory.models import Commune, Ecole
    from astep.volunteers.models import CharterSignature, CharterVersion, VolunteerProfile

    version = CharterVersion.objects.current()
    communes = list(Commune.objects.filter(latitude__isnull=False).values_list("pk", flat=True))
    users, profiles, signatures = [], [], []
    for _ in range(VOLUNTEERS):
        user = User(pk=pk(User), role=Role.VOLUNTEER, password=password, first_name="Bénévole")
        user.email, user.last_name = f"v{user.pk}@load.astep.test", f"n° {user.pk}"
        users.append(user)
        commune = communes[int(rng.integers(len(communes)))]
        profiles.append(proposable_profile(rng, pk(VolunteerProfile), user, commune))
        signatures.append(
            CharterSignature(
                pk=pk(CharterSignature), user=user, version=version, full_name=str(user)
            )
        )
    ecoles = list(Ecole.objects.exclude(circonscription=None).values_list("pk", flat=True))
    year, today = current_school_year(), date.today()
    classes, requests = [], []
    for _ in range(REQUESTS):
        teacher = User(pk=pk(User), role=Role.TEACHER, password=password, first_name="Enseignant")
        teacher.email, teacher.last_name = f"t{teacher.pk}@load.astep.test", f"n° {teacher.pk}"
        users.append(teacher)
        classes.append(
            SchoolClass(
                pk=pk(SchoolClass),
                teacher=teacher,
                ecole_id=ecoles[int(rng.integers(len(ecoles)))],
                school_year=year,
                levels=LEVEL_SETS[int(rng.integers(len(LEVEL_SETS)))],
                pupils=int(rng.integers(15, 30)),
            )
        )
        start = today + timedelta(weeks=int(rng.integers(1, 10)))
        requests.append(
            AccompanimentRequest(
                pk=pk(AccompanimentRequest),
                school_class=classes[-1],
                theme=Theme.values[int(rng.integers(len(Theme.values)))],
                period_start=start,
                period_end=start + timedelta(weeks=12),
                half_days=list(rng.choice(HALF_DAYS, size=2, replace=False)),
                status=RequestStatus.SUBMITTED,
                submitted_at=timezone.now() - timedelta(days=int(rng.integers(1, 60))),
            )
        )
    for model, objects in [
        (User, users),
        (VolunteerProfile, profiles),
        (CharterSignature, signatures),
        (SchoolClass, classes),
        (AccompanimentRequest, requests),
    ]:
        reports.copy_in(model, objects)


def proposable_profile(rng, pk: int, user, commune_id: int):
    """A finished onboarding: level validated, available some half-days every month."""
    from django.utils import timezone

    from astep.volunteers.eligibility import Field, Level, Status, Verdict
    from astep.volunteers.models import Month, ProofKind, ReviewStatus, VolunteerProfile

    return VolunteerProfile(
        pk=pk,
        user=user,
        birth_date=date(1990 + int(rng.integers(12)), 3, 2),
        status=Status.STUDENT if rng.random() < 0.6 else Status.RESEARCHER,
        commune_id=commune_id,
        level=Level.BAC_5,
        field=Field.PHYSICS,
        verdict=Verdict.ELIGIBLE,
        review_status=ReviewStatus.VALIDATED,
        proof_kind=ProofKind.DIPLOMA,
        submitted_at=timezone.now(),
        half_days=list(rng.choice(HALF_DAYS, size=3, replace=False)),
        free_months=[month.value for month in Month],
        max_distance_km=int(rng.choice([10, 20, 30])),
        max_modules=int(rng.integers(1, 3)),
    )


def load_accounts(rng, password: str) -> dict[str, list[str]]:
    """ACCOUNTS sign-in accounts per role of the locust mix; returns {role: [e-mail]}.

    Teachers have a class of this year at an école of HOME_DEPARTEMENT; volunteers live
    there and have PROPOSALS pending proposals on its waiting requests; departmental
    correspondents each hold a different département (HOME_DEPARTEMENT first), academic
    correspondents a different académie.
    """
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from astep.accounts.models import Role, User
    from astep.classes.models import AccompanimentRequest, RequestStatus, SchoolClass
    from astep.school_year import current_school_year
    from astep.territory.models import Academie, Commune, Departement, Ecole
    from astep.volunteers.models import CharterSignature, CharterVersion, VolunteerProfile
    from matching.models import Proposal

    home = Departement.objects.get(code=HOME_DEPARTEMENT)
    departements = [home, *Departement.objects.exclude(pk=home.pk).order_by("code")]
    academies = sorted(Academie.objects.order_by("pk"), key=lambda a: a.pk != home.academie_id)
    scopes = {
        Role.DEPARTMENTAL_CORRESPONDENT: [{"departement": d} for d in departements[:ACCOUNTS]],
        Role.TEACHER: [{}] * ACCOUNTS,
        Role.VOLUNTEER: [{}] * ACCOUNTS,
        Role.ACADEMIC_CORRESPONDENT: [{"academie": a} for a in academies[:ACCOUNTS]],
        Role.NATIONAL: [{}] * ACCOUNTS,
    }
    ecoles = list(Ecole.objects.filter(departement=home).exclude(circonscription=None))
    communes = list(Commune.objects.filter(departement=home, latitude__isnull=False))
    waiting = list(
        AccompanimentRequest.objects.filter(
            school_class__ecole__departement=home, status=RequestStatus.SUBMITTED
        ).values_list("pk", flat=True)
    )
    correspondent = None
    accounts = {}
    charter = CharterVersion.objects.current()
    for role, scope in scopes.items():
        for number, fields in enumerate(scope, start=1):
            email = EMAIL.format(role=role.replace("_", "-"), number=number)
            user = User.objects.create(
                email=email,
                role=role,
                password=password,
                first_name=role,
                last_name=str(number),
                **fields,
            )
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            second_factor(user)
            accounts.setdefault(role, []).append(email)
            if role == Role.TEACHER:
                SchoolClass.objects.create(
                    teacher=user,
                    ecole=ecoles[number % len(ecoles)],
                    school_year=current_school_year(),
                    levels=["CM1", "CM2"],
                    pupils=25,
                )
            if role == Role.DEPARTMENTAL_CORRESPONDENT and correspondent is None:
                correspondent = user
            if role == Role.VOLUNTEER:
                commune = communes[number % len(communes)]
                profile = proposable_profile(rng, None, user, commune.pk)
                VolunteerProfile.objects.bulk_create([profile])
                CharterSignature.objects.create(user=user, version=charter, full_name=str(user))
                chosen = rng.choice(waiting, size=PROPOSALS, replace=False)
                Proposal.objects.bulk_create(
                    Proposal(
                        request_id=int(request),
                        volunteer=user,
                        distance_km=float(rng.uniform(1, 30)),
                        proposed_by=correspondent,
                        expires_at=timezone.now() + timedelta(days=14),
                    )
                    for request in chosen
                )
    return accounts


def open_campaign() -> None:
    """The campaign of this school year, open since the rentrée (no e-mail sent)."""
    from astep.school_year import current_school_year
    from surveys.models import Campaign

    year = current_school_year()
    Campaign.objects.create(
        school_year=year, opens_on=date(int(year[:4]), 9, 1), closes_on=date(int(year[5:]), 7, 4)
    )


def second_factor(user) -> None:
    """Give `user` a TOTP of secret TOTP_SECRET when the portal requires MFA for them."""
    from allauth.mfa.totp.internal.auth import TOTP

    if user.mfa_required:
        TOTP.activate(user, TOTP_SECRET)


def national_report(email: str) -> None:
    """Build the national report of the last finished school year, in CSV, for DGESCO."""
    from astep.accounts.models import User
    from surveys.bilans import report_build
    from surveys.models import Report, ReportFormat, Scope

    report = Report.objects.create(
        scope=Scope.NATIONAL,
        school_year=reports.YEARS[-1],
        format=ReportFormat.CSV,
        requested_by=User.objects.get(email=email),
    )
    report_build(report_id=report.pk)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    os.environ.setdefault("PRIVATE_MEDIA_ROOT", str(ROOT / "var" / "load" / "private"))
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")

    start = time.perf_counter()
    reports.setup_django(args.database_url, rebuild=True)
    from django.contrib.auth.hashers import make_password
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from astep.accounts.models import Role, User
    from astep.territory.models import Ecole

    print(
        f"database {args.database_url} created and migrated in {time.perf_counter() - start:.0f} s"
    )
    reports.generate(args.seed)  # first: it numbers its rows from 1
    import_referential()
    rng, pk = np.random.default_rng(args.seed), Allocator()
    password = make_password(PASSWORD)
    with transaction.atomic():
        replicate_ecoles(rng, pk)
        volunteers_and_requests(rng, pk, password)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(pk.next)):
                cursor.execute(sql)
    with transaction.atomic():
        accounts = load_accounts(rng, password)
        open_campaign()
    national_report(accounts[Role.NATIONAL][0])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        # Written to disk now, not by a checkpoint during the load test that follows.
        cursor.execute("CHECKPOINT")
    print(
        f"{Ecole.objects.count():,} écoles, "
        f"{User.objects.filter(role=Role.VOLUNTEER).count():,} volunteers, "
        f"built in {time.perf_counter() - start:.0f} s"
    )
    print(f"load accounts (password {PASSWORD}, TOTP secret {TOTP_SECRET} where required):")
    for role, emails in accounts.items():
        print(f"  {role:<28} {emails[0]} … {emails[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

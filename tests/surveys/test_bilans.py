"""The bilans as files: known figures in every format and scope, checksum, scopes, the task run
twice, nightly builds, the sweeper, the page and its query budget."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from astep.accounts.models import Role
from astep.modules.models import Module
from astep.school_year import current_school_year, school_year_start
from surveys.bilans import report_build, reports_nightly, reports_sweep
from surveys.models import Report, ReportStatus, Scope
from surveys.tasks import build_report
from tests.factories import (
    EcoleFactory,
    RequestFactory,
    SchoolClassFactory,
    UserFactory,
    VolunteerProfileFactory,
    departement,
)
from tests.surveys.reading import csv_tables, pdf_text, xlsx_tables

pytestmark = pytest.mark.django_db

YEAR = current_school_year()
LAST_YEAR = f"{school_year_start(YEAR) - 1}-{school_year_start(YEAR)}"
CLASSES, CYCLE_3, PRIORITY = "Classes accompagnées", "Classes de cycle 3", "Classes en REP"
REP_PLUS = "Classes en REP+"


def accompanied_classes(code: str, *, count: int, cycle_3: int, rep: int, rep_plus: int, year=YEAR):
    """`count` classes of département `code` with a module in `year`: the first `cycle_3`
    are CM1-CM2 (the others CP), the first `rep` in REP and the next `rep_plus` in REP+."""
    volunteer = VolunteerProfileFactory().user
    for number in range(count):
        priority = "REP" if number < rep else "REP+" if number < rep + rep_plus else ""
        ecole = EcoleFactory(departement=departement(code), education_prioritaire=priority)
        levels = ["CM1", "CM2"] if number < cycle_3 else ["CP"]
        school_class = SchoolClassFactory(ecole=ecole, school_year=year, levels=levels)
        request = RequestFactory(school_class=school_class, status="matched")
        Module.objects.create(request=request, volunteer=volunteer, school_year=year)


@pytest.fixture
def known_year():
    """40 classes in the académie de Rennes, 24 of them cycle 3, 9 in éducation prioritaire:
    28 in Ille-et-Vilaine (17 cycle 3, 4 REP + 2 REP+), 12 in Finistère (7, 2 + 1);
    and 3 classes the year before in Morbihan."""
    accompanied_classes("035", count=28, cycle_3=17, rep=4, rep_plus=2)
    accompanied_classes("029", count=12, cycle_3=7, rep=2, rep_plus=1)
    accompanied_classes("056", count=3, cycle_3=3, rep=0, rep_plus=0, year=LAST_YEAR)


def built(format: str, scope: str, code: str | None = None, **fields) -> Report:
    """A report requested by nobody, built by the service; returns it reloaded."""
    territory = {}
    if scope == Scope.DEPARTEMENT:
        territory = {"departement": departement(code)}
    elif scope == Scope.ACADEMIE:
        territory = {"academie": departement(code).academie}
    report = Report.objects.create(
        school_year=YEAR, scope=scope, format=format, **territory, **fields
    )
    report_build(report_id=report.pk)
    return Report.objects.get(pk=report.pk)


def stored(report: Report) -> bytes:
    with report.file.open("rb") as file:
        return file.read()


def first_table(report: Report) -> list[dict]:
    """The figures by territory of a CSV or XLSX report, as rows of {heading: cell}."""
    data = stored(report)
    tables = csv_tables(data) if report.format == "csv" else xlsx_tables(data)
    return next(iter(tables.values()))


def row(rows: list[dict], level: str, name: str | None = None) -> dict:
    """The first row of `level` ("Département", "Académie", "France"), named `name` if given."""
    return next(
        r for r in rows if r["Niveau"] == level and name in (None, r["Académie"], r["Département"])
    )


def as_number(cell):
    """A CSV cell is text with a decimal comma; an XLSX cell is already a number."""
    return cell if isinstance(cell, int | float) else float(cell.replace(",", "."))


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_the_known_figures_are_in_every_scope_of_a_spreadsheet_report(known_year, format):
    ille = row(first_table(built(format, Scope.DEPARTEMENT, "035")), "Département")
    rennes = first_table(built(format, Scope.ACADEMIE, "035"))
    france = first_table(built(format, Scope.NATIONAL))

    assert [as_number(ille[key]) for key in (CLASSES, CYCLE_3, PRIORITY, REP_PLUS)] == [
        28,
        17,
        4,
        2,
    ]
    finistere = row(rennes, "Département", "Finistère")
    assert [as_number(finistere[key]) for key in (CLASSES, CYCLE_3, PRIORITY, REP_PLUS)] == [
        12,
        7,
        2,
        1,
    ]
    for total in (row(rennes, "Académie", "Rennes"), row(france, "France")):
        assert [as_number(total[key]) for key in (CLASSES, CYCLE_3, PRIORITY, REP_PLUS)] == [
            40,
            24,
            6,
            3,
        ]
        assert as_number(total["Part de cycle 3 (%)"]) == 60.0
        assert as_number(total["Part en éducation prioritaire (%)"]) == 22.5  # 9 / 40
    assert len([r for r in france if r["Niveau"] == "Département"]) == 101


def test_the_csv_opens_in_french_excel_with_decimal_commas(known_year):
    rows = csv_tables(stored(built("csv", Scope.NATIONAL)))

    assert row(next(iter(rows.values())), "France")["Part en éducation prioritaire (%)"] == "22,5"


def test_the_xlsx_has_a_sheet_per_table_with_numbers_as_numbers(known_year):
    sheets = xlsx_tables(stored(built("xlsx", Scope.NATIONAL)))

    national, evolution = sheets.values()
    assert list(sheets)[0].startswith("1. Bilan national")
    assert list(sheets)[1].startswith("2. Évolution nationale")
    assert row(national, "France")[CLASSES] == 40
    assert row(national, "France")["Part de cycle 3 (%)"] == 60.0
    assert {r["Année scolaire"]: r[CLASSES] for r in evolution} == {LAST_YEAR: 3, YEAR: 40}


def test_the_national_evolution_covers_every_school_year_in_every_format(known_year):
    csv_evolution = csv_tables(stored(built("csv", Scope.NATIONAL)))[
        "Évolution nationale par année scolaire"
    ]

    assert [(r["Année scolaire"], r[CLASSES]) for r in csv_evolution] == [
        (LAST_YEAR, "3"),
        (YEAR, "40"),
    ]
    assert [r["Part de cycle 3 (%)"] for r in csv_evolution] == ["100,0", "60,0"]


def flat(text: str) -> str:
    """PDF text on one line, words cut at a line end ("Ille-et- Vilaine") joined again."""
    return re.sub(r"-\s+", "-", " ".join(text.split()))


def test_the_known_figures_are_in_the_pdf_of_every_scope_with_its_charts(known_year):
    departemental = flat(pdf_text(stored(built("pdf", Scope.DEPARTEMENT, "035"))))
    academic = flat(pdf_text(stored(built("pdf", Scope.ACADEMIE, "035"))))
    national = flat(pdf_text(stored(built("pdf", Scope.NATIONAL))))

    # A row reads: its territory, classes, pupils (24 a class), classes with CP, CE1, CE2,
    # CM1, CM2 pupils, cycle 2, cycle 3, cycle 3 before 2016, REP, REP+; the next figures
    # follow in the next parts of the table, twelve columns each so that all fit the page.
    assert "Bilan départemental ASTEP" in departemental
    assert (
        "Département · Rennes · Ille-et-Vilaine 28 672 11 0 0 17 17 11 17 17 4 2" in departemental
    )
    assert "Département · Rennes · Finistère 12 288 5 0 0 7 7 5 7 7 2 1" in academic
    assert "Académie · Rennes 40 960 16 0 0 24 24 16 24 24 6 3" in academic
    assert "France 40 960 16 0 0 24 24 16 24 24 6 3" in national
    assert "(suite 4/4)" in national and "Taux de couverture (%)" in national
    assert "60,0 60,0 22,5" in national
    assert "Classes accompagnées par académie" in national  # the charts
    assert "Classes accompagnées par année scolaire" in national
    assert "Évolution nationale par année scolaire" in national


def test_the_checksum_and_size_are_those_of_the_stored_bytes(known_year):
    report = built("xlsx", Scope.DEPARTEMENT, "035")

    data = stored(report)
    assert report.status == ReportStatus.READY and report.progress == 100
    assert report.checksum == hashlib.sha256(data).hexdigest()
    assert report.size == len(data)
    assert report.built_at is not None


def test_the_task_run_twice_gives_one_file_and_one_email(
    known_year, django_capture_on_commit_callbacks
):
    dgesco = UserFactory(role=Role.NATIONAL, email="dgesco@example.test")
    report = Report.objects.create(
        school_year=YEAR, scope=Scope.NATIONAL, format="csv", requested_by=dgesco
    )

    with django_capture_on_commit_callbacks(execute=True):
        build_report.apply(args=[report.pk])
    first = Report.objects.get(pk=report.pk)
    with django_capture_on_commit_callbacks(execute=True):
        build_report.apply(args=[report.pk])
    second = Report.objects.get(pk=report.pk)

    assert (second.file.name, second.checksum, second.built_at) == (
        first.file.name,
        first.checksum,
        first.built_at,
    )
    folder = first.file.storage.path(first.file.name).rsplit("/", 1)[0]
    siblings = [
        name
        for name in first.file.storage.listdir(folder)[1]
        if name.startswith(f"bilan-{report.pk}")
    ]
    assert siblings == [f"bilan-{report.pk}.csv"]
    assert [m.to for m in mail.outbox] == [["dgesco@example.test"]]


def test_a_nightly_rebuild_overwrites_its_file_instead_of_adding_one(
    known_year, django_capture_on_commit_callbacks
):
    for _night in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            reports_nightly(school_year=YEAR)

    nightly = Report.objects.filter(nightly=True)
    # France, the académie de Rennes, Ille-et-Vilaine and Finistère, three formats each.
    assert nightly.count() == 4 * 3
    assert set(nightly.values_list("status", flat=True)) == {ReportStatus.READY}
    storage = Report.file.field.storage
    for report in nightly:
        folder, name = report.file.name.rsplit("/", 1)
        copies = [f for f in storage.listdir(folder)[1] if f.startswith(f"bilan-{report.pk}")]
        assert copies == [name] == [f"bilan-{report.pk}.{report.format}"]
    assert mail.outbox == []  # nobody asked: nobody is e-mailed


def test_the_sweeper_queues_what_the_broker_never_got_and_leaves_the_rest():
    never_queued = Report.objects.create(school_year=YEAR, scope=Scope.NATIONAL)
    queued_long_ago = Report.objects.create(
        school_year=YEAR, scope=Scope.NATIONAL, queued_at=timezone.now() - timedelta(hours=1)
    )
    just_queued = Report.objects.create(
        school_year=YEAR, scope=Scope.NATIONAL, queued_at=timezone.now()
    )
    failed = Report.objects.create(school_year=YEAR, scope=Scope.NATIONAL, status="failed")

    assert reports_sweep() == 2  # eager in tests: queued means built here

    statuses = dict(Report.objects.values_list("pk", "status"))
    assert statuses[never_queued.pk] == statuses[queued_long_ago.pk] == ReportStatus.READY
    assert statuses[just_queued.pk] == ReportStatus.PENDING
    assert statuses[failed.pk] == ReportStatus.FAILED


def test_beat_sweeps_every_minute_and_builds_the_nightly_bilans_at_half_past_two():
    from django.conf import settings

    from surveys.tasks import reports_nightly as nightly_task
    from surveys.tasks import reports_sweep as sweep_task

    sweep = settings.CELERY_BEAT_SCHEDULE["reports-sweep"]
    nightly = settings.CELERY_BEAT_SCHEDULE["reports-nightly"]
    assert (sweep["task"], nightly["task"]) == (sweep_task.name, nightly_task.name)
    assert sweep["schedule"].minute == set(range(60))
    assert (nightly["schedule"].hour, nightly["schedule"].minute) == ({2}, {30})

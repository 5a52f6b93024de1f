"""The figures of the survey and the bilans, counted in SQL, on a hand-built year whose true
figures are known."""

from datetime import date, time, timedelta

import pytest

from astep.accounts.models import Role
from astep.modules.models import Session
from surveys.figures import (
    FIGURES,
    figures_by_departement,
    figures_by_year,
    figures_sum,
    satisfaction_mean,
)
from surveys.models import Report, Scope
from surveys.reports import HEADINGS, report_rows
from tests.factories import (
    EcoleFactory,
    FeedbackFactory,
    ModuleFactory,
    OrganisationFactory,
    RequestFactory,
    SchoolClassFactory,
    UserFactory,
    VolunteerProfileFactory,
    departement,
)

pytestmark = pytest.mark.django_db

YEAR, NEXT_YEAR = "2023-2024", "2024-2025"
# 40 classes of Ille-et-Vilaine: 24 of cycle 3 (CM1 or CM2), one mixed CE2-CM1.
LEVELS = (
    [["CP"]] * 7
    + [["CE1"]] * 5
    + [["CE2"]] * 4
    + [["CE2", "CM1"]]
    + [["CM1"]] * 12
    + [["CM2"]] * 10
    + [["CM1", "CM2"]]
)
THEMES = ["matter", "living", "materials"]


def zeros(**figures) -> dict:
    return {**dict.fromkeys(FIGURES, 0), **figures}


def sessions(module, first_day: date, *, start=time(14), end=time(16), cancelled=0) -> None:
    """Six weekly sessions of `module`, the first `cancelled` of them cancelled."""
    Session.objects.bulk_create(
        Session(
            module=module,
            volunteer=module.volunteer,
            date=first_day + timedelta(days=7 * k),
            start_time=start,
            end_time=end,
            status="cancelled" if k < cancelled else "held",
        )
        for k in range(6)
    )


def people() -> list:
    """Twelve accompanists: 7 students, 4 researchers, 1 engineer; in 4 organisations."""
    university = OrganisationFactory(kind="university")
    research = OrganisationFactory(kind="research")
    company = OrganisationFactory(kind="company")
    other_lab = OrganisationFactory(kind="research")
    rows = (
        [("student", university)] * 4
        + [("student", None)] * 2
        + [("researcher", research)] * 3
        + [("engineer", company)]
        + [("researcher", other_lab), ("student", university)]  # co-volunteers only
    )
    return [VolunteerProfileFactory(status=s, organisation=o).user for s, o in rows]


@pytest.fixture
def known_year() -> list:
    """Ille-et-Vilaine in YEAR, whose figures are those of `expected_035`, with Loire-
    Atlantique (2 classes) and a second year (3 classes) beside it."""
    ille, loire = departement("035"), departement("044")
    ecoles = [
        EcoleFactory(departement=ille, education_prioritaire="REP"),
        EcoleFactory(departement=ille, education_prioritaire="REP+"),
        EcoleFactory(departement=ille),
    ]
    shared_teacher = UserFactory(role=Role.TEACHER)
    classes = [
        SchoolClassFactory(
            ecole=ecoles[0] if i < 6 else ecoles[1] if i < 9 else ecoles[2],
            school_year=YEAR,
            levels=levels,
            pupils=20 + i % 10,
            **({"teacher": shared_teacher} if i in (1, 2) else {}),
        )
        for i, levels in enumerate(LEVELS)
    ]
    volunteers = people()
    modules = []
    for i in range(41):  # the 41st module is a second one for the first class
        request = RequestFactory(
            school_class=classes[i % 40],
            status="completed" if i == 40 else "matched",
            theme=THEMES[i % 3],
            form="remote" if i < 3 else "in_class",
        )
        co_volunteer = {0: volunteers[10], 1: volunteers[11], 2: volunteers[0]}.get(i)
        modules.append(
            ModuleFactory(request=request, volunteer=volunteers[i % 10], co_volunteer=co_volunteer)
        )
    for i, module in enumerate(modules):
        slot = {"start": time(9), "end": time(10, 30)} if i == 7 else {}
        sessions(module, date(2023, 9, 4) + timedelta(days=i), cancelled=2 * (i == 5), **slot)
    for module, mark in zip(modules[:5], [5, 4, 4, 3, 5], strict=True):
        FeedbackFactory(module=module, satisfaction=mark)
    FeedbackFactory(module=modules[0], user=volunteers[0], role=Role.VOLUNTEER, satisfaction=2)

    # A cancelled request counts nothing: its class, module, sessions, questionnaire.
    cancelled = ModuleFactory(
        request__status="cancelled",
        request__school_class__ecole=ecoles[0],
        request__school_class__school_year=YEAR,
        volunteer=VolunteerProfileFactory(status="technician").user,
    )
    sessions(cancelled, date(2024, 3, 4))
    FeedbackFactory(module=cancelled, satisfaction=1)
    # A class whose request is still a draft has no module: not counted either.
    RequestFactory(status="draft", school_class__ecole=ecoles[2], school_class__school_year=YEAR)

    for _ in range(2):  # the first student also accompanies in Loire-Atlantique
        ModuleFactory(
            request__school_class__ecole=EcoleFactory(departement=loire),
            request__school_class__school_year=YEAR,
            request__school_class__levels=["CM2"],
            volunteer=volunteers[0],
        )
    for _ in range(3):
        ModuleFactory(
            request__school_class__ecole=ecoles[2],
            request__school_class__school_year=NEXT_YEAR,
            request__school_class__levels=["CE1"],
            volunteer=volunteers[3],
        )
    return volunteers


def expected_035() -> dict:
    return zeros(
        classes=40,
        pupils=980,  # 20 + i % 10 for i in 0..39
        classes_cp=7,
        classes_ce1=5,
        classes_ce2=5,
        classes_cm1=14,
        classes_cm2=11,
        classes_cycle_2=17,
        classes_cycle_3=24,
        classes_cycle_3_before_2016=28,
        classes_rep=6,
        classes_rep_plus=3,
        teachers=39,
        modules=41,
        modules_matter=14,
        modules_living=14,
        modules_materials=13,
        modules_remote=3,
        modules_in_class=38,
        sessions=244,  # 41 × 6, less 2 cancelled
        hours=485.0,  # 238 sessions of 2 h and 6 of 1 h 30
        volunteers=12,
        volunteers_student=7,
        volunteers_researcher=4,
        volunteers_engineer=1,
        volunteers_organisation_university=5,
        volunteers_organisation_research=4,
        volunteers_organisation_company=1,
        volunteers_no_organisation=2,
        organisations=4,
        feedback_count=6,
        satisfaction_sum=23,
    )


EXPECTED_044 = zeros(
    classes=2,
    pupils=48,
    classes_cm2=2,
    classes_cycle_3=2,
    classes_cycle_3_before_2016=2,
    teachers=2,
    modules=2,
    modules_matter=2,
    modules_in_class=2,
    volunteers=1,
    volunteers_student=1,
    volunteers_organisation_university=1,
    organisations=1,
)


def test_the_figures_of_a_known_year_are_exact_per_departement(known_year):
    figures = figures_by_departement(school_year=YEAR)

    assert figures == {departement("035").pk: expected_035(), departement("044").pk: EXPECTED_044}


def test_every_school_year_is_counted_in_the_same_few_queries(
    known_year, django_assert_num_queries
):
    with django_assert_num_queries(6):
        years = figures_by_year()

    assert list(years) == [YEAR, NEXT_YEAR]
    assert years[YEAR] == figures_by_departement(school_year=YEAR)
    assert years[NEXT_YEAR] == {
        departement("035").pk: zeros(
            classes=3,
            pupils=72,
            classes_ce1=3,
            classes_cycle_2=3,
            teachers=3,
            modules=3,
            modules_matter=3,
            modules_in_class=3,
            volunteers=1,
            volunteers_student=1,
            volunteers_organisation_university=1,
            organisations=1,
        )
    }


def test_a_departement_filter_counts_only_those_departements(known_year):
    loire = departement("044").pk

    assert figures_by_departement(school_year=YEAR, departement_ids=[loire]) == {
        loire: EXPECTED_044
    }
    assert figures_by_year(departement_ids=iter([loire])) == {YEAR: {loire: EXPECTED_044}}


def test_the_national_total_adds_up_and_gives_the_mean_satisfaction(known_year):
    total = figures_sum(figures_by_departement(school_year=YEAR).values())

    assert (total["classes"], total["volunteers"], total["modules"]) == (42, 13, 43)
    assert satisfaction_mean(total) == pytest.approx(23 / 6)
    assert satisfaction_mean(EXPECTED_044) is None


def test_the_national_report_shows_the_known_figures_and_shares(known_year):
    rows = report_rows(Report(scope=Scope.NATIONAL, school_year=YEAR))
    ille = next(r for r in rows if r[0] == "Département" and r[5] == "035")
    france = next(r for r in rows if r[0] == "France")
    column = {heading: i for i, heading in enumerate(HEADINGS)}

    def cells(row, *headings):
        return [row[column[h]] for h in headings]

    assert cells(ille, "Classes accompagnées", "Classes de cycle 3", "Heures de séance") == [
        40,
        24,
        485,
    ]
    assert cells(
        ille,
        "Part de cycle 3 (%)",
        "Part de cycle 3, définition avant 2016 (%)",
        "Part en éducation prioritaire (%)",
        "Satisfaction moyenne (sur 5)",
    ) == [60.0, 70.0, 22.5, 3.83]
    assert cells(france, "Classes accompagnées", "Accompagnateurs", "Organismes partenaires") == [
        42,
        13,
        5,  # the Loire-Atlantique student's university is counted there too
    ]


def test_the_query_count_does_not_grow_with_modules_departements_or_years(
    django_assert_num_queries,
):
    ModuleFactory(volunteer=VolunteerProfileFactory().user)
    with django_assert_num_queries(6):
        assert len(figures_by_year()) == 1

    for code, year in [("044", YEAR), ("056", NEXT_YEAR), ("029", "2022-2023")]:
        for _ in range(3):
            module = ModuleFactory(
                request__school_class__ecole=EcoleFactory(departement=departement(code)),
                request__school_class__school_year=year,
                volunteer=VolunteerProfileFactory().user,
                co_volunteer=VolunteerProfileFactory().user,
            )
            sessions(module, date(2023, 9, 4))
            FeedbackFactory(module=module)
    with django_assert_num_queries(6):
        assert len(figures_by_year()) == 4

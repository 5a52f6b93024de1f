"""Session plans skip the école's school holidays (its zone) and every public holiday."""

from datetime import date, timedelta

import holidays
import pytest
from vacances_scolaires_france import SchoolHolidayDates

from astep.half_days import HalfDay
from astep.modules.school_calendar import SchoolCalendar, sessions_plan
from astep.modules.services import module_create
from tests.factories import EcoleFactory, RequestFactory, VolunteerProfileFactory, departement

RENNES = SchoolCalendar(zone="B", departement_code="035")
CRETEIL = SchoolCalendar(zone="C", departement_code="094")
THURSDAY_4_FEB_2027 = date(2027, 2, 4)


def plan_dates(calendar, start=THURSDAY_4_FEB_2027, half_day="4-pm", count=6):
    return [
        day
        for day, _start, _end in sessions_plan(
            start=start, half_day=half_day, count=count, calendar=calendar
        ).slots
    ]


def test_a_february_module_in_rennes_skips_the_winter_holidays_of_zone_b():
    # Zone B winter holidays 2027: 20 February to 7 March.
    assert plan_dates(RENNES) == [
        date(2027, 2, 4),
        date(2027, 2, 11),
        date(2027, 2, 18),
        date(2027, 3, 11),
        date(2027, 3, 18),
        date(2027, 3, 25),
    ]
    skipped = sessions_plan(
        start=THURSDAY_4_FEB_2027, half_day="4-pm", count=6, calendar=RENNES
    ).skipped
    assert skipped == [
        (date(2027, 2, 25), "Vacances d'hiver"),
        (date(2027, 3, 4), "Vacances d'hiver"),
    ]


def test_the_same_module_in_creteil_skips_the_winter_holidays_of_zone_c():
    # Zone C winter holidays 2027: 6 to 21 February.
    assert plan_dates(CRETEIL) == [
        date(2027, 2, 4),
        date(2027, 2, 25),
        date(2027, 3, 4),
        date(2027, 3, 11),
        date(2027, 3, 18),
        date(2027, 3, 25),
    ]


@pytest.mark.parametrize("calendar", [RENNES, CRETEIL, SchoolCalendar("A", "067")])
@pytest.mark.parametrize("half_day", HalfDay.values)
def test_no_session_is_ever_planned_on_a_public_or_school_holiday(calendar, half_day):
    official = SchoolHolidayDates()
    subdivision = {"067": "6AE"}.get(calendar.departement_code)
    public = holidays.France(subdiv=subdivision, years=[2026, 2027, 2028])
    for start in (date(2026, 9, 1) + timedelta(weeks=n) for n in range(0, 44, 3)):
        for day in plan_dates(calendar, start=start, half_day=half_day, count=7):
            assert day not in public, (day, public.get(day))
            assert not official.is_holiday_for_zone(day, calendar.zone), day
            assert day.isoweekday() == HalfDay(half_day).iso_weekday


def test_local_public_holidays_count_in_alsace_moselle():
    # Good Friday (26 March 2027) is a public holiday in Bas-Rhin, not in Ille-et-Vilaine.
    alsace = SchoolCalendar(zone="B", departement_code="067")
    assert date(2027, 3, 26) in plan_dates(
        RENNES, start=date(2027, 3, 26), half_day="5-am", count=1
    )
    assert alsace.day_off(date(2027, 3, 26)) == "Jour férié : Vendredi saint"


def test_a_plan_started_late_stops_at_the_summer_holidays_and_says_how_many_are_missing():
    plan = sessions_plan(start=date(2027, 6, 10), half_day="4-pm", count=6, calendar=RENNES)
    assert all(day < date(2027, 7, 3) for day, _s, _e in plan.slots)
    assert plan.missing == 6 - len(plan.slots) > 0


def test_where_the_school_calendar_is_unknown_only_public_holidays_are_skipped():
    corse = SchoolCalendar(zone="", departement_code="02A")
    assert not corse.knows_school_holidays
    assert corse.day_off(date(2027, 2, 25)) is None  # zone B's holidays do not apply
    assert corse.day_off(date(2027, 5, 6)) == "Jour férié : Ascension"


@pytest.mark.django_db
def test_a_match_in_rennes_plans_its_sessions_around_the_holidays_and_the_volunteer_s_other_module():
    volunteer = VolunteerProfileFactory(half_days=["4-pm"]).user
    first = RequestFactory(
        school_class__ecole=EcoleFactory(departement=departement("035")),
        period_start=THURSDAY_4_FEB_2027,
        period_end=date(2027, 5, 1),
        half_days=["4-pm"],
        status="matched",
    )
    module = module_create(request=first, volunteer=volunteer, today=date(2027, 1, 15))
    assert [s.date for s in module.sessions.all()] == plan_dates(RENNES)
    assert module.half_day == "4-pm"

    # A second class the same Thursdays: the volunteer is taken on the first module's dates.
    second = RequestFactory(
        school_class__ecole=EcoleFactory(departement=departement("094")),
        period_start=THURSDAY_4_FEB_2027,
        period_end=date(2027, 6, 1),
        half_days=["4-pm"],
        status="matched",
    )
    other = module_create(request=second, volunteer=volunteer, today=date(2027, 1, 15))
    assert not {s.date for s in other.sessions.all()} & set(plan_dates(RENNES))
    assert other.sessions.count() == 6
    assert (
        date(2027, 2, 4),
        "L'accompagnateur a déjà une séance à cette heure",
    ) in other.plan.skipped

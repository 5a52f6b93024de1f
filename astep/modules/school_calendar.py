"""The days an école is closed, and weekly session plans that avoid them.

School holidays come from the PyPI package `vacances-scolaires-france` (the ministry's
official calendar for zones A, B and C, from 2017 to its latest release); public holidays
from `holidays` (France, with the local ones of Alsace-Moselle and the overseas
départements). Corsica and the overseas académies have their own school calendars, which
neither package ships: for them only public holidays are skipped, and the plan says so.
"""

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import cache

import holidays
from django.utils.translation import gettext as _
from vacances_scolaires_france import SchoolHolidayDates

from astep.half_days import HalfDay
from astep.school_year import school_year_end

ZONES = {"A", "B", "C"}
WEDNESDAY, NOON = 3, time(12, 0)
# `holidays` subdivisions with local public holidays, by département code.
SUBDIVISIONS = {"057": "57", "067": "6AE", "068": "6AE"} | {
    code: code for code in ("971", "972", "973", "974", "976")
}


@cache
def _school_holidays() -> SchoolHolidayDates:
    return SchoolHolidayDates()  # reads the package's CSV once per process


@cache
def _public_holidays(subdivision: str | None, year: int) -> holidays.HolidayBase:
    return holidays.France(subdiv=subdivision, years=year, language="fr")


@dataclass(frozen=True)
class SchoolCalendar:
    """The closed days of the écoles of one département.

    `zone` is "A", "B" or "C" (from the académie), or "" where the portal does not know the
    school holidays (Corsica, overseas); `departement_code` is "035", "02A", "971"…
    """

    zone: str
    departement_code: str

    @classmethod
    def of_ecole(cls, ecole) -> "SchoolCalendar":
        departement = ecole.departement
        return cls(zone=departement.academie.zone_vacances, departement_code=departement.code)

    @property
    def knows_school_holidays(self) -> bool:
        return self.zone in ZONES

    def day_off(self, day: date) -> str | None:
        """Why the écoles are closed on `day`, in French ("Vacances d'hiver", "Lundi de
        Pâques", "Week-end"), or None on a school day (see `slot_off` for Wednesday
        afternoons)."""
        if day.isoweekday() > 5:
            return _("Week-end")
        public = _public_holidays(SUBDIVISIONS.get(self.departement_code), day.year).get(day)
        if public:
            return _("Jour férié : %(name)s") % {"name": public}
        if not self.knows_school_holidays:
            return None
        holiday = _school_holidays().data.get(day)
        if holiday and holiday[f"vacances_zone_{self.zone.lower()}"]:
            return holiday["nom_vacances"]
        return None

    def slot_off(self, day: date, start: time) -> str | None:
        """Why no session can start at `start` on `day`: `day_off`, or Wednesday afternoon,
        which is not school time in any école (the school week has at most Wednesday
        morning); None when the slot is open."""
        if day.isoweekday() == WEDNESDAY and start >= NOON:
            return _("pas de classe le mercredi après-midi")
        return self.day_off(day)

    def weeks_off(self, *, half_day: str, dates: list[date]) -> list[tuple[date, str]]:
        """The closed days on `half_day`'s weekday between the first and last of `dates` that
        hold no session: [(date, reason)], to show which holidays a module's plan went around."""
        if not dates or not half_day:
            return []
        first = min(dates)
        day = HalfDay(half_day).first_on_or_after(first)
        skipped = []
        while day < max(dates):
            reason = self.day_off(day)
            if reason and day not in dates:
                skipped.append((day, reason))
            day += timedelta(weeks=1)
        return skipped

    def school_holidays_known_on(self, day: date) -> bool:
        """Whether the official school calendar of `day`'s year is in the package."""
        data = _school_holidays()
        return self.knows_school_holidays and data.min_year <= day.year <= data.max_year


@dataclass
class Plan:
    """Session slots [(date, start, end)] and the days skipped [(date, French reason)]."""

    slots: list[tuple[date, time, time]] = field(default_factory=list)
    skipped: list[tuple[date, str]] = field(default_factory=list)
    missing: int = 0  # sessions that did not fit before the end of the school year


def sessions_plan(
    *,
    start: date,
    half_day: str,
    count: int,
    calendar: SchoolCalendar,
    taken: frozenset[date] | set[date] = frozenset(),
) -> Plan:
    """Plan `count` weekly sessions on `half_day` ("4-pm"), the first on or after `start`.

    Weeks whose half-day falls on a school or public holiday of `calendar`, or on one of the
    `taken` days (the volunteer is busy then), are skipped and listed in `Plan.skipped`; no
    session is placed after the school year's summer break
    begins (30 June where the calendar is unknown), so a plan started late holds fewer sessions and says how many are `missing`.
    """
    slot = HalfDay(half_day)
    day = slot.first_on_or_after(start)
    begin, end = slot.times
    last_day = school_year_end(start)
    if not calendar.school_holidays_known_on(start):
        last_day = last_day.replace(month=6, day=30)  # no summer dates: stop with June
    plan = Plan()
    while len(plan.slots) < count and day <= last_day:
        reason = calendar.day_off(day) or (
            _("L'accompagnateur a déjà une séance à cette heure") if day in taken else None
        )
        if reason and reason.startswith("Vacances d'été"):
            break
        if reason:
            plan.skipped.append((day, reason))
        else:
            plan.slots.append((day, begin, end))
        day += timedelta(weeks=1)
    plan.missing = count - len(plan.slots)
    return plan

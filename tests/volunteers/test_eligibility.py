"""The rules of circular 2010-083, as pure functions."""

from datetime import date

import pytest

from astep.volunteers.eligibility import (
    Eligibility,
    Verdict,
    adult_born_by,
    adult_from,
    eligibility_assess,
)

MODULE_START = date(2026, 11, 21)


def assess(**overrides):
    values = {
        "birth_date": date(2004, 5, 1),
        "level": "bac+3",
        "field": "physics",
        "status": "student",
        "on": MODULE_START,
    }
    return eligibility_assess(**(values | overrides))


def test_it_accepts_an_l3_student_in_physics():
    assert assess() == Eligibility(Verdict.ELIGIBLE)


def test_it_refuses_a_17_year_old_and_says_when_they_turn_18():
    result = assess(birth_date=date(2009, 3, 1))
    assert result.verdict == Verdict.REFUSED
    assert result.reasons == (
        "Il faut être majeur (18 ans ou plus) au début du module ; vous le serez le 1 mars 2027.",
    )


def test_it_refuses_someone_who_turns_18_the_day_after_the_module_starts():
    assert assess(birth_date=date(2008, 11, 22)).verdict == Verdict.REFUSED


def test_it_accepts_a_volunteer_whose_18th_birthday_is_the_module_start():
    assert assess(birth_date=date(2008, 11, 21)).verdict == Verdict.ELIGIBLE


def test_it_checks_age_on_the_module_start_not_today():
    turns_18_in_january = date(2009, 1, 10)
    assert assess(birth_date=turns_18_in_january).verdict == Verdict.REFUSED
    assert assess(birth_date=turns_18_in_january, on=date(2027, 2, 1)).verdict == Verdict.ELIGIBLE


def test_it_refuses_a_bac_plus_1():
    result = assess(level="bac+1")
    assert result.verdict == Verdict.REFUSED
    assert "au moins bac+2" in result.reasons[0]


@pytest.mark.parametrize("level", ["bac+2", "bac+3", "bac+5", "engineer", "doctorate"])
def test_it_accepts_every_level_from_bac_plus_2(level):
    assert assess(level=level).verdict == Verdict.ELIGIBLE


def test_it_refuses_a_master_in_history_for_its_field():
    result = assess(level="bac+5", field="other")
    assert result.verdict == Verdict.REFUSED
    assert result.reasons == (
        "Le diplôme doit relever d'un domaine scientifique ou technologique.",
    )


@pytest.mark.parametrize("status", ["engineer", "researcher", "technician"])
def test_it_sends_a_professional_without_a_listed_diploma_to_review(status):
    result = assess(level="experience", field="engineering", status=status)
    assert result.verdict == Verdict.NEEDS_REVIEW
    assert "examinée par le correspondant" in result.reasons[0]


def test_it_refuses_equivalent_experience_to_a_student():
    result = assess(level="experience", status="student")
    assert result.verdict == Verdict.REFUSED
    assert "réservée aux chercheurs, ingénieurs et techniciens" in result.reasons[0]


def test_it_gives_every_reason_at_once():
    assert len(assess(birth_date=date(2010, 1, 1), level="bac", field="other").reasons) == 3


@pytest.mark.parametrize(
    "birth_date, day, adult",
    [
        (date(2008, 2, 29), date(2026, 2, 28), False),
        (date(2008, 2, 29), date(2026, 3, 1), True),
        (date(2010, 3, 1), date(2028, 2, 29), False),
        (date(2010, 2, 28), date(2028, 2, 29), True),
    ],
)
def test_the_database_filter_and_the_birthday_agree_on_leap_days(birth_date, day, adult):
    assert (adult_from(birth_date) <= day) is adult
    assert (birth_date <= adult_born_by(day)) is adult

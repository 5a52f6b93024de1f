from datetime import date

import pytest

from astep.volunteers.eligibility import eligibility_assess

TODAY = date(2026, 11, 21)


def assess(**overrides):
    values = {"birth_date": date(2004, 5, 1), "level": "bac+3", "field": "physics", "on": TODAY}
    return eligibility_assess(**(values | overrides))


def test_it_accepts_an_adult_with_a_licence_in_physics():
    assert assess().is_eligible


def test_it_refuses_a_volunteer_under_18_and_says_why():
    result = assess(birth_date=date(2008, 11, 22))  # 18 tomorrow
    assert not result.is_eligible
    assert result.reasons == ("Il faut être majeur (18 ans ou plus) pour accompagner une classe.",)


def test_it_accepts_a_volunteer_on_their_18th_birthday():
    assert assess(birth_date=date(2008, 11, 21)).is_eligible


def test_it_refuses_a_bac_plus_1():
    result = assess(level="bac+1")
    assert not result.is_eligible
    assert "au moins bac+2" in result.reasons[0]


@pytest.mark.parametrize("level", ["bac+2", "bac+3", "bac+5", "engineer", "doctorate"])
def test_it_accepts_every_level_from_bac_plus_2(level):
    assert assess(level=level).is_eligible


def test_it_refuses_a_field_outside_science_and_technology():
    result = assess(field="other")
    assert "domaine scientifique ou technologique" in result.reasons[0]


def test_it_gives_every_reason_at_once():
    assert len(assess(birth_date=date(2010, 1, 1), level="bac", field="other").reasons) == 3

"""Every hard constraint of the matching, each alone forbidding a pair that is otherwise fine."""

from datetime import date, timedelta

import pytest

from astep.accounts.models import User
from astep.classes.models import RequestStatus
from astep.volunteers.models import CharterSignature, VolunteerProfile
from matching.candidates import pool_for_departement
from matching.models import PairChoice, Proposal
from tests.factories import ModuleFactory, departement
from tests.matching.conftest import request_at, volunteer_at

pytestmark = pytest.mark.django_db


def pairs():
    pool = pool_for_departement(departement("035"), today=date.today())
    return {(a.demand, a.supply) for a in pool.arcs}


def test_a_volunteer_within_reach_on_a_shared_half_day_is_a_candidate():
    request, volunteer = request_at(0), volunteer_at(12)
    assert pairs() == {(request.pk, volunteer.pk)}


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (
            lambda r, v: VolunteerProfile.objects.filter(user=v).update(review_status="pending"),
            "level not validated",
        ),
        (
            lambda r, v: VolunteerProfile.objects.filter(user=v).update(verdict="refused"),
            "refused by the rules",
        ),
        (lambda r, v: CharterSignature.objects.filter(user=v).delete(), "charter not signed"),
        (
            lambda r, v: VolunteerProfile.objects.filter(user=v).update(max_distance_km=10),
            "école beyond their 10 km",
        ),
        (
            lambda r, v: VolunteerProfile.objects.filter(user=v).update(half_days=["1-am", "5-pm"]),
            "no shared half-day",
        ),
        (
            lambda r, v: VolunteerProfile.objects.filter(user=v).update(free_months=[5, 6]),
            "not free during the period",
        ),
        (
            lambda r, v: VolunteerProfile.objects.filter(user=v).update(
                birth_date=r.period_start.replace(year=r.period_start.year - 18) + timedelta(days=1)
            ),
            "17 on the first day",
        ),
        (lambda r, v: ModuleFactory(volunteer=v), "their one module of the year is taken"),
        (
            lambda r, v: Proposal.objects.create(
                request=r, volunteer=v, proposed_by=v, distance_km=12, status="declined"
            ),
            "declined before",
        ),
        (
            lambda r, v: PairChoice.objects.create(request=r, volunteer=v, by=v, kind="excluded"),
            "excluded by the correspondent",
        ),
        (
            lambda r, v: User.objects.filter(pk=v.pk).update(is_active=False),
            "account closed",
        ),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_one_rule_alone_forbids_the_pair(change, why):
    request, volunteer = request_at(0), volunteer_at(12)
    change(request, volunteer)
    assert pairs() == set(), why


def test_a_module_of_a_past_year_or_a_cancelled_one_leaves_the_capacity_free():
    request, volunteer = request_at(0), volunteer_at(12)
    ModuleFactory(volunteer=volunteer, school_year="2020-2021")
    ModuleFactory(volunteer=volunteer, request__status=RequestStatus.CANCELLED)
    assert pairs() == {(request.pk, volunteer.pk)}


def test_an_expired_or_withdrawn_proposal_does_not_forbid_the_pair_again():
    request, volunteer = request_at(0), volunteer_at(12)
    for status in ("expired", "withdrawn"):
        Proposal.objects.create(
            request=request,
            volunteer=volunteer,
            proposed_by=volunteer,
            distance_km=12,
            status=status,
        )
    assert pairs() == {(request.pk, volunteer.pk)}


def test_a_remote_module_ignores_the_distance_but_stays_in_the_departement():
    remote = request_at(0, form="remote")
    far = volunteer_at(60)  # beyond their 20 km, same département (commune in 035)
    assert pairs() == {(remote.pk, far.pk)}


def test_the_limit_is_the_volunteers_own_and_inclusive():
    request = request_at(0)
    at_limit = volunteer_at(19.9, max_distance_km=20)
    beyond = volunteer_at(20.2, max_distance_km=20)
    assert pairs() == {(request.pk, at_limit.pk)}
    assert beyond.pk not in {v for _, v in pairs()}

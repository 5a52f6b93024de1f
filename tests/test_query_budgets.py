"""List pages cost the same number of queries for 2 rows as for 20."""

import pytest
from django.urls import reverse

from astep.accounts.models import Role
from astep.modules.models import Module
from tests.factories import (
    RequestFactory,
    SchoolClassFactory,
    UserFactory,
    VolunteerProfileFactory,
    departement,
)


def make_requests(teacher, volunteer, count):
    for _ in range(count):
        school_class = SchoolClassFactory(teacher=teacher)
        RequestFactory(school_class=school_class)
        matched = RequestFactory(school_class=school_class, status="matched")
        Module.objects.create(
            request=matched, volunteer=volunteer, school_year=school_class.school_year
        )


@pytest.mark.parametrize("count", [2, 20])
@pytest.mark.parametrize(
    ("page", "role"),
    [
        ("matching:board", Role.DEPARTMENTAL_CORRESPONDENT),
        ("modules:list", Role.DEPARTMENTAL_CORRESPONDENT),
        ("modules:list", Role.NATIONAL),
        ("classes:list", Role.TEACHER),
        ("surveys:reports", Role.NATIONAL),
    ],
)
def test_a_list_page_keeps_its_query_budget(
    client, db, django_assert_max_num_queries, count, page, role
):
    teacher = UserFactory(role=Role.TEACHER)
    make_requests(teacher, VolunteerProfileFactory().user, count)
    user = (
        teacher if role == Role.TEACHER else UserFactory(role=role, departement=departement("035"))
    )
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse(page))
    assert response.status_code == 200

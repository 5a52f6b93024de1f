"""Places and people for the matching tests: an école in Rennes, volunteers at given km."""

import pytest

from astep.accounts.models import Role
from tests.factories import (
    CommuneFactory,
    EcoleFactory,
    RequestFactory,
    SchoolClassFactory,
    UserFactory,
    VolunteerProfileFactory,
    departement,
)

ECOLE = (48.1173, -1.6778)
KM_NORTH = 1 / 111.195  # degrees of latitude per km on the great circle (R = 6371.0088 km)


def request_at(km_north: float = 0, ep: str = "", **fields):
    """A submitted request of a class in an école `km_north` km north of ECOLE, in 035."""
    ecole = EcoleFactory(
        departement=departement("035"),
        latitude=ECOLE[0] + km_north * KM_NORTH,
        longitude=ECOLE[1],
        education_prioritaire=ep,
    )
    return RequestFactory(school_class=SchoolClassFactory(ecole=ecole), **fields)


def volunteer_at(km_north: float, **fields):
    """A proposable volunteer (validated, charter signed) living `km_north` km north of ECOLE."""
    commune = CommuneFactory(latitude=ECOLE[0] + km_north * KM_NORTH, longitude=ECOLE[1])
    return VolunteerProfileFactory(commune=commune, **fields).user


@pytest.fixture
def correspondent(db):
    return UserFactory(role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("035"))

"""Partner organisations: identifiers checked, found by name, SIRET or UAI."""

import pytest
from django.core.exceptions import ValidationError

from astep.partners.models import Organisation
from tests.factories import OrganisationFactory

VALID_SIRET = "73282932000074"  # La Poste's example of a valid SIRET (Luhn key)


def test_a_valid_siret_and_uai_are_accepted(db):
    Organisation(name="CNRS", kind="research", siret=VALID_SIRET, uai="0350936C").full_clean()


@pytest.mark.parametrize("siret", ["73282932000075", "7328293200007", "ABCDEFGHIJKLMN"])
def test_a_wrong_siret_is_refused_with_a_french_message(db, siret):
    with pytest.raises(ValidationError) as refused:
        Organisation(name="X", kind="company", siret=siret).full_clean()
    assert "SIRET" in refused.value.message_dict["siret"][0]
    assert "clé de contrôle" in refused.value.message_dict["siret"][0]


def test_a_uai_with_a_wrong_check_letter_is_refused(db):
    with pytest.raises(ValidationError) as refused:
        Organisation(name="X", kind="university", uai="0350936D").full_clean()
    assert "lettre de contrôle erronée (C attendue)" in refused.value.message_dict["uai"][0]


def test_organisations_are_found_by_name_siret_or_uai(db):
    cnrs = OrganisationFactory(name="CNRS Bretagne", siret=VALID_SIRET)
    insa = OrganisationFactory(name="INSA Rennes", uai="0350936C")
    assert list(Organisation.objects.search("bretagne")) == [cnrs]
    assert list(Organisation.objects.search("732 829 320 00074")) == [cnrs]
    assert list(Organisation.objects.search("0350936c")) == [insa]

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
ANNUAIRE_35 = SHARED_DATA / "fr-en-annuaire-education_35-ille-et-vilaine_2023.csv"
COMMUNES = SHARED_DATA / "communes-france_cog-mairies.csv"
EFFECTIFS_35 = SHARED_DATA / "fr-en-ecoles-effectifs-nb_classes_35-ille-et-vilaine_2019-2022.csv"


def shared_file(path: Path) -> Path:
    """Return `path`, or skip the test when ../shared/data does not hold it."""
    if not path.exists():
        pytest.skip(f"real data absent: {path} (../shared/data is not beside the project)")
    return path


@pytest.fixture
def annuaire_35() -> Path:
    return shared_file(ANNUAIRE_35)


@pytest.fixture
def communes_csv() -> Path:
    return shared_file(COMMUNES)


@pytest.fixture
def client_factory():
    """Make independent test clients: one browser per person."""
    from django.test import Client

    return Client

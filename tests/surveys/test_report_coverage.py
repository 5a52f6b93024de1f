"""The coverage rate of the bilans: accompanied classes over the classes of the territory."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from astep.modules.models import Module
from astep.school_year import current_school_year, school_year_start
from astep.territory.models import EcoleEffectif
from surveys.models import Report, Scope
from surveys.reports import HEADINGS, report_rows
from tests.factories import (
    EcoleFactory,
    RequestFactory,
    SchoolClassFactory,
    VolunteerProfileFactory,
    departement,
)

pytestmark = pytest.mark.django_db

YEAR = current_school_year()
TERRITORY, RATE = len(HEADINGS) - 2, len(HEADINGS) - 1


def accompanied_class(departement_code: str, school_year: str = YEAR) -> None:
    """A class of the département with a module in `school_year`."""
    ecole = EcoleFactory(departement=departement(departement_code))
    school_class = SchoolClassFactory(ecole=ecole, school_year=school_year)
    request = RequestFactory(school_class=school_class, status="matched")
    Module.objects.create(
        request=request, volunteer=VolunteerProfileFactory().user, school_year=school_year
    )


def effectif(departement_code: str, *, classes: int, elementary: int, rentree: int | None = None):
    return EcoleEffectif.objects.create(
        uai=f"{9800000 + EcoleEffectif.objects.count():07d}A",
        rentree=rentree or school_year_start(YEAR),
        departement=departement(departement_code),
        classes=classes,
        pupils=elementary + 20,
        pupils_preelementaire=20,
        pupils_elementaire=elementary,
        pupils_ulis=0,
        pupils_cp=elementary,
        pupils_ce1=0,
        pupils_ce2=0,
        pupils_cm1=0,
        pupils_cm2=0,
    )


def row_of(rows: list[list], level: str, name: str = "") -> list:
    return next(r for r in rows if r[0] == level and name in (r[4], r[6]))


def test_the_new_columns_come_after_the_existing_ones():
    assert HEADINGS[7] == "Classes accompagnées"
    assert HEADINGS[-4:] == [
        "Part de cycle 3 (%)",
        "Part en éducation prioritaire (%)",
        "Classes du territoire (effectifs)",
        "Taux de couverture (%)",
    ]


def test_the_coverage_rate_divides_accompanied_classes_by_the_elementary_ecoles_classes():
    for _ in range(3):
        accompanied_class("035")
    effectif("035", classes=12, elementary=280)  # école élémentaire
    effectif("035", classes=9, elementary=150)  # école primaire: its maternelle classes count
    effectif("035", classes=5, elementary=0)  # école maternelle: not counted
    effectif("035", classes=40, elementary=900, rentree=school_year_start(YEAR) - 1)  # another year
    effectif("044", classes=30, elementary=600, rentree=school_year_start(YEAR) - 1)

    rows = report_rows(
        Report(scope=Scope.DEPARTEMENT, school_year=YEAR, departement_id=departement("035").pk)
    )

    (ille_et_vilaine,) = rows
    assert ille_et_vilaine[6] == "Ille-et-Vilaine"
    assert ille_et_vilaine[7] == 3
    assert ille_et_vilaine[TERRITORY:] == [21, 14.3]  # 3 / (12 + 9)


def test_the_rate_is_blank_where_the_effectifs_of_the_year_are_not_loaded():
    accompanied_class("035")
    accompanied_class("044")
    effectif("035", classes=20, elementary=400)
    effectif("044", classes=30, elementary=600, rentree=school_year_start(YEAR) - 1)

    rows = report_rows(Report(scope=Scope.NATIONAL, school_year=YEAR))

    assert row_of(rows, "Département", "Ille-et-Vilaine")[TERRITORY:] == [20, 5.0]
    assert row_of(rows, "Département", "Loire-Atlantique")[TERRITORY:] == [None, None]
    assert row_of(rows, "Département", "Finistère")[TERRITORY:] == [None, None]
    # Rennes lacks the effectifs of three of its four départements: no partial total.
    assert row_of(rows, "Académie", "Rennes")[TERRITORY:] == [None, None]
    assert row_of(rows, "France")[TERRITORY:] == [None, None]


def test_an_academie_with_the_effectifs_of_all_its_departements_gets_its_rate():
    accompanied_class("035")
    accompanied_class("029")
    for code, classes in [("022", 100), ("029", 150), ("035", 200), ("056", 50)]:
        effectif(code, classes=classes, elementary=classes * 20)

    rows = report_rows(
        Report(scope=Scope.ACADEMIE, school_year=YEAR, academie_id=departement("035").academie_id)
    )

    rennes = row_of(rows, "Académie", "Rennes")
    assert rennes[7] == 2
    assert rennes[TERRITORY:] == [500, 0.4]  # 2 / 500
    assert row_of(rows, "Département", "Morbihan")[TERRITORY:] == [50, 0.0]


def national_report_queries() -> tuple[int, int]:
    """The queries of building the national report: all of them, and those on effectifs."""
    with CaptureQueriesContext(connection) as queries:
        report_rows(Report(scope=Scope.NATIONAL, school_year=YEAR))
    effectifs = [q for q in queries if EcoleEffectif._meta.db_table in q["sql"]]
    return len(queries), len(effectifs)


def test_building_a_report_costs_the_same_queries_whatever_the_effectifs_loaded():
    accompanied_class("035")
    effectif("035", classes=20, elementary=400)
    few = national_report_queries()
    for code in ["022", "029", "044", "056", "075", "013"]:
        accompanied_class(code)
        effectif(code, classes=20, elementary=400)
        effectif(code, classes=10, elementary=200)

    assert national_report_queries() == few
    assert few[1] == 1  # one aggregate over every département

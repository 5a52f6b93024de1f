"""The national open data: a CSV valid against its documented Table Schema, small counts
of people masked."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from frictionless import Resource, Schema

from astep.territory.models import Departement
from surveys.opendata import SECRET, opendata_csv, opendata_schema
from tests.factories import (
    EcoleFactory,
    FeedbackFactory,
    ModuleFactory,
    OrganisationFactory,
    VolunteerProfileFactory,
    departement,
)

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).resolve().parent.parent.parent / "docs" / "opendata-schema.json"
YEAR = "2024-2025"


def modules_in(code: str, *statuses: str, organisation=None) -> list:
    """One module per status in département `code`, each run by a new accompanist."""
    ecole = EcoleFactory(departement=departement(code))
    return [
        ModuleFactory(
            request__school_class__ecole=ecole,
            request__school_class__school_year=YEAR,
            volunteer=VolunteerProfileFactory(status=status, organisation=organisation).user,
        )
        for status in statuses
    ]


def rows() -> dict[str, dict]:
    """The open data rows of YEAR by département code."""
    text = opendata_csv().decode("utf-8")
    return {r["code_departement"]: r for r in csv.DictReader(io.StringIO(text)) if r}


def test_the_export_is_valid_against_the_documented_schema(tmp_path):
    university = OrganisationFactory(kind="university")
    modules_in("035", *["student"] * 6, "researcher", organisation=university)
    modules_in("044", "engineer")
    output = tmp_path / "astep.csv"

    call_command("export_opendata", output, stdout=io.StringIO())

    schema = Schema.from_descriptor(json.loads(SCHEMA.read_text(encoding="utf-8")))
    report = Resource(path=output.name, basepath=str(tmp_path), schema=schema).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert not output.read_bytes().startswith(b"\xef\xbb\xbf")  # no BOM, data.gouv.fr's advice
    lines = output.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + Departement.objects.count()  # every département of the one year
    assert lines[0].startswith("annee_scolaire,code_departement,departement,")


def test_the_documented_schema_is_the_one_the_export_follows():
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == json.loads(
        json.dumps(opendata_schema())
    )


def test_small_counts_of_accompanists_are_masked_and_large_ones_shown():
    university = OrganisationFactory(kind="university")
    modules_in("035", *["student"] * 6, "researcher", "researcher", organisation=university)
    modules_in("044", "engineer")  # one person alone in the département

    ille, loire = rows()["035"], rows()["044"]

    assert ille["volunteers"] == "8"
    assert ille["volunteers_student"] == "6"
    assert ille["volunteers_researcher"] == SECRET
    # the researchers alone would be 8 - 6: the smallest other cell is masked too
    assert [ille[f"volunteers_{s}"] for s in ("engineer", "technician", "other")].count(SECRET) == 1
    assert ille["volunteers_organisation_university"] == "8"
    assert loire["volunteers"] == "1"
    assert loire["volunteers_engineer"] == SECRET
    assert loire["volunteers_no_organisation"] == SECRET
    assert list(loire.values()).count(SECRET) == 4  # two in each breakdown
    assert loire["classes"] == "1" and loire["modules"] == "1"  # not about people: shown


def test_the_satisfaction_of_fewer_than_five_questionnaires_is_masked():
    for mark in (5, 1):
        FeedbackFactory(module=modules_in("044", "student")[0], satisfaction=mark)
    for mark in (5, 4, 4, 3, 5):
        FeedbackFactory(module=modules_in("035", "student")[0], satisfaction=mark)

    ille, loire = rows()["035"], rows()["044"]

    assert (loire["feedback_count"], loire["satisfaction_sum"]) == ("2", SECRET)
    assert loire["satisfaction_mean"] == SECRET
    assert (ille["feedback_count"], ille["satisfaction_sum"]) == ("5", "21")
    assert ille["satisfaction_mean"] == "4.20"
    assert rows()["056"]["satisfaction_mean"] == ""  # no questionnaire

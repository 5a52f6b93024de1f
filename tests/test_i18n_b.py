"""The portal in English for matching and surveys: a person who chose English reads the
board, the plan's explanations and the survey's errors in English, numbers written the
English way; French stays the default; the bilans and the open data schema stay French."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from astep.accounts.models import Role
from surveys.models import DepartementalSurvey, Report, Scope, SurveyStatus
from surveys.opendata import opendata_schema
from tests.factories import UserFactory, departement
from tests.matching.conftest import request_at, volunteer_at
from tests.surveys.test_bilans import built, first_table

pytestmark = pytest.mark.django_db

ANSWERS = {"training_actions": "2", "training_participants": "31", "conventions_signed": "1"}


def speaking(client, language: str):
    """`client` with the language cookie that the language switcher sets."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def correspondent_35(client):
    client.force_login(
        UserFactory(role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("035"))
    )
    return client


def test_the_board_reads_in_english_with_the_cookie_and_in_french_without(correspondent_35):
    request_at(0)
    request_at(5)

    english = speaking(correspondent_35, "en").get(reverse("matching:board")).content.decode()
    assert "Waiting requests" in english
    assert "2 requests, from the oldest to the most recent" in english
    assert "Demandes en attente" not in english

    french = speaking(correspondent_35, "fr").get(reverse("matching:board")).content.decode()
    assert "Demandes en attente" in french
    assert "2 demandes, de la plus ancienne à la plus récente" in french


def test_the_plan_explains_its_pairs_in_english_with_a_decimal_point(correspondent_35):
    request_at(0, half_days=["4-pm"])
    request_at(30, half_days=["4-pm"])
    volunteer_at(2)

    response = speaking(correspondent_35, "en").post(reverse("matching:plan_create"), follow=True)

    page = response.content.decode()
    assert "1 request served" in page and "1 not served" in page
    assert "2.0 km, within their limit of 20 km" in page
    assert "1 volunteer at 28.0–28.0 km, beyond their limit." in page
    assert "2,0 km" not in page


def test_a_survey_error_is_in_english_next_to_its_field_and_keeps_what_was_typed(
    campaign, correspondent_35
):
    speaking(correspondent_35, "en")

    response = correspondent_35.post(
        reverse("surveys:survey"),
        {**ANSWERS, "fix_classes_rep_plus": "5", "why_classes_rep_plus": "Typo?", "transmit": "1"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "“Classes in REP+” (5) exceeds “Classes accompanied” (0)." in page
    assert 'value="5"' in page and 'value="Typo?"' in page
    assert DepartementalSurvey.objects.get().status == SurveyStatus.DRAFT


def test_a_bilan_asked_for_in_english_is_built_in_french():
    with translation.override("en"):
        report = built("csv", Scope.NATIONAL)

    assert report.status == "ready"
    headings = list(first_table(Report.objects.get(pk=report.pk))[0])
    assert headings[:2] == ["Niveau", "Code région académique"]
    assert "Classes accompagnées" in headings and "Classes accompanied" not in headings


def test_the_open_data_schema_stays_french_whatever_the_language():
    with translation.override("en"):
        titles = {field["name"]: field["title"] for field in opendata_schema()["fields"]}

    assert titles["classes"] == "Classes accompagnées"
    assert titles["classes_rep_plus"] == "Classes en REP+"

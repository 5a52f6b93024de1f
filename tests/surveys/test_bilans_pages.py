"""The bilans page: request, progress as JSON, download within the scope only, query budget."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from astep.accounts.models import Role
from astep.school_year import current_school_year
from surveys.models import Report, ReportStatus, Scope
from tests.factories import UserFactory, VolunteerProfileFactory, departement

pytestmark = pytest.mark.django_db

YEAR = current_school_year()


@pytest.fixture
def people():
    d35, d29 = departement("035"), departement("029")
    paris = departement("075")
    return {
        "dept": UserFactory(role=Role.DEPARTMENTAL_CORRESPONDENT, departement=d35),
        "other_dept": UserFactory(role=Role.DEPARTMENTAL_CORRESPONDENT, departement=d29),
        "academic": UserFactory(role=Role.ACADEMIC_CORRESPONDENT, academie=d35.academie),
        "other_academic": UserFactory(role=Role.ACADEMIC_CORRESPONDENT, academie=paris.academie),
        "national": UserFactory(role=Role.NATIONAL),
        "teacher": UserFactory(role=Role.TEACHER),
        "volunteer": VolunteerProfileFactory().user,
    }


def ready_report(**fields) -> Report:
    data = b"\xef\xbb\xbfBilan;\r\n"
    return Report.objects.create(
        school_year=YEAR,
        status=ReportStatus.READY,
        progress=100,
        checksum=hashlib.sha256(data).hexdigest(),
        size=len(data),
        file=ContentFile(data, name="bilan.csv"),
        **fields,
    )


def test_a_correspondent_requests_an_xlsx_and_downloads_it_under_a_telling_name(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people["dept"])

    with django_capture_on_commit_callbacks(execute=True):  # eager in tests: built at commit
        response = client.post(
            reverse("surveys:report_create"), {"school_year": YEAR, "format": "xlsx"}
        )

    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.scope, report.departement, report.format) == (
        Scope.DEPARTEMENT,
        departement("035"),
        "xlsx",
    )
    page = client.get(reverse("surveys:reports")).content.decode()
    assert "fr-badge--success" in page and report.checksum[:14] in page
    download = client.get(reverse("surveys:report_download", args=[report.pk]))
    assert download["Content-Disposition"] == (
        f'attachment; filename="bilan-astep-{YEAR}-departement-035.xlsx"'
    )
    assert hashlib.sha256(download.content).hexdigest() == report.checksum


def test_a_year_or_format_not_offered_is_refused_with_a_message(client, people):
    client.force_login(people["national"])

    response = client.post(
        reverse("surveys:report_create"),
        {"school_year": "1999-2000", "format": "docx"},
        follow=True,
    )

    assert not Report.objects.exists()
    assert "Choisissez une année scolaire et un format proposés." in response.content.decode()


def test_the_status_answers_the_progress_as_json(client, people):
    report = Report.objects.create(
        school_year=YEAR, scope=Scope.NATIONAL, status=ReportStatus.RUNNING, progress=50
    )
    client.force_login(people["national"])

    answer = client.get(reverse("surveys:report_status", args=[report.pk])).json()

    assert answer == {"status": "running", "label": "En cours", "progress": 50, "ready": False}


@pytest.mark.parametrize(
    ("scope", "allowed"),
    [
        (Scope.DEPARTEMENT, {"dept", "academic", "national"}),
        (Scope.ACADEMIE, {"academic", "national"}),
        (Scope.NATIONAL, {"national"}),
    ],
)
def test_a_report_and_its_status_are_served_within_its_scope_only(client, people, scope, allowed):
    d35 = departement("035")
    report = ready_report(
        scope=scope,
        departement=d35 if scope == Scope.DEPARTEMENT else None,
        academie=d35.academie if scope == Scope.ACADEMIE else None,
    )
    for name in ("report_download", "report_status"):
        address = reverse(f"surveys:{name}", args=[report.pk])
        for key, user in people.items():
            client.force_login(user)
            status = client.get(address).status_code
            if key in allowed:
                assert status == 200, (name, key)
            elif key in ("teacher", "volunteer"):
                assert status == 403, (name, key)
            else:
                assert status == 404, (name, key)


def test_the_list_is_paginated_and_costs_the_same_queries_with_3_and_45_reports(
    client, people, django_assert_max_num_queries
):
    client.force_login(people["national"])
    academie = departement("035").academie
    for _ in range(3):
        ready_report(scope=Scope.DEPARTEMENT, departement=departement("035"))
        ready_report(scope=Scope.ACADEMIE, academie=academie)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("surveys:reports"))
    for _ in range(39):
        ready_report(scope=Scope.ACADEMIE, academie=academie)

    with django_assert_max_num_queries(8) as many:
        page = client.get(reverse("surveys:reports")).content.decode()

    assert len(many) == len(few)
    assert page.count("Télécharger") == 20  # the first page of 45
    second = client.get(reverse("surveys:reports"), {"page": 3}).content.decode()
    assert second.count("Télécharger") == 5

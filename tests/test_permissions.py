"""Every view against every role, in its own territory and in another: one table.

"own" users are in the territory of the records (département 035, académie de Rennes);
"other_" users are in Loire-Atlantique (044, académie de Nantes) or own other records.
A user absent from a row's table must be refused: 403 (wrong role) or 404 (out of scope).
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from astep.accounts.models import Role
from astep.modules.models import Module
from astep.territory.models import Circonscription
from matching.models import Plan, Proposal
from surveys.models import Report, Scope
from tests.factories import (
    EcoleFactory,
    OrganisationFactory,
    RequestFactory,
    SchoolClassFactory,
    SessionFactory,
    UserFactory,
    VolunteerProfileFactory,
    departement,
)

DENIED = {403, 404}


@pytest.fixture
def world(db):
    d35, d44 = departement("035"), departement("044")
    university, other_university = OrganisationFactory(), OrganisationFactory()
    circo = Circonscription.objects.create(departement=d35, name="Rennes Sud")
    users = {
        "teacher": UserFactory(role=Role.TEACHER),
        "other_teacher": UserFactory(role=Role.TEACHER),
        "volunteer": VolunteerProfileFactory(organisation=university).user,
        "other_volunteer": VolunteerProfileFactory().user,
        "dept": UserFactory(role=Role.DEPARTMENTAL_CORRESPONDENT, departement=d35),
        "other_dept": UserFactory(role=Role.DEPARTMENTAL_CORRESPONDENT, departement=d44),
        "academic": UserFactory(role=Role.ACADEMIC_CORRESPONDENT, academie=d35.academie),
        "other_academic": UserFactory(role=Role.ACADEMIC_CORRESPONDENT, academie=d44.academie),
        "circo": UserFactory(role=Role.CIRCONSCRIPTION_INSPECTOR, circonscription=circo),
        "scientific": UserFactory(role=Role.SCIENTIFIC_CORRESPONDENT, organisation=university),
        "other_scientific": UserFactory(
            role=Role.SCIENTIFIC_CORRESPONDENT, organisation=other_university
        ),
        "national": UserFactory(role=Role.NATIONAL),
    }
    school_class = SchoolClassFactory(
        teacher=users["teacher"], ecole=EcoleFactory(departement=d35, circonscription=circo)
    )
    open_request = RequestFactory(school_class=school_class)
    proposal = Proposal.objects.create(
        request=RequestFactory(school_class=school_class),
        volunteer=users["volunteer"],
        proposed_by=users["dept"],
        distance_km=3,
    )
    module = Module.objects.create(
        request=RequestFactory(school_class=school_class, status="matched"),
        volunteer=users["volunteer"],
        school_year=school_class.school_year,
    )
    session = SessionFactory(module=module)
    plan = Plan.objects.create(
        departement=d35, created_by=users["dept"], served=0, total_km=0, seconds=0
    )
    draft = RequestFactory(school_class=school_class, status="draft", theme="")
    reports = {
        scope: Report.objects.create(
            school_year="2025-2026",
            scope=scope,
            status="ready",
            departement=d35,
            academie=d35.academie,
            file=ContentFile(b"a;b\r\n", name="bilan.csv"),
        )
        for scope in Scope
    }
    return {
        "users": users,
        "volunteer_profile": users["volunteer"].volunteer_profile,
        "signature": users["volunteer"].charter_signatures.get(),
        "class": school_class,
        "request": open_request,
        "proposal": proposal,
        "module": module,
        "session": session,
        "plan": plan,
        "draft": draft,
        "reports": reports,
    }


def url(world, name, arg=None):
    """The address of `name`, for the world's record `arg` or with `arg` itself (a slug)."""
    if arg is None:
        return reverse(name)
    return reverse(name, args=[world[arg].pk if arg in world else arg])


USERS = [
    "teacher",
    "other_teacher",
    "volunteer",
    "other_volunteer",
    "dept",
    "other_dept",
    "academic",
    "other_academic",
    "circo",
    "scientific",
    "other_scientific",
    "national",
]

# (url name, key of the record in the world or None, method, {user: expected status})
CASES = [
    ("classes:list", None, "get", {"teacher": 200, "other_teacher": 200}),
    ("classes:create", None, "get", {"teacher": 200, "other_teacher": 200}),
    ("classes:request_create", "class", "get", {"teacher": 200}),
    (
        "classes:request_detail",
        "request",
        "get",
        {"teacher": 200, "dept": 200, "academic": 200, "circo": 200, "national": 200},
    ),
    ("classes:request_edit", "draft", "get", {"teacher": 200}),
    ("classes:request_cancel", "request", "post", {"teacher": 302, "dept": 302}),
    ("classes:request_not_served", "request", "post", {"dept": 302}),
    (
        "classes:request_list",
        None,
        "get",
        {key: 200 for key in USERS if "volunteer" not in key and "scientific" not in key},
    ),
    ("volunteers:onboarding", None, "get", {"volunteer": 200, "other_volunteer": 200}),
    ("volunteers:step", "profil", "get", {"volunteer": 200, "other_volunteer": 200}),
    ("volunteers:charter", None, "get", {"volunteer": 200, "other_volunteer": 200}),
    ("volunteers:charter_pdf", "signature", "get", {"volunteer": 200}),
    ("volunteers:charter_versions", None, "get", {"national": 200}),
    ("volunteers:queue", None, "get", {"dept": 200, "other_dept": 200}),
    ("volunteers:review", "volunteer_profile", "get", {"dept": 200}),
    ("volunteers:organisation", None, "get", {"scientific": 200, "other_scientific": 200}),
    ("volunteers:attest", "volunteer_profile", "post", {"scientific": 302}),
    ("accounts:data", None, "get", {key: 200 for key in USERS}),
    ("matching:board", None, "get", {"dept": 200, "other_dept": 200}),
    ("matching:request_candidates", "request", "get", {"dept": 200}),
    (
        "matching:proposals",
        None,
        "get",
        {"volunteer": 200, "other_volunteer": 200, "teacher": 200, "other_teacher": 200},
    ),
    ("matching:proposal_answer", "proposal", "post", {"volunteer": 200, "teacher": 200}),
    ("matching:plan_create", None, "post", {"dept": 302, "other_dept": 302}),
    ("matching:plan", "plan", "get", {"dept": 200}),
    ("matching:plan_send", "plan", "post", {"dept": 302}),
    (
        "modules:list",
        None,
        "get",
        {key: 200 for key in USERS if "scientific" not in key},
    ),
    (
        "modules:detail",
        "module",
        "get",
        {
            "teacher": 200,
            "volunteer": 200,
            "dept": 200,
            "academic": 200,
            "circo": 200,
            "national": 200,
        },
    ),
    (
        "modules:ics",
        "module",
        "get",
        {key: 200 for key in ("teacher", "volunteer", "dept", "academic", "circo", "national")},
    ),
    ("modules:session_edit", "session", "get", {"teacher": 200, "volunteer": 200}),
    ("modules:session_cancel", "session", "get", {"teacher": 200, "volunteer": 200}),
    ("modules:session_confirm", "session", "post", {"teacher": 302, "volunteer": 302}),
    ("modules:feedback", "module", "get", {"teacher": 200, "volunteer": 200}),
    ("modules:attestation", "module", "get", {"volunteer": 302}),  # none held: to the module
    (
        "modules:agenda",
        None,
        "get",
        {"teacher": 200, "other_teacher": 200, "volunteer": 200, "other_volunteer": 200},
    ),
    ("surveys:survey", None, "get", {"dept": 200, "other_dept": 200}),
    ("surveys:survey_list", None, "get", {"academic": 200, "other_academic": 200, "national": 200}),
    ("surveys:campaigns", None, "get", {"national": 200}),
    (
        "surveys:reports",
        None,
        "get",
        {"dept": 200, "other_dept": 200, "academic": 200, "other_academic": 200, "national": 200},
    ),
]


def assert_served_only_to(client, world, address, allowed, method="get", data=None):
    """Anonymous goes to login; each user in `allowed` gets its status, every other 403/404."""
    assert getattr(client, method)(address, data).status_code == 302
    for key in USERS:
        client.force_login(world["users"][key])
        status = getattr(client, method)(address, data).status_code
        assert status == allowed[key] if key in allowed else status in DENIED, (key, status)


@pytest.mark.parametrize(("name", "record", "method", "allowed"), CASES, ids=[c[0] for c in CASES])
def test_each_view_serves_its_roles_and_scopes_and_refuses_the_others(
    client, world, name, record, method, allowed
):
    data = {"answer": "decline", "reason": ""} if method == "post" else None
    assert_served_only_to(client, world, url(world, name, record), allowed, method, data)


@pytest.mark.parametrize(
    ("scope", "allowed"),
    [
        (Scope.DEPARTEMENT, {"dept", "academic", "national"}),
        (Scope.ACADEMIE, {"academic", "national"}),
        (Scope.NATIONAL, {"national"}),
    ],
)
def test_a_report_is_downloaded_only_within_its_scope(client, world, scope, allowed):
    address = reverse("surveys:report_download", args=[world["reports"][scope].pk])
    assert_served_only_to(client, world, address, dict.fromkeys(allowed, 200))


def test_the_board_of_another_departement_does_not_show_the_request(client, world):
    client.force_login(world["users"]["other_dept"])
    page = client.get(reverse("matching:board")).content.decode()
    assert world["class"].ecole.name not in page
    client.force_login(world["users"]["dept"])
    assert world["class"].ecole.name in client.get(reverse("matching:board")).content.decode()


def test_lists_of_another_territory_do_not_show_its_requests_and_modules(client, world):
    ecole = world["class"].ecole.name
    for key in ("other_dept", "other_academic"):
        client.force_login(world["users"][key])
        assert ecole not in client.get(reverse("classes:request_list")).content.decode()
        assert ecole not in client.get(reverse("modules:list")).content.decode()
    client.force_login(world["users"]["other_teacher"])
    assert ecole not in client.get(reverse("classes:list")).content.decode()
    for key in ("dept", "academic", "circo", "national"):
        client.force_login(world["users"][key])
        assert ecole in client.get(reverse("classes:request_list")).content.decode(), key
        assert ecole in client.get(reverse("modules:list")).content.decode(), key


def test_the_inspector_reads_the_modules_of_the_district_without_changing_them(client, world):
    client.force_login(world["users"]["circo"])
    page = client.get(url(world, "modules:detail", "module")).content.decode()
    assert world["class"].ecole.name in page
    assert reverse("modules:session_edit", args=[world["session"].pk]) not in page
    assert (
        client.post(url(world, "modules:session_cancel", "session"), {"reason": "x"}).status_code
        == 403
    )

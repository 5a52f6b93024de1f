"""Every URL of the project, as anonymous and as each role in its own territory and in
another, against one table: `TABLE` (url name → expected status per actor).

"own" users are in the territory of the records (département 035, académie de Rennes);
"other_" users are in Loire-Atlantique (044, académie de Nantes) or own other records.
An actor absent from a row must be refused: 403 (wrong role) or 404 (out of scope); the
anonymous visitor absent from a row is sent to the login page (302). The URLs are read
from the resolver, so a new URL without a row fails `test_every_url_has_a_row_in_the_table`.
The admin's URLs are staff only by construction (`admin_view`): one rule covers them all.
"""

import re
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from astep.accounts.models import Role
from astep.modules.models import CalendarFeed, Module
from astep.territory.models import Circonscription
from matching.models import Plan, Proposal
from surveys.models import Campaign, DepartementalSurvey, Report, Scope
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
from tests.files import pdf_bytes


@pytest.fixture
def world(db):
    d35, d44 = departement("035"), departement("044")
    university, other_university = OrganisationFactory(), OrganisationFactory()
    circo = Circonscription.objects.create(departement=d35, name="Rennes Sud")
    other_circo = Circonscription.objects.create(departement=d44, name="Nantes Nord")
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
        "other_circo": UserFactory(
            role=Role.CIRCONSCRIPTION_INSPECTOR, circonscription=other_circo
        ),
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
    profile = users["volunteer"].volunteer_profile
    profile.proof_file.save("diplome.pdf", ContentFile(pdf_bytes()))
    campaign = Campaign.objects.create(
        school_year="2025-2026", opens_on=date(2026, 4, 1), closes_on=date(2026, 6, 30)
    )
    yield {
        "users": users,
        "campaign": campaign,
        "survey": DepartementalSurvey.objects.create(campaign=campaign, departement=d35),
        "report": reports[Scope.DEPARTEMENT],
        "feed": CalendarFeed.objects.create(user=users["teacher"]),
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
    profile.proof_file.delete(save=False)  # the proofs storage is a shared folder


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
    "other_circo",
    "scientific",
    "other_scientific",
    "national",
]
ACTORS = ["anonymous", *USERS]
DENIED = {403, 404}


def every(status: int, *, but: tuple[str, ...] = ()) -> dict[str, int]:
    """`status` for every user (not the anonymous visitor), except those in `but`."""
    return {key: status for key in USERS if key not in but}


def both(*keys: str, status: int = 200) -> dict[str, int]:
    """`status` for each role of `keys`, in its own territory and in another."""
    return {k: status for key in keys for k in (key, f"other_{key}") if k in USERS}


def row(
    expected: dict[str, int],
    record: str | None = None,
    method: str = "get",
    anonymous: int = 302,
    data=None,
) -> dict:
    """A row of the table: who gets which status on the URL of the world's `record`.

    `data(world)` gives the form posted, for a row whose `method` is "post".
    """
    return {
        "record": record,
        "method": method,
        "data": data or (lambda world: {"answer": "decline", "reason": ""}),
        "expected": {"anonymous": anonymous, **expected},
    }


PUBLIC = every(200)
LOGGED_IN = every(200)

# url name (or route, for an unnamed URL) → the row. Absent users: 403 or 404.
TABLE = {
    "home": row(PUBLIC, anonymous=200),
    "healthz": row(PUBLIC, anonymous=200),
    "privacy": row(PUBLIC, anonymous=200),
    "accessibility": row(PUBLIC, anonymous=200),
    "legal_notice": row(PUBLIC, anonymous=200),
    "sitemap": row(PUBLIC, anonymous=200),
    # Django's switcher: a GET changes nothing and goes back.
    "set_language": row(every(302), anonymous=302),
    # allauth MFA, on one's own account only: setting up asks the password again (302);
    # no TOTP or no recovery codes yet: 404. The MFA roles hold a TOTP (tests.factories).
    "mfa_index": row(LOGGED_IN),
    "mfa_authenticate": row(every(302)),
    "mfa_reauthenticate": row(
        {**every(302), **both("dept", "academic", "scientific"), "national": 200}
    ),
    "mfa_activate_totp": row(every(302)),
    "mfa_deactivate_totp": row(
        every(
            302,
            but=(
                "teacher",
                "other_teacher",
                "volunteer",
                "other_volunteer",
                "circo",
                "other_circo",
            ),
        )
    ),
    "mfa_view_recovery_codes": row({}),
    "mfa_generate_recovery_codes": row(every(302)),
    "mfa_download_recovery_codes": row({}),
    # allauth: the pages of a visitor send a logged-in user home, and the reverse.
    "account_login": row(every(302), anonymous=200),
    "account_signup": row(every(302), anonymous=200),
    "account_logout": row(LOGGED_IN),
    "account_inactive": row(PUBLIC, anonymous=200),
    "account_reauthenticate": row(LOGGED_IN),
    "account_email": row(LOGGED_IN),
    "account_email_verification_sent": row(PUBLIC, anonymous=200),
    "account_change_password": row(LOGGED_IN),
    "account_set_password": row(every(302)),
    "account_reset_password": row(PUBLIC, anonymous=200),
    "account_reset_password_done": row(PUBLIC, anonymous=200),
    "account_reset_password_from_key": row(PUBLIC, anonymous=200),
    "account_reset_password_from_key_done": row(PUBLIC, anonymous=200),
    "account_confirm_email": row(PUBLIC, anonymous=200),
    "account_confirm_login_code": row(every(302), anonymous=302),
    "socialaccount_login_cancelled": row(PUBLIC, anonymous=200),
    "socialaccount_login_error": row(every(401)),  # not public in allauth: sign in first
    "socialaccount_signup": row(every(302), anonymous=302),
    "socialaccount_connections": row(LOGGED_IN),
    # allauth's old addresses, redirected to the new ones once signed in (deny by default).
    "comptes/social/login/cancelled/": row(every(301)),
    "comptes/social/login/error/": row(every(301)),
    "comptes/social/signup/": row(every(301)),
    "comptes/social/connections/": row(every(301)),
    # ProConnect: 404 until its client id is set (tests/proconnect/ cover the login).
    "openid_connect_login": row(every(404), anonymous=404),
    "openid_connect_callback": row(every(404), anonymous=404),
    # The admin: every other URL of it sends to its login (see the admin test).
    # allauth's secure_admin_login: the portal's sign-in first; signed-in non-staff refused.
    "admin:login": row(every(403), anonymous=302),
    "admin:logout": row(every(302)),  # to the admin's index, which sends to its login
    "accounts:data": row(LOGGED_IN),
    "accounts:data_export": row(LOGGED_IN),
    # Without the password, the form comes back; staff accounts are closed by the admin.
    "accounts:account_delete": row(both("teacher", "volunteer"), method="post"),
    "classes:list": row(both("teacher")),
    "classes:create": row(both("teacher")),
    "classes:request_create": row({"teacher": 200}, "class"),
    "classes:request_detail": row(
        {"teacher": 200, "dept": 200, "academic": 200, "circo": 200, "national": 200}, "request"
    ),
    "classes:request_edit": row({"teacher": 200}, "draft"),
    "classes:request_cancel": row({"teacher": 302, "dept": 302}, "request", "post"),
    "classes:request_not_served": row({"dept": 302}, "request", "post"),
    "classes:request_list": row(both("teacher", "dept", "academic", "circo", "national")),
    "volunteers:onboarding": row(both("volunteer")),
    "volunteers:step": row(both("volunteer"), "profil"),
    "volunteers:charter": row(both("volunteer")),
    "volunteers:charter_pdf": row({"volunteer": 200}, "signature"),
    "volunteers:charter_versions": row({"national": 200}),
    "volunteers:queue": row(both("dept")),
    "volunteers:review": row({"dept": 200}, "volunteer_profile"),
    "volunteers:proof": row({"volunteer": 200, "dept": 200}, "volunteer_profile"),
    "volunteers:organisation": row(both("scientific")),
    "volunteers:attest": row({"scientific": 302}, "volunteer_profile", "post"),
    "matching:board": row(both("dept")),
    "matching:request_candidates": row({"dept": 200}, "request"),
    "matching:proposals": row(both("volunteer", "teacher")),
    "matching:proposal_answer": row({"volunteer": 200, "teacher": 200}, "proposal", "post"),
    "matching:proposal_decline": row({"volunteer": 200, "teacher": 200}, "proposal"),
    "matching:plan_create": row(both("dept", status=302), method="post"),
    "matching:plan": row({"dept": 200}, "plan"),
    "matching:pair_choice": row(
        {"dept": 302},
        "plan",
        "post",
        data=lambda world: {
            "request": world["request"].pk,
            "volunteer": world["users"]["volunteer"].pk,
            "action": "exclude",
        },
    ),
    "matching:plan_send": row({"dept": 302}, "plan", "post"),
    "modules:list": row(every(200, but=("scientific", "other_scientific"))),
    "modules:detail": row(
        dict.fromkeys(("teacher", "volunteer", "dept", "academic", "circo", "national"), 200),
        "module",
    ),
    "modules:ics": row(
        dict.fromkeys(("teacher", "volunteer", "dept", "academic", "circo", "national"), 200),
        "module",
    ),
    "modules:session_edit": row({"teacher": 200, "volunteer": 200}, "session"),
    "modules:session_cancel": row({"teacher": 200, "volunteer": 200}, "session"),
    "modules:session_confirm": row({"teacher": 302, "volunteer": 302}, "session", "post"),
    "modules:feedback": row({"teacher": 200, "volunteer": 200}, "module"),
    "modules:attestation": row({"volunteer": 302}, "module"),  # none held: to the module
    "modules:agenda": row(both("teacher", "volunteer")),
    # The private calendar feed: no login, the secret token is the key.
    "modules:feed": row(PUBLIC, "feed", anonymous=200),
    "surveys:survey": row(both("dept")),
    "surveys:survey_list": row(both("academic") | {"national": 200}),
    "surveys:survey_detail": row({"dept": 200, "academic": 200, "national": 200}, "survey"),
    "surveys:campaigns": row({"national": 200}),
    "surveys:campaign_cockpit": row(both("academic") | {"national": 200}, "campaign"),
    "surveys:reports": row(both("dept", "academic") | {"national": 200}),
    "surveys:report_create": row(
        both("dept", "academic", status=302) | {"national": 302}, method="post"
    ),
    "surveys:report_status": row({"dept": 200, "academic": 200, "national": 200}, "report"),
    "surveys:report_download": row({"dept": 200, "academic": 200, "national": 200}, "report"),
}


def _params(pattern) -> set[str]:
    return set(getattr(pattern.pattern, "converters", {})) | set(pattern.pattern.regex.groupindex)


def project_urls(patterns=None, route="", namespace=None, params=frozenset()):
    """Yield (key, route, parameter names) for every URL of astep.urls.

    The key is the namespaced name, or the route for an unnamed URL.
    """
    for pattern in get_resolver("astep.urls").url_patterns if patterns is None else patterns:
        here = params | _params(pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from project_urls(pattern.url_patterns, route + str(pattern.pattern), inner, here)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and ":".join(filter(None, [namespace, pattern.name]))
            yield name or route + str(pattern.pattern), route + str(pattern.pattern), here


URLS = {key: params for key, route, params in project_urls() if not route.startswith("admin/")}
ADMIN_URLS = {key: params for key, route, params in project_urls() if route.startswith("admin/")}


def address(key: str, params: set[str], world=None) -> str:
    """The address of URL `key`, its parameters taken from the world (or harmless values)."""
    record = TABLE.get(key, {}).get("record")
    values = {
        "pk": world[record].pk if world and record in world else 1,
        "step": record,
        "token": world["feed"].token if world else "x",
        "provider_id": "proconnect",
        "key": "cle-inconnue",
        "uidb36": "1",
        "app_label": "accounts",
        "object_id": "1",
        "id": "1",
        "content_type_id": ContentType.objects.get_for_model(Module).pk,
        "url": "page-inconnue/",
    }
    if "/" in key:  # an unnamed URL: its route, parameters filled in, is its address
        filled = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), key)
        filled = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m[1]]), filled)
        return "/" + filled.replace("^", "").replace("$", "")
    return reverse(key, kwargs={name: values[name] for name in params})


def test_every_url_has_a_row_in_the_table():
    assert set(URLS) - set(TABLE) == set(), "a URL without a row: add it to TABLE"
    assert set(TABLE) - set(URLS) - set(ADMIN_URLS) == set(), "a row without a URL: remove it"


@pytest.mark.parametrize("key", sorted(URLS))
def test_each_url_serves_its_roles_and_scopes_and_refuses_the_others(client, world, key):
    """No cross-territory access: every actor gets the status of the table, or a refusal."""
    entry = TABLE[key]
    target = address(key, URLS[key], world)
    data = entry["data"](world) if entry["method"] == "post" else None
    statuses = {}
    for actor in ACTORS:
        client.logout()
        if actor != "anonymous":
            client.force_login(world["users"][actor])
        response = getattr(client, entry["method"])(target, data)
        if response.streaming:  # read a file sent (proof, bilan) to the end: it is closed
            response.getvalue()
        statuses[actor] = response.status_code
    wrong = {
        actor: status
        for actor, status in statuses.items()
        if not (
            status == entry["expected"][actor] if actor in entry["expected"] else status in DENIED
        )
    }
    assert wrong == {}, f"{target}: {wrong} (expected {entry['expected']}, others 403/404)"


@pytest.mark.django_db
def test_every_admin_url_sends_everyone_but_staff_to_the_admin_login(client):
    """The admin is staff only: every non-staff role (and the anonymous) goes to its login."""
    users = [None, *(UserFactory(role=role) for role in Role)]
    login = reverse("admin:login")
    wrong = {}
    for key, params in ADMIN_URLS.items():
        target = address(key, params)
        expected = TABLE[key]["expected"] if key in TABLE else None
        for user in users:
            client.logout()
            if user:
                client.force_login(user)
            response = client.get(target)
            actor = user.role if user else "anonymous"
            if expected is not None:
                ok = response.status_code == expected["anonymous" if user is None else "teacher"]
            else:  # the admin's own login, or the portal's for the anonymous visitor
                ok = response.status_code == 302 and response["Location"].startswith(
                    (login, reverse("account_login"))
                )
            if not ok:
                wrong[(key, actor)] = response.status_code
    assert wrong == {}, str(sorted(wrong.items()))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:index")).status_code == 200  # staff do get in


@pytest.mark.parametrize(
    ("scope", "allowed"),
    [
        (Scope.DEPARTEMENT, {"dept", "academic", "national"}),
        (Scope.ACADEMIE, {"academic", "national"}),
        (Scope.NATIONAL, {"national"}),
    ],
)
def test_a_report_is_downloaded_only_within_its_scope(client, world, scope, allowed):
    """The table checks the département's bilan; the académie's and the nation's here."""
    target = reverse("surveys:report_download", args=[world["reports"][scope].pk])
    for key in USERS:
        client.force_login(world["users"][key])
        status = client.get(target).status_code
        assert status == 200 if key in allowed else status in DENIED, (key, status)


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
    page = client.get(reverse("modules:detail", args=[world["module"].pk])).content.decode()
    assert world["class"].ecole.name in page
    assert reverse("modules:session_edit", args=[world["session"].pk]) not in page
    assert (
        client.post(
            reverse("modules:session_cancel", args=[world["session"].pk]), {"reason": "x"}
        ).status_code
        == 403
    )

"""Sessions in calendar apps: a module's .ics, the agenda page and the private feed."""

from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from astep.accounts.models import Role
from astep.modules.ics import module_ics
from astep.modules.models import CalendarFeed
from tests.factories import (
    EcoleFactory,
    ModuleFactory,
    SessionFactory,
    UserFactory,
    departement,
)

WINTER_DAY = date(2031, 1, 16)  # UTC+1 in Paris
SUMMER_DAY = date(2031, 6, 12)  # UTC+2 in Paris


@pytest.fixture
def module(db):
    """A CE2-CM1 module at an école of Ille-et-Vilaine, with a winter, a summer and a
    cancelled session."""
    ecole = EcoleFactory(
        name="École Jules Ferry",
        address="3 rue des Écoles",
        postcode="35500",
        commune_name="Vitré",
        departement=departement("035"),
    )
    module = ModuleFactory(
        request__school_class__ecole=ecole,
        request__school_class__teacher__first_name="Claire",
        request__school_class__teacher__last_name="Martin",
        volunteer__first_name="Hugo",
        volunteer__last_name="Bernard",
    )
    SessionFactory(module=module, date=WINTER_DAY, topic="Les états de l'eau")
    SessionFactory(module=module, date=SUMMER_DAY, start_time=time(9), end_time=time(11, 30))
    SessionFactory(module=module, date=SUMMER_DAY + timedelta(days=7), status="cancelled")
    return module


def parse(content: bytes) -> Calendar:
    return Calendar.from_ical(content)


def events(content: bytes) -> list:
    return parse(content).walk("VEVENT")


def uid(session) -> str:
    return f"session-{session.pk}@127.0.0.1"


def test_the_module_file_holds_every_session_at_the_ecole_wall_clock(module):
    winter, summer, cancelled = module.sessions.order_by("date")

    calendar = parse(module_ics(module))

    by_uid = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(by_uid) == {uid(winter), uid(summer), uid(cancelled)}
    start = by_uid[uid(winter)]["DTSTART"]
    assert start.params["TZID"] == "Europe/Paris"
    assert start.dt.replace(tzinfo=None) == datetime(2031, 1, 16, 14, 0)
    assert start.dt.utcoffset() == timedelta(hours=1)
    summer_event = by_uid[uid(summer)]
    assert summer_event["DTSTART"].dt.replace(tzinfo=None) == datetime(2031, 6, 12, 9, 0)
    assert summer_event["DTSTART"].dt.utcoffset() == timedelta(hours=2)
    assert summer_event["DTEND"].dt.replace(tzinfo=None) == datetime(2031, 6, 12, 11, 30)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert by_uid[uid(cancelled)]["STATUS"] == "CANCELLED"
    assert by_uid[uid(winter)]["STATUS"] == "CONFIRMED"
    assert calendar["PRODID"] == "-//ASTEP//Portail ASTEP//FR"


def test_an_event_says_where_who_and_what_in_french(module):
    winter = module.sessions.order_by("date").first()

    event = next(e for e in events(module_ics(module)) if str(e["UID"]) == uid(winter))

    assert str(event["SUMMARY"]) == "ASTEP — Sciences, CE2-CM1, École Jules Ferry"
    assert str(event["LOCATION"]) == "École Jules Ferry, 3 rue des Écoles, 35500 Vitré"
    description = str(event["DESCRIPTION"])
    assert "Enseignant·e : Claire Martin" in description
    assert "Accompagnateur·rice : Hugo Bernard" in description
    assert "Contenu prévu : Les états de l'eau" in description
    assert f"http://127.0.0.1:8000/modules/{module.pk}/" in description
    assert event["SEQUENCE"] == 0


def test_a_session_change_raises_its_sequence_and_last_modified(module):
    winter = module.sessions.order_by("date").first()
    changed_at = timezone.now()
    winter.changes.create(
        kind="moved",
        previous_date=winter.date,
        previous_start_time=winter.start_time,
        previous_end_time=winter.end_time,
        at=changed_at,
    )

    event = next(e for e in events(module_ics(module)) if str(e["UID"]) == uid(winter))

    assert event["SEQUENCE"] == 1
    assert event["LAST-MODIFIED"].dt == changed_at.replace(microsecond=0)


def test_the_same_sessions_give_the_same_file(module):
    assert module_ics(module) == module_ics(module)


@pytest.fixture
def people(module):
    d35, d44 = departement("035"), departement("044")
    return {
        "teacher": module.teacher,
        "volunteer": module.volunteer,
        "dept": UserFactory(role=Role.DEPARTMENTAL_CORRESPONDENT, departement=d35),
        "other_teacher": UserFactory(role=Role.TEACHER),
        "other_volunteer": UserFactory(role=Role.VOLUNTEER),
        "other_dept": UserFactory(role=Role.DEPARTMENTAL_CORRESPONDENT, departement=d44),
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("teacher", 200),
        ("volunteer", 200),
        ("dept", 200),
        ("other_teacher", 404),
        ("other_volunteer", 404),
        ("other_dept", 404),
    ],
)
def test_only_those_who_see_the_module_download_its_file(client, module, people, who, status):
    client.force_login(people[who])

    response = client.get(reverse("modules:ics", args=[module.pk]))

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="astep-module-{module.pk}.ics"'
        )
        assert len(events(response.content)) == 3


def test_an_anonymous_visitor_is_sent_to_the_login_page_for_a_module_file(client, module):
    response = client.get(reverse("modules:ics", args=[module.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def feed_url(user) -> str:
    return reverse("modules:feed", args=[CalendarFeed.objects.get(user=user).token])


def test_the_feed_works_without_login_and_holds_only_the_users_sessions(client, module):
    other_session = SessionFactory(date=WINTER_DAY)  # another volunteer's module
    volunteer = module.volunteer
    client.force_login(volunteer)
    client.get(reverse("modules:agenda"))  # the feed is created on the first visit
    client.logout()

    response = client.get(feed_url(volunteer))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=900"
    calendar = parse(response.content)
    uids = {str(event["UID"]) for event in calendar.walk("VEVENT")}
    assert uids == {uid(session) for session in module.sessions.all()}
    assert uid(other_session) not in uids
    assert str(calendar["X-WR-CALNAME"]) == "ASTEP — Hugo Bernard"


def test_the_teachers_feed_holds_the_sessions_of_their_classes(client, module):
    SessionFactory(date=WINTER_DAY)
    feed = CalendarFeed.objects.create(user=module.teacher)

    response = client.get(reverse("modules:feed", args=[feed.token]))

    assert {str(e["UID"]) for e in events(response.content)} == {
        uid(session) for session in module.sessions.all()
    }


def test_renewing_the_link_cuts_off_the_old_address(client, module):
    volunteer = module.volunteer
    client.force_login(volunteer)
    client.get(reverse("modules:agenda"))
    old_url = feed_url(volunteer)

    response = client.post(reverse("modules:agenda"))

    assert response.status_code == 302
    assert "renouvelé" in str(next(iter(get_messages(response.wsgi_request))))
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.get(feed_url(volunteer)).status_code == 200


def test_an_unknown_token_or_an_inactive_user_gets_no_feed(client, module):
    feed = CalendarFeed.objects.create(user=module.volunteer)
    assert client.get(reverse("modules:feed", args=["pas-un-jeton"])).status_code == 404

    module.volunteer.is_active = False
    module.volunteer.save(update_fields=["is_active"])

    assert client.get(reverse("modules:feed", args=[feed.token])).status_code == 404


def test_a_correspondent_has_no_agenda(client, people):
    client.force_login(people["dept"])

    assert client.get(reverse("modules:agenda")).status_code == 403


def test_the_agenda_lists_the_sessions_to_come_and_the_private_address(client, db):
    volunteer = UserFactory(role=Role.VOLUNTEER)
    module = ModuleFactory(volunteer=volunteer, request__school_class__ecole__name="École Pasteur")
    today = timezone.localdate()
    SessionFactory(module=module, date=today + timedelta(days=3), topic="Les ombres")
    SessionFactory(module=module, date=today + timedelta(days=10), status="moved")
    SessionFactory(module=module, date=today + timedelta(days=17), status="cancelled")
    SessionFactory(module=module, date=today - timedelta(days=4), status="held")
    SessionFactory(date=today + timedelta(days=5), topic="Pas la mienne")
    client.force_login(volunteer)

    response = client.get(reverse("modules:agenda"))

    assert response.status_code == 200
    listed = list(response.context["page_obj"])
    assert [s.date for s in listed] == [today + timedelta(days=3), today + timedelta(days=10)]
    html = response.content.decode()
    assert "École Pasteur" in html and "Les ombres" in html and "Pas la mienne" not in html
    token = CalendarFeed.objects.get(user=volunteer).token
    assert f"http://testserver/modules/agenda/{token}.ics" in html
    assert "Renouveler le lien" in html


def make_sessions(volunteer, count):
    module = ModuleFactory(volunteer=volunteer)
    for week in range(count):
        SessionFactory(module=module, date=timezone.localdate() + timedelta(days=1 + 7 * week))


@pytest.mark.parametrize("count", [1, 20])
def test_the_agenda_and_the_feed_keep_their_query_budget(
    client, db, django_assert_max_num_queries, count
):
    volunteer = UserFactory(role=Role.VOLUNTEER)
    make_sessions(volunteer, count)
    client.force_login(volunteer)

    with django_assert_max_num_queries(8):  # the first visit also creates the feed
        response = client.get(reverse("modules:agenda"))
    assert len(response.context["page_obj"]) == count

    client.logout()
    address = feed_url(volunteer)
    with django_assert_max_num_queries(2):
        response = client.get(address)
    assert len(events(response.content)) == count

"""Modules run by two accompanists (a binôme): planning around both, both see and run the
module, each is reminded, confirms, answers the questionnaire and gets an attestation."""

import io
from datetime import date, time, timedelta

import pypdf
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from astep.accounts.models import Role
from astep.modules import reminders
from astep.modules.attestations import attestation_pdf
from astep.modules.models import CalendarFeed, Feedback, Module, Session, SessionStatus
from astep.modules.services import SessionError, module_create, session_change, session_confirm
from surveys.figures import figures_by_departement
from tests.factories import (
    EcoleFactory,
    ModuleFactory,
    RequestFactory,
    SessionFactory,
    UserFactory,
    VolunteerProfileFactory,
    departement,
)

pytestmark = pytest.mark.django_db

THURSDAY_4_FEB_2027 = date(2027, 2, 4)  # a school day in Rennes (zone B)
THURSDAY = date(2027, 3, 11)  # a school day in every zone
FEEDBACK = {"satisfaction": "5", "what_worked": "", "would_repeat": "True", "comments": ""}


def volunteer(first_name: str, last_name: str, **profile):
    return VolunteerProfileFactory(
        user__first_name=first_name, user__last_name=last_name, **profile
    ).user


@pytest.fixture
def ada():
    return volunteer("Ada", "Martin")


@pytest.fixture
def leo():
    return volunteer("Léo", "Petit")


@pytest.fixture
def binome(ada, leo):
    """A module run by Ada (volunteer) and Léo (co-volunteer), a session planned next week."""
    module = ModuleFactory(volunteer=ada, co_volunteer=leo)
    SessionFactory(module=module, date=timezone.localdate() + timedelta(days=7))
    return module


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


# Planning


def test_module_create_with_two_volunteers_picks_the_first_half_day_all_three_accept():
    # Ada alone would give Tuesday morning, Léo alone Monday afternoon.
    ada = volunteer("Ada", "Martin", half_days=["2-am", "4-pm", "5-am"])
    leo = volunteer("Léo", "Petit", half_days=["1-pm", "4-pm", "5-am"])
    request = RequestFactory(
        period_start=THURSDAY_4_FEB_2027,
        period_end=date(2027, 6, 1),
        half_days=["5-am", "4-pm", "2-am", "1-pm"],
        status="matched",
    )

    module = module_create(
        request=request, volunteer=ada, co_volunteer=leo, today=date(2027, 1, 15)
    )

    assert module.half_day == "4-pm"
    assert (module.volunteer, module.co_volunteer) == (ada, leo)
    assert {s.volunteer_id for s in module.sessions.all()} == {ada.pk}


def test_with_no_half_day_shared_by_all_three_the_request_s_first_is_kept():
    ada = volunteer("Ada", "Martin", half_days=["2-am"])
    leo = volunteer("Léo", "Petit", half_days=["5-am"])
    request = RequestFactory(half_days=["5-am", "2-am"], status="matched")

    module = module_create(request=request, volunteer=ada, co_volunteer=leo, today=date.today())

    assert module.half_day == "2-am"


def test_module_create_skips_the_days_the_co_volunteer_already_has_a_session():
    ada = volunteer("Ada", "Martin", half_days=["4-pm"])
    leo = volunteer("Léo", "Petit", half_days=["4-pm"])
    # Léo is busy on two Thursday afternoons: as co-volunteer of one module, as the
    # volunteer of another.
    SessionFactory(
        module=ModuleFactory(co_volunteer=leo), date=THURSDAY_4_FEB_2027, start_time=time(14)
    )
    SessionFactory(
        module=ModuleFactory(volunteer=leo),
        date=THURSDAY_4_FEB_2027 + timedelta(weeks=1),
        start_time=time(15),
        end_time=time(17),
    )
    request = RequestFactory(
        school_class__ecole=EcoleFactory(departement=departement("035")),
        period_start=THURSDAY_4_FEB_2027,
        period_end=date(2027, 6, 1),
        half_days=["4-pm"],
        status="matched",
    )

    module = module_create(
        request=request, volunteer=ada, co_volunteer=leo, today=date(2027, 1, 15)
    )

    dates = [s.date for s in module.sessions.all()]
    assert len(dates) == request.sessions_count
    busy = [THURSDAY_4_FEB_2027, THURSDAY_4_FEB_2027 + timedelta(weeks=1)]
    assert not set(dates) & set(busy)
    for day in busy:
        assert (day, "L'accompagnateur a déjà une séance à cette heure") in module.plan.skipped


def test_a_volunteer_s_sessions_as_co_volunteer_keep_their_own_next_module_off_those_days():
    leo = volunteer("Léo", "Petit", half_days=["4-pm"])
    SessionFactory(module=ModuleFactory(co_volunteer=leo), date=THURSDAY_4_FEB_2027)
    request = RequestFactory(
        period_start=THURSDAY_4_FEB_2027,
        period_end=date(2027, 6, 1),
        half_days=["4-pm"],
        status="matched",
    )

    module = module_create(request=request, volunteer=leo, today=date(2027, 1, 15))

    assert THURSDAY_4_FEB_2027 not in {s.date for s in module.sessions.all()}


def test_one_person_cannot_be_both_volunteers_of_a_module(ada):
    request = RequestFactory(status="matched")
    with pytest.raises(ValueError, match="two different people"):
        module_create(request=request, volunteer=ada, co_volunteer=ada, today=date.today())
    with pytest.raises(IntegrityError, match="module_two_distinct_volunteers"):
        with transaction.atomic():
            ModuleFactory(request=request, volunteer=ada, co_volunteer=ada)


# Seeing the module


def test_the_co_volunteer_sees_the_module_and_its_sessions(client, binome, leo):
    assert list(Module.objects.for_user(leo)) == [binome]
    assert set(Session.objects.for_user(leo)) == set(binome.sessions.all())
    client.force_login(leo)

    listed = client.get(reverse("modules:list")).context["page_obj"]
    page = client.get(reverse("modules:detail", args=[binome.pk]))
    home = client.get(reverse("home"))

    assert list(listed) == [binome]
    assert page.status_code == 200 and page.context["is_party"]
    assert "<dt>Accompagnateurs</dt><dd>Ada Martin et Léo Petit</dd>" in page.content.decode()
    assert home.context["modules"] == 1
    assert list(home.context["next_sessions"]) == list(binome.sessions.all())


def test_a_third_volunteer_gets_404_on_the_module_page(client, binome):
    client.force_login(UserFactory(role=Role.VOLUNTEER))

    assert client.get(reverse("modules:detail", args=[binome.pk])).status_code == 404
    assert client.get(reverse("modules:ics", args=[binome.pk])).status_code == 404
    assert client.get(reverse("modules:feedback", args=[binome.pk])).status_code == 404


def test_the_co_volunteer_is_reminded_of_the_session(
    binome, mailoutbox, django_capture_on_commit_callbacks
):
    session = binome.sessions.get()
    today = session.date - timedelta(days=reminders.REMINDER_DAYS_AHEAD)

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.session_reminders_send(today=today) == 1

    assert sorted(address for m in mailoutbox for address in m.to) == sorted(
        [binome.teacher.email, binome.volunteer.email, binome.co_volunteer.email]
    )
    to_leo = next(m for m in mailoutbox if m.to == [binome.co_volunteer.email])
    assert "Accompagnateurs : Ada Martin et Léo Petit" in to_leo.body


def test_the_co_volunteer_s_calendar_feed_holds_the_session(client, binome, leo):
    feed = CalendarFeed.objects.create(user=leo)

    response = client.get(reverse("modules:feed", args=[feed.token]))

    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]).startswith(f"session-{binome.sessions.get().pk}@")
    assert "Accompagnateurs : Ada Martin et Léo Petit" in str(event["DESCRIPTION"])


# Running the module


def test_both_volunteers_can_fill_the_feedback(client_factory, binome, ada, leo):
    SessionFactory(module=binome, date=date.today() - timedelta(days=7), status="held")
    for user in (ada, leo, leo):  # answering again updates the same answer
        client = client_factory()
        client.force_login(user)
        response = client.post(reverse("modules:feedback", args=[binome.pk]), FEEDBACK)
        assert response.status_code == 302

    answers = Feedback.objects.filter(module=binome)
    assert sorted(answers.values_list("user_id", "role")) == sorted(
        [(ada.pk, Role.VOLUNTEER), (leo.pk, Role.VOLUNTEER)]
    )


def test_the_co_volunteer_confirms_a_session_and_the_others_may_confirm_it_too(binome, leo):
    session = SessionFactory(module=binome, date=THURSDAY)

    session_confirm(session=session, actor=leo, today=THURSDAY)
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    session_confirm(session=session, actor=binome.teacher, today=THURSDAY)
    session_confirm(session=session, actor=binome.volunteer, today=THURSDAY)

    assert session.confirmations.count() == 3


def test_the_co_volunteer_confirms_from_the_module_page(client, binome, leo):
    session = SessionFactory(module=binome, date=date.today() - timedelta(days=1))
    client.force_login(leo)

    client.post(reverse("modules:session_confirm", args=[session.pk]))

    assert session.confirmations.get().user == leo


@pytest.mark.parametrize("leo_is", ["volunteer", "co_volunteer"])
def test_moving_a_session_onto_a_slot_where_the_co_volunteer_is_busy_is_refused(
    binome, leo, leo_is
):
    SessionFactory(
        module=ModuleFactory(**{leo_is: leo}),
        date=THURSDAY,
        start_time=time(9),
        end_time=time(11, 30),
    )
    session = SessionFactory(module=binome, date=THURSDAY + timedelta(weeks=1))

    with pytest.raises(SessionError) as refused:
        session_change(
            session=session,
            actor=binome.teacher,
            day=THURSDAY,
            start_time=time(10),
            end_time=time(12),
            topic="",
            reason="Sortie scolaire",
        )

    assert str(refused.value) == (
        "Le second accompagnateur, Léo Petit, a déjà une séance sur ce créneau."
    )
    session.refresh_from_db()
    assert (session.date, session.status) == (THURSDAY + timedelta(weeks=1), "planned")


def test_moving_onto_a_slot_where_the_volunteer_is_co_volunteer_elsewhere_is_refused(binome, ada):
    SessionFactory(module=ModuleFactory(co_volunteer=ada), date=THURSDAY)
    session = SessionFactory(module=binome, date=THURSDAY + timedelta(weeks=1))

    with pytest.raises(SessionError, match="^L'accompagnateur a déjà une séance sur ce créneau"):
        session_change(
            session=session,
            actor=binome.co_volunteer,
            day=THURSDAY,
            start_time=time(14),
            end_time=time(16),
            topic="",
            reason="Sortie scolaire",
        )


def test_a_move_by_one_volunteer_tells_the_teacher_and_the_other_volunteer(
    binome, leo, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(module=binome, date=THURSDAY)

    with django_capture_on_commit_callbacks(execute=True):
        session_change(
            session=session,
            actor=leo,
            day=THURSDAY + timedelta(days=1),
            start_time=time(9),
            end_time=time(11),
            topic="",
            reason="Empêchement",
        )

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [binome.teacher.email, binome.volunteer.email]
    )


# The end of the module


def test_each_volunteer_gets_their_own_attestation(client, binome, ada, leo):
    SessionFactory(module=binome, date=date.today() - timedelta(days=7), status="held")
    client.force_login(leo)

    response = client.get(reverse("modules:attestation", args=[binome.pk]))

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Le portail ASTEP atteste que Léo Petit a accompagné" in text
    assert "En binôme avec Ada Martin" in text
    assert f"ASTEP-{binome.school_year}-{binome.pk}-2" in text
    ada_text = pdf_text(attestation_pdf(binome, volunteer=ada))
    assert "atteste que Ada Martin a accompagné" in ada_text
    assert "En binôme avec Léo Petit" in ada_text
    assert f"ASTEP-{binome.school_year}-{binome.pk}-2" not in ada_text


def test_the_survey_figures_count_two_accompanists_for_a_binome(ada):
    leo = volunteer("Léo", "Petit", status="researcher")
    ModuleFactory(volunteer=ada, co_volunteer=leo)
    ModuleFactory(volunteer=ada)  # Ada counts once however many modules she runs

    [figures] = figures_by_departement(school_year=ada.modules.first().school_year).values()

    assert figures["modules"] == 2
    assert figures["volunteers"] == 2
    assert (figures["volunteers_student"], figures["volunteers_researcher"]) == (1, 1)

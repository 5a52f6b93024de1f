"""Sessions: no two at once for a volunteer (PostgreSQL refuses it), moves and cancellations
with a reason, both confirmations kept, and the request moving to in progress and completed."""

from datetime import date, time, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from astep.classes.models import RequestStatus
from astep.modules.models import Session, SessionStatus
from astep.modules.services import SessionError, session_cancel, session_change, session_confirm
from tests.factories import ModuleFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

THURSDAY = date(2027, 3, 11)  # a school day in every zone


def test_postgresql_refuses_two_overlapping_sessions_for_one_volunteer():
    first = SessionFactory(date=THURSDAY, start_time=time(14), end_time=time(16))
    other_module = ModuleFactory(volunteer=first.volunteer)
    with pytest.raises(IntegrityError, match="no_overlapping_sessions"), transaction.atomic():
        Session.objects.create(
            module=other_module,
            volunteer=first.volunteer,
            date=THURSDAY,
            start_time=time(15, 30),
            end_time=time(17),
        )
    # Back to back is fine, so is the same slot for another volunteer or once cancelled.
    Session.objects.create(
        module=other_module,
        volunteer=first.volunteer,
        date=THURSDAY,
        start_time=time(16),
        end_time=time(17),
    )
    SessionFactory(date=THURSDAY, start_time=time(14), end_time=time(16))
    first.status = SessionStatus.CANCELLED
    first.save()
    Session.objects.create(
        module=other_module,
        volunteer=first.volunteer,
        date=THURSDAY,
        start_time=time(14),
        end_time=time(15),
    )


def test_moving_a_session_onto_another_of_the_volunteer_s_is_refused_in_french():
    busy = SessionFactory(date=THURSDAY, start_time=time(9), end_time=time(11, 30))
    session = SessionFactory(
        module=ModuleFactory(volunteer=busy.volunteer), date=THURSDAY + timedelta(weeks=1)
    )
    with pytest.raises(SessionError, match="déjà une séance sur ce créneau"):
        session_change(
            session=session,
            actor=session.module.teacher,
            day=THURSDAY,
            start_time=time(10),
            end_time=time(12),
            topic="",
            reason="Sortie scolaire",
        )
    session.refresh_from_db()
    assert session.date == THURSDAY + timedelta(weeks=1)
    assert session.status == SessionStatus.PLANNED


def test_a_move_needs_a_reason_a_school_day_and_tells_the_other_party(
    mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(date=THURSDAY, reminder_sent_at=timezone.now())
    teacher = session.module.teacher
    common = {"session": session, "actor": teacher, "start_time": time(9), "end_time": time(11)}
    with pytest.raises(SessionError, match="motif"):
        session_change(day=THURSDAY + timedelta(days=1), topic="", reason=" ", **common)
    with pytest.raises(SessionError, match="pas de classe le mercredi après-midi"):
        session_change(
            **{**common, "start_time": time(14), "end_time": time(16)},
            day=date(2027, 3, 10),
            topic="",
            reason="Sortie",
        )
    with pytest.raises(SessionError, match="fermée le 06/05/2027 \\(Jour férié : Ascension\\)"):
        session_change(day=date(2027, 5, 6), topic="", reason="Sortie", **common)
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        session_change(day=THURSDAY + timedelta(days=1), topic="L'eau", reason="Sortie", **common)
    session.refresh_from_db()
    assert (session.date, session.start_time, session.status) == (
        date(2027, 3, 12),
        time(9),
        SessionStatus.MOVED,
    )
    assert session.reminder_sent_at is None  # the new date will be reminded
    change = session.changes.get()
    assert (change.kind, change.previous_date, change.reason) == ("moved", THURSDAY, "Sortie")
    assert [m.to for m in mailoutbox] == [[session.volunteer.email]]
    body = mailoutbox[0].body
    assert "Ancienne date : jeudi 11 mars 2027, de 14:00 à 16:00" in body
    assert "Nouvelle date : vendredi 12 mars 2027" in body and "Sortie" in body


def test_a_topic_alone_changes_without_reason_nor_e_mail(mailoutbox):
    session = SessionFactory(date=THURSDAY)
    session_change(
        session=session,
        actor=session.volunteer,
        day=session.date,
        start_time=session.start_time,
        end_time=session.end_time,
        topic="Circuits électriques",
        reason="",
    )
    session.refresh_from_db()
    assert (session.topic, session.status) == ("Circuits électriques", SessionStatus.PLANNED)
    assert mailoutbox == []


def test_both_confirmations_are_kept_and_the_request_moves_along(
    mailoutbox, django_capture_on_commit_callbacks
):
    module = ModuleFactory()
    first, last = (
        SessionFactory(module=module, date=THURSDAY + timedelta(weeks=n)) for n in (0, 1)
    )
    with pytest.raises(SessionError, match="jour même ou après"):
        session_confirm(session=first, actor=module.teacher, today=THURSDAY - timedelta(days=1))

    session_confirm(session=first, actor=module.teacher, today=THURSDAY)
    session_confirm(session=first, actor=module.volunteer, today=THURSDAY)
    with pytest.raises(SessionError, match="déjà confirmé"):
        session_confirm(session=first, actor=module.volunteer, today=THURSDAY)
    first.refresh_from_db()
    assert first.status == SessionStatus.HELD
    assert {c.user for c in first.confirmations.all()} == {module.teacher, module.volunteer}
    module.request.refresh_from_db()
    assert module.request.status == RequestStatus.IN_PROGRESS

    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=last, actor=module.teacher, reason="Classe en sortie")
    module.request.refresh_from_db()
    assert module.request.status == RequestStatus.COMPLETED
    assert [e.status for e in module.request.events.all()] == ["in_progress", "completed"]
    completed = [m for m in mailoutbox if "Demande terminée" in m.subject]
    assert sorted(m.to[0] for m in completed) == sorted(
        [module.teacher.email, module.volunteer.email]
    )


def test_only_the_teacher_and_the_volunteer_change_sessions(client):
    session = SessionFactory(date=THURSDAY)
    edit = reverse("modules:session_edit", args=[session.pk])
    client.force_login(UserFactory(role="volunteer"))
    assert client.get(edit).status_code == 404
    client.force_login(session.volunteer)
    response = client.post(
        edit,
        {
            "day": "2027-05-06",
            "start_time": "14:00",
            "end_time": "16:00",
            "topic": "Aimants",
            "reason": "Visite médicale",
        },
    )
    assert response.status_code == 200  # re-displayed with the error, typed values kept
    page = response.content.decode()
    assert "Ascension" in page and 'value="Aimants"' in page and "Visite médicale" in page

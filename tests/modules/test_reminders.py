"""Reminders of the sessions in two days: one e-mail to each party, once."""

import threading
from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.db import connection

from astep.accounts.models import Role
from astep.accounts.tasks import send_email
from astep.modules import reminders
from astep.modules.models import Session
from astep.modules.tasks import session_reminders_send
from tests.conftest import wait_for
from tests.factories import EcoleFactory, ModuleFactory, SessionFactory, UserFactory

TODAY = date(2031, 3, 10)  # a Monday: the sessions to remind are on Wednesday 12 March
IN_TWO_DAYS = TODAY + timedelta(days=2)


def session_of(name: str, day: date = IN_TWO_DAYS, **kwargs) -> Session:
    """A session whose teacher is prof-<name>@ and volunteer bene-<name>@example.test."""
    module = ModuleFactory(
        request__school_class__teacher=UserFactory(email=f"prof-{name}@example.test"),
        volunteer=UserFactory(role=Role.VOLUNTEER, email=f"bene-{name}@example.test"),
    )
    return SessionFactory(module=module, date=day, **kwargs)


def run(capture) -> int:
    with capture(execute=True):  # the e-mails leave once the claim commits
        return session_reminders_send.delay(today=TODAY.isoformat()).get()


def recipients(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


def test_each_party_is_reminded_once_however_often_the_task_runs(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    planned = session_of("a")
    moved = session_of("b", status="moved")
    session_of("tomorrow", day=TODAY + timedelta(days=1))
    session_of("in-three-days", day=TODAY + timedelta(days=3))
    session_of("cancelled", status="cancelled")

    assert run(django_capture_on_commit_callbacks) == 2
    assert run(django_capture_on_commit_callbacks) == 0

    assert recipients(mailoutbox) == [
        "bene-a@example.test",
        "bene-b@example.test",
        "prof-a@example.test",
        "prof-b@example.test",
    ]
    assert all(len(message.to) == 1 for message in mailoutbox)
    reminded = Session.objects.exclude(reminder_sent_at=None)
    assert set(reminded.values_list("pk", flat=True)) == {planned.pk, moved.pk}


def test_the_reminder_says_when_where_and_what(db, mailoutbox, django_capture_on_commit_callbacks):
    session = session_of(
        "a",
        start_time=time(9, 30),
        end_time=time(11, 0),
        topic="Les ombres et la lumière",
    )
    ecole = session.module.request.school_class.ecole
    ecole.name, ecole.address, ecole.postcode, ecole.commune_name = (
        "École Jules Ferry",
        "3 rue des Écoles",
        "35500",
        "Vitré",
    )
    ecole.save()

    run(django_capture_on_commit_callbacks)

    message = next(m for m in mailoutbox if m.to == ["prof-a@example.test"])
    assert message.subject == "[ASTEP] Rappel : séance du 12/03/2031 à 09:30"
    assert "mercredi 12 mars 2031, de 09:30 à 11:00" in message.body
    assert "École Jules Ferry, 3 rue des Écoles, 35500 Vitré" in message.body
    assert "Contenu prévu : Les ombres et la lumière" in message.body
    module_pk = session.module_id
    assert f"http://127.0.0.1:8000/modules/{module_pk}/\n" in message.body
    assert f"http://127.0.0.1:8000/modules/{module_pk}/calendrier.ics" in message.body


def test_an_inactive_party_is_not_written_to(db, mailoutbox, django_capture_on_commit_callbacks):
    session = session_of("a")
    volunteer = session.module.volunteer
    volunteer.is_active = False
    volunteer.save(update_fields=["is_active"])

    assert run(django_capture_on_commit_callbacks) == 1

    assert recipients(mailoutbox) == ["prof-a@example.test"]


@pytest.mark.parametrize("count", [1, 5])
def test_the_batch_costs_a_claim_and_a_read_per_session(db, django_assert_max_num_queries, count):
    module = ModuleFactory(request__school_class__ecole=EcoleFactory())
    for hour in range(count):
        SessionFactory(
            module=module, date=IN_TWO_DAYS, start_time=time(8 + hour), end_time=time(9 + hour)
        )

    # 1 listing, then per session: savepoint, claim (UPDATE), read, the e-mails' outbox
    # rows (one INSERT), release.
    with django_assert_max_num_queries(1 + 5 * count):
        assert reminders.session_reminders_send(today=TODAY) == count


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_runs_remind_each_session_once(mailoutbox):
    sessions = [session_of(str(n)) for n in range(10)]
    start = threading.Barrier(2)
    counts = []

    def worker():
        start.wait()
        try:
            counts.append(reminders.session_reminders_send(today=TODAY))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(counts) == len(sessions)
    assert len(mailoutbox) == 2 * len(sessions)
    assert len(set(recipients(mailoutbox))) == 2 * len(sessions)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_sends_the_reminders_and_a_second_run_sends_none(celery_worker_on_redis):
    session = session_of("a")

    session_reminders_send.delay(today=TODAY.isoformat())

    expected = ["bene-a@example.test", "prof-a@example.test"]
    assert wait_for(lambda: recipients(mail.outbox) == expected)
    assert Session.objects.get(pk=session.pk).reminder_sent_at is not None

    session_reminders_send.delay(today=TODAY.isoformat())
    # The solo worker runs its queue in order: once a marker e-mail queued after the second
    # run arrives, then a second marker queued after that, whatever the run queued is sent.
    for marker in ("marque-1@example.test", "marque-2@example.test"):
        send_email.delay([marker], "marqueur", "")
        assert wait_for(lambda m=marker: any(msg.to == [m] for msg in mail.outbox))
    assert recipients(mail.outbox) == sorted(
        [*expected, "marque-1@example.test", "marque-2@example.test"]
    )

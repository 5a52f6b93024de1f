"""The outbox: work written with its data, published after commit, replayed when the
broker was down, and run once however many times its message comes."""

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.db import transaction

from astep.accounts.models import Role
from astep.accounts.services import user_notify
from astep.accounts.tasks import send_email
from astep.outbox.models import OutboxTask
from astep.outbox.queue import outbox_replay
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def notify(*emails: str) -> None:
    user_notify(
        recipients=[UserFactory(email=email, role=Role.TEACHER) for email in emails],
        subject="Essai",
        template="account_inactive",
        context={"user": None, "deadline": None},
    )


def test_an_email_is_written_in_the_outbox_and_sent_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        notify("a@example.test", "b@example.test")
        assert mail.outbox == []  # nothing leaves before the commit

    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.test", "b@example.test"]
    rows = OutboxTask.objects.order_by("pk")
    assert [row.args[0] for row in rows] == [["a@example.test"], ["b@example.test"]]
    assert all(row.sent_at and row.done_at for row in rows)


def test_a_rolled_back_form_sends_nothing_and_leaves_nothing_to_replay(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notify("a@example.test")
            raise RuntimeError("the form failed after queueing its e-mail")

    assert mail.outbox == [] and not OutboxTask.objects.exists()


def test_the_replay_sends_what_was_never_published_and_only_that():
    unsent = OutboxTask.objects.create(
        task_name=send_email.name, args=[["a@example.test"], "[ASTEP] Essai", "Bonjour"]
    )
    OutboxTask.objects.create(
        task_name=send_email.name, args=[["b@example.test"], "[ASTEP] Déjà", "Bonjour"]
    )
    OutboxTask.objects.filter(args__0=["b@example.test"]).update(sent_at=unsent.created_at)

    assert outbox_replay() == 1
    assert outbox_replay() == 0
    assert [m.to for m in mail.outbox] == [["a@example.test"]]


def test_a_message_delivered_twice_sends_its_email_once():
    row = OutboxTask.objects.create(
        task_name=send_email.name, args=[["a@example.test"], "[ASTEP] Essai", "Bonjour"]
    )

    for _ in range(2):  # a redelivery after a lost acknowledgement: same task id
        send_email.apply(row.args, task_id=f"outbox-{row.pk}")

    assert [m.to for m in mail.outbox] == [["a@example.test"]]


def test_the_replay_runs_every_minute_on_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-replay"]
    assert entry["task"] == "astep.outbox.tasks.outbox_replay_run"
    assert entry["schedule"] == crontab()  # every minute

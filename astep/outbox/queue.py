"""Hand work to Celery without losing it when the broker is down, and run it once.

`enqueue` writes an OutboxTask row in the caller's transaction and publishes it once the
transaction commits, in bounded time (`publish`: at once on a stopped Redis, about 2 s on
a hung one). A publish that fails leaves the row unsent;
`outbox_replay` (celery beat, every minute, so it runs as soon as the broker is back)
publishes it again. A row is claimed with a conditional UPDATE before each publish, so
the request's hook and the replay never publish it together. A publish that went
through but was not recorded (process killed in between) is published again: the
message carries the row's id as its Celery task id, and `run_once` makes the second
run do nothing.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from functools import partial

from celery import Task
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from astep.outbox.models import OutboxTask

logger = logging.getLogger(__name__)

# A claim not followed by `sent_at` within this time belongs to a process that died
# mid-publish (a publish lasts at most a few seconds): the row may be claimed again.
CLAIM_EXPIRES = timedelta(minutes=1)
# Sent rows are kept this long (far beyond the broker's one-hour redelivery) then deleted.
KEEP_SENT = timedelta(days=7)
TASK_ID_PREFIX = "outbox-"
# First key of the PostgreSQL advisory locks (`run_lock`) that guard an outbox task's run.
OUTBOX_LOCK = 1
# After a failed publish, this process leaves the broker alone for this long (seconds):
# a form that sends several e-mails waits for one timeout, not one per e-mail.
BROKER_REST = 5.0
_broker_down_until = 0.0
# The rows `enqueue` keeps for one INSERT at the end of an `outbox_batch` block.
_batch: ContextVar[list[OutboxTask] | None] = ContextVar("outbox_batch", default=None)


def enqueue(task: Task, *args) -> OutboxTask:
    """Run `task(*args)` on a worker once the current transaction commits; never lose it.

    `args` must be JSON-serialisable (primary keys, strings). Returns the outbox row,
    written in the caller's transaction (inside `outbox_batch`, at the end of the block):
    a rollback drops the work with the data.
    """
    row = OutboxTask(task_name=task.name, args=list(args))
    batch = _batch.get()
    if batch is not None:
        batch.append(row)
        return row
    row.save()
    transaction.on_commit(partial(outbox_send, row))
    return row


@contextmanager
def outbox_batch() -> Iterator[None]:
    """Write the rows of every `enqueue` in the block with one INSERT when it ends.

    For batch services that notify many users: their query count stays the same
    whatever the number of e-mails. Nothing is written if the block raises. Inside
    another batch, the rows join the outer one.
    """
    if _batch.get() is not None:
        yield
        return
    token = _batch.set([])
    try:
        yield
        rows = OutboxTask.objects.bulk_create(_batch.get())
    finally:
        _batch.reset(token)
    for row in rows:
        transaction.on_commit(partial(outbox_send, row))


def publish(task: Task, args: list, *, task_id: str | None = None) -> bool:
    """Give `task(*args)` to the broker; True if it took it, False if it is unreachable.

    The time is bounded by CELERY_TASK_PUBLISH_RETRY_POLICY and the broker's socket
    timeouts (CELERY_BROKER_TRANSPORT_OPTIONS): about 2 s on a hung Redis, for the
    first publish only; for BROKER_REST seconds after a failure, this process answers
    False at once.
    """
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return False
    try:
        task.apply_async(args, task_id=task_id)
    except OperationalError:
        _broker_down_until = time.monotonic() + BROKER_REST
        logger.warning("Broker unreachable: %s waits (task id %s)", task.name, task_id)
        return False
    return True


def outbox_send(row: OutboxTask) -> bool | None:
    """Publish outbox `row` if nobody else is doing it: True if the broker took it, False if
    it refused it (the row waits for the replay), None if another process has the row."""
    from astep.celery import app

    now = timezone.now()
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_EXPIRES)
    rows = OutboxTask.objects.filter(pk=row.pk)
    if not rows.filter(claimable, sent_at__isnull=True).update(claimed_at=now):
        return None
    sent = publish(app.tasks[row.task_name], row.args, task_id=f"{TASK_ID_PREFIX}{row.pk}")
    rows.update(**({"sent_at": timezone.now()} if sent else {"claimed_at": None}))
    return sent


def outbox_replay() -> int:
    """Publish the outbox rows still unsent, oldest first; returns how many went.

    Stops at the first failure (the broker is still down: the next run tries again), and
    deletes the rows sent more than KEEP_SENT ago.
    """
    OutboxTask.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    sent = 0
    for row in OutboxTask.objects.filter(sent_at__isnull=True).order_by("created_at", "pk"):
        outcome = outbox_send(row)
        if outcome is False:
            break  # the broker refused it: the next run tries again
        sent += bool(outcome)
    return sent


@contextmanager
def run_lock(namespace: int, key: int) -> Iterator[bool]:
    """Hold the PostgreSQL advisory lock (namespace, key) for the block; yield whether we got it.

    Not waiting: False means a live run holds it. The lock belongs to the database
    session, so a worker killed mid-run (SIGKILL, lost machine) loses it with its
    connection, and a redelivered run may take over at once, with no time window to guess.
    Other databases (SQLite, the development default of `make run`) have no such lock and
    run tasks in the one web process: the lock is then always granted.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [namespace, key])
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [namespace, key])


@contextmanager
def run_once(task_id: str | None) -> Iterator[bool]:
    """Yield True if the run of Celery task `task_id` should do its work, then mark it done.

    For tasks queued by `enqueue` (task id "outbox-<row>"): False when the row is done
    or another live run has it (`run_lock`). The row is marked done only if the block
    ends without error, so a failed or killed run is done again. Other task ids (a
    direct call, eager mode) always run.
    """
    if not (task_id or "").startswith(TASK_ID_PREFIX):
        yield True
        return
    row_id = int(task_id.removeprefix(TASK_ID_PREFIX))
    with run_lock(OUTBOX_LOCK, row_id) as locked:
        if not locked or OutboxTask.objects.filter(pk=row_id, done_at__isnull=False).exists():
            yield False
            return
        yield True
        OutboxTask.objects.filter(pk=row_id).update(done_at=timezone.now())

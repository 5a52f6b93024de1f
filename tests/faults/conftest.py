"""A private Redis on loopback that a test stops and starts, the Celery app pointed at it,
and real worker processes on it; everything is stopped when the test ends."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

REDIS_PORT = 6392  # private to these tests: the local Redis on 6379 is never touched
HUNG_PORT = 6393  # a listener that accepts and never answers: a hung Redis
BROKER_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


class PrivateRedis:
    """A throw-away redis-server on 127.0.0.1:REDIS_PORT, without persistence."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(REDIS_PORT), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not _answers(REDIS_PORT):
            if time.monotonic() > deadline:
                pytest.fail("the private redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis():
    """A started PrivateRedis; the test may stop and start it again."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    if _answers(REDIS_PORT):
        pytest.fail(f"port {REDIS_PORT} is already taken")
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def point_app_at(url: str):
    """Point the Celery app at the broker `url`, tasks no longer eager; returns the app."""
    from astep.celery import app

    app.conf.broker_url = url
    app._pool, app.amqp._producer_pool = None, None  # forget connections to the old broker
    app.conf.task_always_eager = False
    return app


@pytest.fixture
def celery_app():
    """The Celery app, given back as it was (eager, the test broker) when the test ends."""
    from astep.celery import app

    old_url = app.conf.broker_url
    yield app
    app.conf.task_always_eager = True
    app.conf.broker_url = old_url
    app._pool, app.amqp._producer_pool = None, None


@pytest.fixture
def hung_redis():
    """A TCP listener on HUNG_PORT that takes connections and never says a word."""
    listener = socket.create_server(("127.0.0.1", HUNG_PORT), backlog=50)
    try:
        yield f"redis://127.0.0.1:{HUNG_PORT}/0"
    finally:
        listener.close()


class WorkerProcesses:
    """`celery -A astep worker` processes on the private Redis and the test database."""

    def __init__(self, mail_dir: Path) -> None:
        self.mail_dir = mail_dir
        self.processes: list[subprocess.Popen] = []

    def start(self, **env) -> subprocess.Popen:
        db = connection.settings_dict
        database_url = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "astep", "worker", "--pool=solo"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat"]
            + ["--prefetch-multiplier=1", "--loglevel=WARNING"],
            cwd=settings.BASE_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "astep.test_settings",
                "TEST_DATABASE_URL": database_url,
                "TEST_CELERY_BROKER_URL": BROKER_URL,
                "TEST_REPORTS_ROOT": str(settings.STORAGES["reports"]["OPTIONS"]["location"]),
                "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "TEST_EMAIL_FILE_PATH": str(self.mail_dir),
                # A dead worker's unacknowledged task comes back after 3 s, not an hour.
                "TEST_BROKER_VISIBILITY_TIMEOUT": "3",
                **env,
            },
        )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)


@pytest.fixture
def worker_processes(tmp_path):
    """Start worker processes with `.start(**env)`; all are killed when the test ends."""
    workers = WorkerProcesses(tmp_path / "mail")
    workers.mail_dir.mkdir()
    try:
        yield workers
    finally:
        workers.stop_all()

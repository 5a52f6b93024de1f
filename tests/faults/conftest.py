"""A hung Redis, and real worker processes on the private Redis (tests/brokers.py);
everything is stopped when the test ends."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.brokers import BROKER_URL

HUNG_PORT = 6393  # a listener that accepts and never answers: a hung Redis


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

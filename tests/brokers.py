"""A private Redis on loopback for the tests that stop and start the broker, and the
Celery app pointed at it (fixtures `private_redis` and `celery_app` in tests/conftest.py)."""

import shutil
import socket
import subprocess
import time

import pytest

REDIS_PORT = 6392  # private to these tests: the local Redis on 6379 is never touched
BROKER_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"


def answers(port: int) -> bool:
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
        while not answers(REDIS_PORT):
            if time.monotonic() > deadline:
                pytest.fail("the private redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def point_app_at(url: str):
    """Point the Celery app at the broker `url`, tasks no longer eager; returns the app."""
    from astep.celery import app

    app.conf.broker_url = url
    app._pool, app.amqp._producer_pool = None, None  # forget connections to the old broker
    app.conf.task_always_eager = False
    return app

import socket
import time

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

# Port 1 (tcpmux) is never served here: connecting is refused at once.
DEAD_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def silent_broker():
    """A loopback socket that accepts connections (kernel backlog) but never replies."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


def test_it_answers_ok_to_an_anonymous_caller_when_database_and_broker_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_answers_503_within_3_seconds_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = DEAD_BROKER

    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "error"}
    assert elapsed < 3


def test_it_answers_503_within_3_seconds_when_the_broker_never_replies(
    client, settings, silent_broker
):
    settings.CELERY_BROKER_URL = silent_broker

    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "error"}
    assert elapsed < 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_answers_503_when_the_database_is_down(client):
    # Reconnect to a port where no PostgreSQL listens: what the web sees of a dead database.
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port

    assert response.status_code == 503
    assert response.json() == {"database": "error", "broker": "ok"}


def test_it_tells_no_address_nor_error_message(client, settings):
    settings.CELERY_BROKER_URL = "redis://:s3cret-password@127.0.0.1:1/0"

    response = client.get("/healthz")

    assert b"s3cret" not in response.content
    assert b"127.0.0.1" not in response.content
    assert b"refused" not in response.content.lower()


def test_it_needs_no_broker_in_development(client, settings):
    settings.CELERY_BROKER_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "absent"}

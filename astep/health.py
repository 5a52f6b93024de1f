"""The health check of the container orchestrator and the monitoring: database and broker."""

import logging

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import Error as DatabaseError
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# A health check must answer before the orchestrator's own timeout (5 s in
# docker-compose.yml), even when Redis accepts connections but never replies.
BROKER_TIMEOUT_SECONDS = 1.0


def database_status() -> str:
    """Run `SELECT 1` on the default database; return "ok" or "error"."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        # One line per failed check: the orchestrator calls every few seconds.
        logger.warning("Health check: the database does not answer: %s", error)
        return "error"
    return "ok"


def broker_status() -> str:
    """Ping the Redis broker of CELERY_BROKER_URL within BROKER_TIMEOUT_SECONDS.

    Returns "ok", "error", or "absent" when no broker is configured (development: tasks
    then run in the request's process, so nothing waits on a broker).
    """
    if not settings.CELERY_BROKER_URL:
        return "absent"
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
        socket_timeout=BROKER_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.RedisError as error:
        logger.warning("Health check: the broker does not answer: %s", error)
        return "error"
    finally:
        client.close()
    return "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request) -> JsonResponse:
    """Answer 200 with `{"database": "ok", "broker": "ok"}`, or 503 naming what failed.

    Anonymous on purpose (the orchestrator has no account); it says only "ok", "error" or
    "absent" per component, never an address or an error message (those go to the logs).
    """
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = "error" not in checks.values()
    return JsonResponse(checks, status=200 if healthy else 503)

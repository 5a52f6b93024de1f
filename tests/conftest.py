from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
ANNUAIRE_35 = SHARED_DATA / "fr-en-annuaire-education_35-ille-et-vilaine_2023.csv"
COMMUNES = SHARED_DATA / "communes-france_cog-mairies.csv"
EFFECTIFS_35 = SHARED_DATA / "fr-en-ecoles-effectifs-nb_classes_35-ille-et-vilaine_2019-2022.csv"


def shared_file(path: Path) -> Path:
    """Return `path`, or skip the test when ../shared/data does not hold it."""
    if not path.exists():
        pytest.skip(f"real data absent: {path} (../shared/data is not beside the project)")
    return path


@pytest.fixture
def annuaire_35() -> Path:
    return shared_file(ANNUAIRE_35)


@pytest.fixture
def communes_csv() -> Path:
    return shared_file(COMMUNES)


@pytest.fixture
def client_factory():
    """Make independent test clients: one browser per person."""
    from django.test import Client

    return Client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Start every test with an empty cache: allauth keeps its rate limits there."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _broker_not_resting():
    """Start every test trusting the broker: a fault test's failed publish makes this
    process leave the broker alone for a few seconds (astep.outbox.queue.BROKER_REST)."""
    from astep.outbox import queue

    queue._broker_down_until = 0.0


@pytest.fixture
def celery_worker_on_redis():
    """A real Celery worker (solo pool, in a thread) consuming from the local Redis.

    Tests using it need `django_db(transaction=True)`: the worker reads committed rows.
    """
    from celery.contrib.testing.worker import start_worker

    from astep.celery import app

    app.conf.task_always_eager = False
    app.control.purge()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        app.conf.task_always_eager = True


def wait_for(predicate, timeout: float = 20.0) -> bool:
    """Poll `predicate` every 0.1 s until it is true or `timeout` seconds pass."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Make sure the rows of the data migrations are in the test database.

    Transactional tests (the real Celery worker's) flush every table when they end; with
    --reuse-db the next session would start without départements or charter. Reload
    them, and take the snapshot that serialized rollback restores again.
    """
    from django.db import connection

    from astep.territory.models import Academie, Departement, RegionAcademique
    from astep.territory.referential import referential_load
    from astep.volunteers.charter_2010 import charter_2010_publish
    from astep.volunteers.models import CharterVersion

    with django_db_blocker.unblock():
        if not Departement.objects.exists() or not CharterVersion.objects.exists():
            referential_load(
                region_model=RegionAcademique,
                academie_model=Academie,
                departement_model=Departement,
            )
            charter_2010_publish(version_model=CharterVersion)
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def _french_after_each_test():
    """Give every test French back: the locale middleware leaves a request's language active
    on the thread, so one English request would turn the next tests' messages English."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def campaign(db):
    """This school year's survey campaign, opened 10 days ago, closing in 30 days."""
    from datetime import date, timedelta

    from astep.school_year import current_school_year
    from surveys.models import Campaign

    return Campaign.objects.create(
        school_year=current_school_year(),
        opens_on=date.today() - timedelta(days=10),
        closes_on=date.today() + timedelta(days=30),
    )


@pytest.fixture
def private_redis():
    """A started PrivateRedis; the test may stop and start it again."""
    import shutil

    from tests.brokers import REDIS_PORT, PrivateRedis, answers

    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    if answers(REDIS_PORT):
        pytest.fail(f"port {REDIS_PORT} is already taken")
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def celery_app():
    """The Celery app, given back as it was (eager, the test broker) when the test ends."""
    from astep.celery import app

    old_url = app.conf.broker_url
    yield app
    app.conf.task_always_eager = True
    app.conf.broker_url = old_url
    app._pool, app.amqp._producer_pool = None, None

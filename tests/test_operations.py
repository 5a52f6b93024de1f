"""The backup and restore of docs/operations.md, run for real on the test database."""

import shutil
import subprocess

import psycopg
import pytest
from django.db import connection
from psycopg import sql
from psycopg.conninfo import make_conninfo

from tests.factories import SessionFactory

pytestmark = [
    # pg_dump reads from its own connection: the rows must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore")),
        reason="pg_dump or pg_restore is not on PATH (PostgreSQL client tools)",
    ),
]


def conninfo(dbname: str) -> str:
    """The libpq connection string of the test server, on database `dbname`."""
    db = connection.settings_dict
    params = {
        "host": db["HOST"],
        "port": db["PORT"],
        "user": db["USER"],
        "password": db["PASSWORD"],
    }
    return make_conninfo(
        dbname=dbname, **{key: str(value) for key, value in params.items() if value}
    )


def snapshot(dbname: str) -> dict[str, dict]:
    """Row count of every table, last value of every sequence, and the constraints."""
    with psycopg.connect(conninfo(dbname)) as conn:
        tables = [
            row[0]
            for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        counts = {
            table: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }
        sequences = dict(
            conn.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            )
        )
        constraints = sorted(
            row[0]
            for row in conn.execute(
                "SELECT conname FROM pg_constraint JOIN pg_namespace n ON n.oid = connamespace WHERE n.nspname = 'public'"
            )
        )
    return {"counts": counts, "sequences": sequences, "constraints": constraints}


@pytest.fixture
def scratch_database():
    """An empty database named after the test database + "_restore", dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(conninfo("postgres"), autocommit=True) as admin:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield name
        finally:
            admin.execute(drop)


def test_a_dump_restored_into_an_empty_database_has_every_row_back(tmp_path, scratch_database):
    SessionFactory.create_batch(3)
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "astep.dump"

    subprocess.run(
        ["pg_dump", "-Fc", "--file", dump, "--dbname", conninfo(source)], check=True, timeout=120
    )
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "--dbname",
            conninfo(scratch_database),
            dump,
        ],
        check=True,
        timeout=120,
    )

    original, restored = snapshot(source), snapshot(scratch_database)
    assert restored["counts"] == original["counts"]
    assert original["counts"]["modules_session"] == 3
    assert original["counts"]["territory_departement"] > 100
    # Sequences where they were, so that the next row gets a fresh key.
    assert restored["sequences"] == original["sequences"]
    # The rules PostgreSQL enforces, e.g. no_overlapping_sessions, come back too.
    assert restored["constraints"] == original["constraints"]
    assert "no_overlapping_sessions" in restored["constraints"]

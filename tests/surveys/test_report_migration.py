"""Migration surveys 0003: the CSV bilans stored as text before become stored files."""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE, AFTER = (
    ("surveys", "0002_campaign_sessions_max_campaign_sessions_min_and_more"),
    (
        "surveys",
        "0003_report_files",
    ),
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_csv_bilan_built_before_keeps_its_content_as_its_file():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps.get_model("surveys", "Report")
        report = old.objects.create(
            school_year="2024-2025", scope="national", status="ready", content="Niveau;Classes\r\n"
        )
        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
        new = executor.loader.project_state([AFTER]).apps.get_model("surveys", "Report")
        migrated = new.objects.get(pk=report.pk)
        with migrated.file.open("rb") as stored:
            data = stored.read()
    finally:
        # Back to the latest schema of every app, for the tests that follow.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert data == "\ufeffNiveau;Classes\r\n".encode()
    assert (migrated.format, migrated.checksum, migrated.size) == (
        "csv",
        hashlib.sha256(data).hexdigest(),
        len(data),
    )

"""The English catalogue is complete: `makemessages` then `compilemessages` leave no string
untranslated (issue 7)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

PO = Path("en") / "LC_MESSAGES" / "django.po"


@pytest.fixture
def catalogue_copy(tmp_path, settings, monkeypatch):
    """The project's sources and catalogue copied to a folder makemessages may rewrite.

    makemessages files every string under the `locale` folder found beside the sources,
    so it must run in a copy: in the project itself it would rewrite the real catalogue.
    """
    project = tmp_path / "project"
    shutil.copytree(
        settings.BASE_DIR,
        project,
        ignore=shutil.ignore_patterns(".*", "node_modules", "var", "tests", "docs", "*.pyc"),
    )
    settings.LOCALE_PATHS = [project / "locale"]
    monkeypatch.chdir(project)
    return project / "locale"


def test_makemessages_leaves_no_english_string_untranslated(catalogue_copy):
    call_command(
        "makemessages",
        locale=["en"],
        no_location=True,
        verbosity=0,
    )
    statistics = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", catalogue_copy / PO],
        capture_output=True,
        text=True,
        check=True,
    ).stderr

    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics


def test_the_committed_compiled_catalogue_matches_its_source(tmp_path):
    source = settings.BASE_DIR / "locale" / PO
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", compiled, source], check=True)

    assert compiled.read_bytes() == source.with_suffix(".mo").read_bytes()

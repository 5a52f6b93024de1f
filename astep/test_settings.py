"""Test overrides: PostgreSQL always, eager tasks, in-memory e-mail, fast hashing."""

import os
import tempfile
from pathlib import Path

import dj_database_url

from astep.settings import *  # noqa: F403

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/astep")
    )
}
CELERY_BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
CELERY_TASK_ALWAYS_EAGER = True
# tests/faults run workers in other processes: e-mails in files they can count, a build
# slow enough to kill, a broker that redelivers a dead worker's task within seconds.
EMAIL_BACKEND = os.environ.get(
    "TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
EMAIL_FILE_PATH = os.environ.get("TEST_EMAIL_FILE_PATH")
REPORTS_TEST_PAUSE = float(os.environ.get("TEST_REPORTS_PAUSE", "0"))
if os.environ.get("TEST_BROKER_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "visibility_timeout": int(os.environ["TEST_BROKER_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "proofs": {
        "BACKEND": "astep.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": Path(tempfile.gettempdir()) / "astep-test-proofs"},
    },
    "reports": {
        "BACKEND": "astep.storage.PrivateFileSystemStorage",
        "OPTIONS": {
            "location": Path(
                os.environ.get("TEST_REPORTS_ROOT", tempfile.mkdtemp("-astep-reports"))
            ),
            "allow_overwrite": True,
        },
    },
}

# A real OpenID provider (django-oidc-provider) that the ProConnect login tests reach over
# HTTP on the live server (tests/proconnect/): test settings only, never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "oidc_provider"]  # noqa: F405
OIDC_EXTRA_SCOPE_CLAIMS = "tests.proconnect.idp.ProConnectScopeClaims"

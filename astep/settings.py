"""Settings of the ASTEP portal, read from environment variables.

Defaults serve development only: a SQLite file under var/, tasks run in-process,
e-mails printed on the console. Production sets every variable of the README table.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable: 1/true/yes/on (any case) are true."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Read an integer variable."""
    return int(os.environ.get(name, default))


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# Development defaults only: with DEBUG off, both must come from the environment.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not (SECRET_KEY and ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "SECRET_KEY and ALLOWED_HOSTS must be set when DEBUG is off (see .env.example)."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "widget_tweaks",
    "django_filters",
    "dsfr",
    "astep.accounts",
    "astep.territory",
    "astep.partners",
    "astep.volunteers",
    "astep.classes",
    "astep.modules",
    "matching",
    "surveys",
    "astep.outbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "astep.urls"
WSGI_APPLICATION = "astep.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "astep.navigation.main_navigation",
            ],
            "libraries": {"form_errors": "astep.form_errors"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'astep.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's default random_page_cost (4) prices an index read for a spinning disk; on
    # SSDs with the working set in memory, 1.1 is the usual setting. With 4 the planner
    # scanned all 52,000 classes to find one département's requests (13 ms instead of 2.5 on
    # the load test's national data, benchmarks/load/README.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c random_page_cost=1.1"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: login by e-mail, no username, mandatory verification.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "astep.accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "astep.accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ASTEP] "

# ProConnect, the state agents' OpenID Connect: a login for teachers and staff, through
# allauth's openid_connect provider (astep/accounts/proconnect/). Without a client id, no
# ProConnect app exists and the login page shows no button. A new account arriving by
# ProConnect is a teacher (the model's default role); staff roles stay granted by an
# administrator, and an account the administrator opened is found by its e-mail address
# (ProConnect hands out verified professional addresses only).
PROCONNECT_CLIENT_ID = os.environ.get("PROCONNECT_CLIENT_ID", "")
PROCONNECT_SERVER_URL = os.environ.get(
    "PROCONNECT_SERVER_URL", "https://auth.agentconnect.gouv.fr/api/v2"
)
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "astep.accounts.proconnect.provider.ProConnectProvider",
        "APPS": [
            {
                "provider_id": "proconnect",
                "name": "ProConnect",
                "client_id": PROCONNECT_CLIENT_ID,
                "secret": os.environ.get("PROCONNECT_CLIENT_SECRET", ""),
                "settings": {"server_url": PROCONNECT_SERVER_URL},
            }
        ]
        if PROCONNECT_CLIENT_ID
        else [],
    }
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"

# Proofs of level are personal data: stored outside any public tree, served by a view
# that checks the role and scope.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": BASE_DIR / "var" / "media"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "proofs": {
        "BACKEND": "astep.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT / "proofs"},
    },
    # The bilans: a rebuild writes the same name again (one file per report row).
    "reports": {
        "BACKEND": "astep.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT / "reports", "allow_overwrite": True},
    },
}
FILE_UPLOAD_PERMISSIONS = 0o600

# Absolute address of the portal, for links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# The legal notice (/mentions-legales/) names the host and the director of publication.
LEGAL_HOSTING = os.environ.get(
    "LEGAL_HOSTING", "Hébergeur à préciser (nom, adresse et téléphone) avant la mise en ligne"
)
LEGAL_PUBLICATION_DIRECTOR = os.environ.get(
    "LEGAL_PUBLICATION_DIRECTOR", "Le directeur général de l'enseignement scolaire (DGESCO)"
)

# Production (DEBUG off): HTTPS only, behind a reverse proxy that terminates TLS; static
# files served by gunicorn through WhiteNoise, with hashed names cached for a year.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The container health check calls /healthz over plain HTTP from inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)
    # Trust X-Forwarded-Proto only when a proxy we run sets it (and strips the client's).
    if env_bool("BEHIND_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CRISPY_ALLOWED_TEMPLATE_PACKS = ["dsfr_crispy"]
CRISPY_TEMPLATE_PACK = "dsfr_crispy"
FORM_RENDERER = "astep.forms.DsfrFormRenderer"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "ASTEP <ne-pas-repondre@astep.education.gouv.fr>"
)

# Without a broker, tasks run in the request's process: enough to try the portal.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged once done, and given back to the broker if its worker process
# dies, so a killed worker loses nothing; the tasks are idempotent (docs/operations.md).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# A request never waits long on a dead or hung Redis: one connection try of at most 1 s,
# one retry 0.2 s later, then the work waits in the outbox (astep/outbox/queue.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0.2,
    "interval_step": 0,
    "interval_max": 0.2,
}
# A late-acked task whose broker connection drops is redelivered, so stop running it (the
# tasks are idempotent); the default changes to this in Celery 6.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TIMEZONE = TIME_ZONE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs each rendering step and every SVG property it skips (matplotlib's
    # charts), fontTools each table it subsets: hundreds of lines per PDF bilan.
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

# Seconds a report build sleeps before its first query: 0 except in tests/faults, which
# kill a worker mid-build.
REPORTS_TEST_PAUSE = 0

# Days a volunteer and a teacher have to answer a proposal before it expires.
MATCHING_PROPOSAL_DAYS = int(os.environ.get("MATCHING_PROPOSAL_DAYS", "10"))

# Reminders of the survey campaign to the départements that have not submitted: days before
# it closes.
SURVEY_REMINDER_DAYS = [int(d) for d in env_list("SURVEY_REMINDER_DAYS", "14,7,2")]

# Periodic tasks, run by `celery -A astep beat`; hours are CELERY_TIMEZONE (Europe/Paris).

CELERY_BEAT_SCHEDULE = {
    "accounts-retention": {
        "task": "astep.accounts.tasks.accounts_retention_run",
        "schedule": crontab(hour=3, minute=30),
    },
    "session-reminders": {
        "task": "astep.modules.tasks.session_reminders_send",
        "schedule": crontab(hour=7, minute=0),
    },
    "requests-close-year": {
        "task": "astep.classes.tasks.requests_close_year",
        "schedule": crontab(hour=2, minute=0),
    },
    "proposals-expire": {
        "task": "matching.tasks.proposals_expire",
        "schedule": crontab(minute=15),
    },
    "campaign-reminders": {
        "task": "surveys.tasks.campaign_reminders_send",
        "schedule": crontab(hour=8, minute=0),
    },
    "outbox-replay": {
        "task": "astep.outbox.tasks.outbox_replay_run",
        "schedule": crontab(),  # every minute: the work queued while the broker was down
    },
    "reports-sweep": {
        "task": "surveys.tasks.reports_sweep",
        "schedule": crontab(),  # every minute: a report waiting for a broker that is back
    },
    "reports-nightly": {
        "task": "surveys.tasks.reports_nightly",
        "schedule": crontab(hour=2, minute=30),
    },
}

# --- Security (issue 8, ASVS 5.0 level 2): deny by default, CSP, MFA, rate limits, audit log.
# Kept in one block (docs/operations.md, "Sécurité") so the other security work merges beside it.
INSTALLED_APPS += ["allauth.mfa", "auditlog"]
MIDDLEWARE += [
    # Every view needs a signed-in user unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "astep.accounts.mfa.MfaRequiredMiddleware",
    "csp.middleware.CSPMiddleware",
    "astep.audit.AuditlogMiddleware",
]

# No inline script or style anywhere: every script is a static file (the DSFR's too). Forms
# post only here and to FORM_ACTION_HOSTS (comma-separated origins: ProConnect's, once used).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        # The ProConnect button's form is redirected to ProConnect: browsers check
        # form-action on that redirect too.
        "form-action": [
            "'self'",
            *env_list("FORM_ACTION_HOSTS", ""),
            *(
                [urlsplit(PROCONNECT_SERVER_URL)._replace(path="").geturl()]
                if PROCONNECT_CLIENT_ID
                else []
            ),
        ],
    },
}

# allauth: the same answer whether an e-mail has an account or not; rate limits per IP and
# per account ("5/5m/key": five in five minutes on one e-mail), counted on the client's
# address: the X-Forwarded-For entry the last of ALLAUTH_TRUSTED_PROXY_COUNT proxies
# appended (production: the one TLS reverse proxy), else REMOTE_ADDR.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    # Per address, loose enough for a school or a rectorat behind one NAT address.
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password_from_key": "20/m/ip",
    # Per account: what stops guessing one person's password or flooding their mailbox.
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,3/h/key",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env_int(
    "ALLAUTH_TRUSTED_PROXY_COUNT", 0 if DEBUG or not env_bool("BEHIND_PROXY", True) else 1
)

# The rate limits and the TOTP codes already used live in the cache: in production, the
# database's (table made by `createcachetable`), so that every gunicorn worker shares them.
if not DEBUG:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "astep_cache",
        }
    }

# Multi-factor authentication: TOTP (any authenticator app) and recovery codes; required
# for the roles of accounts.models.MFA_REQUIRED_ROLES and for admins (MfaRequiredMiddleware).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "ASTEP"

# Audit log (django-auditlog, read in the Django admin): who changed what, old and new
# values, on the decisions the portal records; only the fields that carry a decision, so
# autosaved drafts and personal data stay out of it.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {
        "model": "accounts.User",
        "include_fields": [
            "role",
            "departement",
            "academie",
            "circonscription",
            "organisation",
            "is_active",
            "is_staff",
            "is_superuser",
        ],
    },
    {
        "model": "volunteers.VolunteerProfile",
        "include_fields": ["level", "verdict", "review_status", "reviewed_by", "attested_by"],
    },
    {"model": "matching.Proposal", "include_fields": ["request", "volunteer", "status"]},
    {"model": "modules.Module"},
    {
        "model": "modules.Session",
        "include_fields": ["date", "start_time", "end_time", "status", "volunteer"],
    },
    {
        "model": "surveys.DepartementalSurvey",
        "include_fields": ["status", "submitted_at", "submitted_by", "validated_at"],
    },
    {"model": "surveys.SurveyEvent"},
)

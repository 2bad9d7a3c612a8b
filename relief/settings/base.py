"""Settings shared by every environment; the environment supplies the secrets and the database."""

import os
from pathlib import Path

import dj_database_url

from .storage import default_storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("RELIEF_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "simple_history",
    "import_export",
    "django_filters",
    "django_htmx",
    "axes",
    "pgtrigger",
    "jobs",  # before django_tasks_db: its db_worker (with a heartbeat) is the one that runs
    "django_tasks",
    "django_tasks_db",
    "core",
    "accounts",
    "notifications",
    "uploads",
    "cases",
    "payments",
    "letters",
    "recuperation",
    "figures",
    "audits",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.sessions.SessionTimeoutMiddleware",
    "core.search.FullIdSearchMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "audits.middleware.RefusalLogMiddleware",
    "accounts.middleware.AuditorReadOnlyMiddleware",
    "audits.middleware.HistoryRevertGuardMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Project templates may override form templates: templates/django/forms/ adds the error summary.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "relief.urls"
WSGI_APPLICATION = "relief.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
            "builtins": ["core.templatetags.formats"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'relief.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the background worker read while the web process writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
if os.environ.get("RELIEF_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["RELIEF_TEST_DB_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # The local disk (outside any web root) or, with RELIEF_S3_BUCKET, the object store.
    "default": default_storage_from_env(os.environ, VAR_DIR / "private"),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "private"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# With nginx in front: the internal location that serves a checked file (deploy/nginx/relief.conf).
RELIEF_X_ACCEL_REDIRECT = os.environ.get("RELIEF_X_ACCEL_REDIRECT", "")

# The statistics page has the worker render the return PDF it links to (figures.returns.pdf_cache).
RELIEF_PREPARE_RETURNS = os.environ.get("RELIEF_PREPARE_RETURNS", "1") == "1"
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Workers beat every few seconds; one silent for the stale time is dead and its jobs recovered.
RELIEF_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("RELIEF_WORKER_HEARTBEAT_SECONDS", "10"))
RELIEF_WORKER_STALE_SECONDS = float(os.environ.get("RELIEF_WORKER_STALE_SECONDS", "60"))
RELIEF_JOB_MAX_ATTEMPTS = int(os.environ.get("RELIEF_JOB_MAX_ATTEMPTS", "2"))
# /readyz answers 503 when the oldest waiting job has waited longer than this.
RELIEF_READY_MAX_QUEUE_AGE_SECONDS = int(
    os.environ.get("RELIEF_READY_MAX_QUEUE_AGE_SECONDS", "300")
)

# django-axes: lock a username+address after repeated failures.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# django-csp 4: no inline scripts, no third-party origins; everything is served from here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
# Idle and absolute session limits (accounts.sessions); the cookie never outlives the latter.
RELIEF_SESSION_IDLE_SECONDS = int(os.environ.get("RELIEF_SESSION_IDLE_SECONDS", 30 * 60))
RELIEF_SESSION_MAX_SECONDS = int(os.environ.get("RELIEF_SESSION_MAX_SECONDS", 12 * 60 * 60))
SESSION_COOKIE_AGE = RELIEF_SESSION_MAX_SECONDS
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_ENABLED = True

IMPORT_EXPORT_SKIP_ADMIN_LOG = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # RELIEF_LOG_FORMAT=json: one JSON object a line, for journald or a log collector.
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if os.environ.get("RELIEF_LOG_FORMAT") == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# REST API (api/): tokens or the session, one JSON error shape, cursor pages, per-token throttle.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.SignedInAuditorsRead"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("RELIEF_API_RATE", "600/minute")},
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Relief API（职工帮扶慰问管理接口）",
    "DESCRIPTION": (
        "与页面相同的规则：范围、双人审批、预算与上限。错误统一为 "
        '`{"error": {status, code, message, fields}}`；默认中文，`Accept-Language: en` 为英文。'
        "\n\nThe same rules as the pages (scope, four-eyes, budget, caps). One error shape; "
        "Chinese by default, English with `Accept-Language: en`. See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "HardshipLevelEnum": "cases.models.HardshipLevel",
        "VisitKindEnum": "cases.models.VisitKind",
        "CampaignKindEnum": "payments.models.CampaignKind",
    },
}

# One date, date-time and number style in both languages (core/formats/).
FORMAT_MODULE_PATH = ["core.formats"]

# The audit chain's HMAC key (kept out of the database; required in production) and, after a
# rotation, the previous keys, comma-separated, so older rows still verify.
AUDIT_CHAIN_KEY = os.environ.get("AUDIT_CHAIN_KEY", "")
AUDIT_CHAIN_OLD_KEYS = [k for k in os.environ.get("AUDIT_CHAIN_OLD_KEYS", "").split(",") if k]
# Writers leave their audit rows unsealed and ask the worker to seal them: at most once per this
# many seconds per process (the seal then takes every row committed meanwhile in one pass).
AUDIT_SEAL_DELAY = float(os.environ.get("AUDIT_SEAL_DELAY", "1"))
# `verify_audit --full` on a SQLite file reads the second half of a long chain (200,000 entries
# or more) in a forked process when this is 2: half the wall time on two cores, the same CPU.
AUDIT_VERIFY_PROCESSES = int(os.environ.get("AUDIT_VERIFY_PROCESSES", "2"))

# E-mail (the daily notification digest): SMTP from the environment; the demo prints to the console.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "relief@localhost")
# Absolute links in e-mails ("https://relief.example.org").
RELIEF_SITE_URL = os.environ.get("RELIEF_SITE_URL", "http://127.0.0.1:8000")

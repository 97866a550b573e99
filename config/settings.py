"""One settings module, driven by the environment.

Defaults need nothing running (SQLite, Celery eager). Setting DATABASE_URL and
REDIS_URL switches the same code to PostgreSQL, Redis and a real Celery worker.
A malformed variable stops start-up with a message naming it, rather than
running with a guessed value.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.csp import policy as csp_policy

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"environment variable {name} is required")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false)")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None


def env_int_between(name: str, default: int, *, low: int, high: int) -> int:
    value = env_int(name, default)
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name}={value} is out of range ({low} to {high})")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str) -> str:
    """An http(s) address with a host and nothing after the path, or "" when unset."""
    from urllib.parse import urlsplit

    value = os.environ.get(name, "").strip()
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(f"{name}={value!r} is not an http(s) address such as http://minio:9000")
    return value.rstrip("/")


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, "").strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}")
    return value


# Fail closed: without settings this is production (no DEBUG) and a secret key is required.
# `make run` and the tests use config.settings_local, which supplies the local values.
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
# Keys that are published (in this repository or its history) must never sign production sessions.
KNOWN_INSECURE_KEYS = {"dev-only-insecure-key", "local-demo-only-insecure-key", "change-me-to-a-long-random-string"}
if not DEBUG and (SECRET_KEY in KNOWN_INSECURE_KEYS or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is a published or short key; set a random one of at least 50 characters"
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# "web" (gunicorn, runserver, manage.py) or "worker" (a Celery worker or beat: set by config.celery
# for `celery … worker|beat`, or by the environment): a worker's admin registers no models.
DJANGO_PROCESS = env_choice("DJANGO_PROCESS", ("web", "worker"), "web")

INSTALLED_APPS = [
    "config.admin_site.WorkerAdminConfig" if DJANGO_PROCESS == "worker" else "config.admin_site.BureauAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "import_export",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "drf_spectacular_sidecar",  # Swagger UI's files, vendored: served from STATIC_ROOT, no CDN
    "units",
    "projects",
    "targets",
    "monitoring",
    "reports",
    "api",
]

MIDDLEWARE = [
    # First: /healthz and /readyz answer load balancers before host checks, redirects and sessions.
    "config.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header on every response, error pages included (config/csp.py).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A database still locked or unreachable after waiting is "busy, try again", never a 500.
    "config.middleware.DatabaseBusyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "units.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASE_URL = os.environ.get("DATABASE_URL", "")
# What sits between the app and PostgreSQL: "" (nothing) or "pgbouncer" in transaction pooling,
# where a connection is the app's for one transaction only (docs/design.md §9, PgBouncer).
DATABASE_POOLER = env_str("DATABASE_POOLER", "").strip().lower()
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured(f"DATABASE_POOLER={DATABASE_POOLER!r}: use pgbouncer, or leave it empty")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASE_POOLER == "pgbouncer":
        # A server-side cursor (QuerySet.iterator() in the exports) outlives the transaction it
        # was declared in; the pooler may hand the next FETCH to another server connection.
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
else:
    # SQLite under a web server: WAL lets readers run beside the one writer; IMMEDIATE takes the
    # write lock when a transaction starts, so a writer waits (up to the busy timeout) instead of
    # failing at once when it upgrades a read lock; what still times out becomes a 503.
    SQLITE_BUSY_TIMEOUT = env_int("SQLITE_BUSY_TIMEOUT", 20)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": SQLITE_BUSY_TIMEOUT,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000}",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a login while its username and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Object grants live in direct foreign-key tables (projects.ProjectUserObjectPermission),
# so guardian's generic tables stay empty and its anonymous user is not needed.
ANONYMOUS_USER_NAME = None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Five failed logins for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles"))
MEDIA_ROOT = env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media"))
MEDIA_URL = "media/"
# 佐证材料 (monitoring evidence): the largest file accepted, in bytes.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# All of a report's 佐证材料 together: a unit cannot fill the disk one 20 MB file at a time.
EVIDENCE_MAX_FILES = env_int("EVIDENCE_MAX_FILES", 50)
EVIDENCE_MAX_TOTAL_BYTES = env_int("EVIDENCE_MAX_TOTAL_BYTES", 200 * 1024 * 1024)
# Hashed, compressed names need `collectstatic`; DEBUG serves the source files as they are.
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
if not DEBUG:
    # Static files from the app itself: gunicorn has no other server for them (runserver does).
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )


S3_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# SigV4 signatures are valid for a week at most.
S3_MAX_URL_SECONDS = 7 * 24 * 3600


def default_storage_from_env() -> dict:
    """Where uploads and exports are kept: MEDIA_ROOT on this host, unless S3_ENDPOINT_URL and
    S3_BUCKET name an S3-compatible object store, which every web host and worker then shares
    (docs/design.md §9). Either without the other, a malformed address, bucket name, addressing
    style or duration stops start-up naming the variable."""
    endpoint, bucket = env_url("S3_ENDPOINT_URL"), os.environ.get("S3_BUCKET", "").strip()
    if not endpoint and not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if not endpoint or not bucket:
        given, missing = ("S3_ENDPOINT_URL", "S3_BUCKET") if endpoint else ("S3_BUCKET", "S3_ENDPOINT_URL")
        raise ImproperlyConfigured(f"{missing} is required when {given} is set (files in an object store)")
    if not S3_BUCKET_NAME.match(bucket) or ".." in bucket:
        raise ImproperlyConfigured(f"S3_BUCKET={bucket!r} is not a bucket name (3-63 of a-z 0-9 . -)")
    keys = {name: env_str(name).strip() for name in ("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")}
    for name, value in keys.items():
        if not value:
            raise ImproperlyConfigured(f"{name} is empty")
    # Imported here: a host without an object store does not load boto3 at all.
    from botocore.config import Config

    style = env_choice("S3_ADDRESSING_STYLE", ("path", "virtual", "auto"), "path")
    return {
        "BACKEND": "config.storage.ObjectStorage",
        "OPTIONS": {
            "endpoint_url": endpoint,
            "bucket_name": bucket,
            "access_key": keys["S3_ACCESS_KEY_ID"],
            "secret_key": keys["S3_SECRET_ACCESS_KEY"],
            "region_name": env_str("S3_REGION", "us-east-1").strip() or "us-east-1",
            "location": env_str("S3_PREFIX", "").strip("/ "),
            # As on a disk: a name taken gets another, never overwrites someone's file.
            "file_overwrite": False,
            # A file read back (an import, a backup) spills to a temporary file past 8 MB.
            "max_memory_size": 8 * 1024 * 1024,
            "client_config": Config(
                signature_version="s3v4",
                s3={"addressing_style": style},
                connect_timeout=5,
                read_timeout=60,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
            # 0: downloads stream through the web host; N: the host checks the policy, then
            # redirects to a URL signed for N seconds at the address browsers reach the store by.
            "download_url_seconds": env_int_between("S3_DOWNLOAD_URL_SECONDS", 0, low=0, high=S3_MAX_URL_SECONDS),
            "public_endpoint_url": env_url("S3_PUBLIC_ENDPOINT_URL") or endpoint,
        },
    }


STORAGES = {
    "default": default_storage_from_env(),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads are capped here; importers check the uncompressed size themselves.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_UNZIPPED_BYTES = env_int("IMPORT_MAX_UNZIPPED_BYTES", 64 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20000)
# Checked on each cell while the XML streams by (reports/importers/ooxml.py), so that any
# file under the size cap is refused or read within ~2 s and 200 MB (tests/reports/test_import_files.py).
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 256)
# Sheets of a workbook, tables of a Word file: each is recognised and planned on its own.
IMPORT_MAX_SHEETS = env_int("IMPORT_MAX_SHEETS", 60)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 150_000)
IMPORT_MAX_XML_ELEMENTS = env_int("IMPORT_MAX_XML_ELEMENTS", 800_000)
# An import confirmed with more changes than this is applied by a worker, not in the request.
IMPORT_WORKER_CHANGES = env_int("IMPORT_WORKER_CHANGES", 2000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# The warm PDF converter (projects/office.py): a unoserver in front of LibreOffice, asked by the
# worker over XML-RPC. Empty host: LibreOffice is started for each file (seconds slower).
# UNOSERVER_START=1 makes each Celery worker run one of its own at that address (config/celery.py).
UNOSERVER_HOST = env_str("UNOSERVER_HOST", "").strip()
UNOSERVER_PORT = env_int("UNOSERVER_PORT", 2003)
UNOSERVER_START = env_bool("UNOSERVER_START", False)

REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without a broker the tasks run in the caller; with Redis a worker runs them.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A request never waits long for Redis: connect and publish give up after a couple of seconds
# (state changes have committed by then; their e-mails wait in the outbox, see units/tasks.py).
BROKER_TIMEOUT_SECONDS = env_int("BROKER_TIMEOUT_SECONDS", 2)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_timeout": max(BROKER_TIMEOUT_SECONDS, 5),  # above the worker's 1 s BRPOP poll
    "max_retries": 0,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0, "interval_start": 0, "interval_step": 0, "interval_max": 0}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_REDIS_SOCKET_TIMEOUT = max(BROKER_TIMEOUT_SECONDS, 5)
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0}}
# The worker itself keeps retrying until Redis is back.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# An export job that no worker has started within this time is marked failed, with a retry.
EXPORT_JOB_START_SECONDS = env_int("EXPORT_JOB_START_SECONDS", 600)
# Export files are deleted this many days after they were built (their jobs say 已过期, with a
# button to build them again): beat's export-files-sweep, reports.services.export_files_sweep.
EXPORT_RETENTION_DAYS = env_int_between("EXPORT_RETENTION_DAYS", 7, low=1, high=3650)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Units that have not submitted are reminded three days before a deadline.
    "deadline-reminders": {"task": "targets.tasks.deadline_reminders_send", "schedule": 60 * 60},
    # The same for monitoring and 自评 reports.
    "report-deadline-reminders": {"task": "monitoring.tasks.report_deadline_reminders_send", "schedule": 60 * 60},
    # E-mails that could not be queued when they were written (broker down) go out once it is back.
    "outbox-sweep": {"task": "units.tasks.outbox_sweep", "schedule": 60},
    # Export files past EXPORT_RETENTION_DAYS are deleted and their jobs marked 已过期.
    "export-files-sweep": {"task": "reports.tasks.export_files_sweep_task", "schedule": 60 * 60},
}

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": BROKER_TIMEOUT_SECONDS, "socket_timeout": BROKER_TIMEOUT_SECONDS},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# /readyz (config/health.py): a worker is "seen" while its heartbeat in Redis is this recent.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 30)
WORKER_SEEN_SECONDS = env_int("WORKER_SEEN_SECONDS", 180)

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "jixiao@localhost")
# Only read by the file-based backend (a directory of sent messages, for trials and tests).
EMAIL_FILE_PATH = env_str("DJANGO_EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))

# How production is reached, by setting: DJANGO_HTTPS=1 behind a TLS-terminating proxy that
# sets X-Forwarded-Proto (secure cookies, HSTS, redirect to https); DJANGO_HTTPS=0 for plain
# HTTP on an intranet, where secure cookies would make logging in impossible.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
elif not DEBUG:
    # Plain HTTP was chosen explicitly: the HTTPS-only deployment checks cannot apply.
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]

CONTENT_SECURITY_POLICY = csp_policy()

# The JSON API (api/, docs/api.md): tokens for machine clients, the session (with CSRF) for the browser.
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE", "600/min")  # per user: their tokens and session together
# Tokens a user may make in 24 hours (revoking and making tokens again would otherwise be unbounded).
API_TOKENS_PER_DAY = env_int("API_TOKENS_PER_DAY", 20)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "api.parsers.BodyIsJson"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.UserRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ListPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JsonParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "绩效目标管理 数据接口",
    "DESCRIPTION": "项目、目标表、填报行与单元格、审核、导出。认证：Authorization: Token <令牌>（或 Bearer），"
    "或浏览器登录（会话，须带 CSRF）。错误：{detail, errors: [{field, message}]}。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # No deep links: Swagger UI draws each operation's path as a link inside its summary button, a
    # nested control that screen readers cannot reach (axe: nested-interactive; docs/accessibility.md).
    # Nor syntax colours: its theme's numbers and keys on dark grey fall short of 4.5:1 (axe: color-contrast).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": False},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RowStatusEnum": "review.engine.ReviewStatus",
        "TableStatusEnum": "targets.models.TableStatus",
        "ExportStatusEnum": "reports.models.ExportStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}

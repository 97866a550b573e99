"""One settings module, driven by the environment.

Defaults need nothing running (SQLite, Celery eager). Setting DATABASE_URL and
REDIS_URL switches the same code to PostgreSQL, Redis and a real Celery worker.
A malformed variable stops start-up with a message naming it, rather than
running with a guessed value.
"""

import os
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


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


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

INSTALLED_APPS = [
    "config.admin_site.BureauAdminConfig",
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
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
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
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

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
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RowStatusEnum": "targets.review.ReviewStatus",
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

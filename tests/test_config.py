"""Settings come from the environment and fail loudly; docker-compose matches them."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config import settings as settings_module

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("off", False), ("0", False)])
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert settings_module.env_bool("X_FLAG", not expected) is expected


def test_env_bool_refuses_garbage_naming_the_variable(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        settings_module.env_bool("X_FLAG", False)


def test_env_int_refuses_garbage_naming_the_variable(monkeypatch):
    monkeypatch.setenv("X_SIZE", "10MB")
    with pytest.raises(ImproperlyConfigured, match="X_SIZE"):
        settings_module.env_int("X_SIZE", 1)


def test_a_required_variable_that_is_missing_stops_start_up(monkeypatch):
    monkeypatch.delenv("X_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="X_SECRET is required"):
        settings_module.env_str("X_SECRET")


def test_ui_is_chinese_in_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"


def test_celery_runs_eagerly_exactly_when_no_redis_is_configured():
    assert settings.CELERY_TASK_ALWAYS_EAGER is (not settings.REDIS_URL)


def test_uploads_are_capped():
    assert 0 < settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 50 * 1024 * 1024


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_has_the_production_services(compose):
    assert {"web", "worker", "beat", "db", "pgbouncer", "redis", "objectstore"} <= set(compose["services"])
    for name in ("web", "worker", "db", "pgbouncer", "redis", "objectstore"):
        assert "healthcheck" in compose["services"][name], name
    assert {"pgdata", "redisdata", "objects"} <= set(compose["volumes"])


def test_compose_commands_point_at_this_projects_modules(compose):
    services = compose["services"]
    wsgi_module = settings.WSGI_APPLICATION.rsplit(".", 1)[0]
    assert f"gunicorn {wsgi_module}:application" in services["web"]["command"]
    assert "migrate" in services["web"]["command"]
    celery_app_module = "config"
    assert services["worker"]["command"].startswith(f"celery -A {celery_app_module} worker")
    assert services["beat"]["command"].startswith(f"celery -A {celery_app_module} beat")
    assert __import__(celery_app_module).celery_app.main  # the app the commands name exists


def test_every_variable_in_env_example_is_used_by_settings_or_compose(compose):
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    names = re.findall(r"^([A-Z][A-Z0-9_]*)=", example, re.M)
    settings_source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    compose_source = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for name in names:
        assert f'"{name}"' in settings_source or "${" + name + "}" in compose_source, name
    for required in ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY"):
        assert required in names
    assert re.search(r"^DJANGO_DEBUG=0$", example, re.M)
    assert "redis:6379" in example


# --- Production settings fail closed and pass Django's deployment checks -----------------

SETTINGS_FILE = ROOT / "config" / "settings.py"
PRODUCTION_KEY = "p" * 20 + "-production-test-key-" + "q" * 20


def _env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if re.match(r"^[A-Z][A-Z0-9_]*=", line))


def _production_settings(monkeypatch, **env) -> dict:
    """config/settings.py evaluated afresh with only `env` set (plus PATH and the like)."""
    import runpy

    for name in [
        n
        for n in __import__("os").environ
        if n.startswith(("DJANGO_", "SQLITE_", "DATABASE_", "REDIS_URL", "CELERY_", "S3_", "EXPORT_"))
    ]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_without_settings_the_app_refuses_to_start_rather_than_run_in_debug_with_a_known_key(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is required"):
        _production_settings(monkeypatch)


def test_debug_is_off_unless_asked_for(monkeypatch):
    assert _production_settings(monkeypatch, DJANGO_SECRET_KEY=PRODUCTION_KEY)["DEBUG"] is False


@pytest.mark.parametrize(
    "key", ["dev-only-insecure-key", "local-demo-only-insecure-key", "change-me-to-a-long-random-string", "short-key"]
)
def test_production_refuses_a_published_or_short_secret_key(monkeypatch, key):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        _production_settings(monkeypatch, DJANGO_SECRET_KEY=key)


def test_the_placeholder_key_of_env_example_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        _production_settings(monkeypatch, **_env_example())


def test_production_serves_hashed_compressed_static_files_itself(monkeypatch):
    values = _production_settings(monkeypatch, DJANGO_SECRET_KEY=PRODUCTION_KEY)
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in values["MIDDLEWARE"]
    middleware = values["MIDDLEWARE"]
    assert (
        middleware.index("whitenoise.middleware.WhiteNoiseMiddleware")
        == middleware.index("django.middleware.security.SecurityMiddleware") + 1
    )  # right after security
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["STATIC_ROOT"]


def test_behind_a_tls_proxy_cookies_are_secure_and_https_is_enforced(monkeypatch):
    values = _production_settings(monkeypatch, DJANGO_SECRET_KEY=PRODUCTION_KEY, DJANGO_HTTPS="1")
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] > 0


def test_plain_http_on_an_intranet_sends_cookies_the_browser_will_return(monkeypatch):
    values = _production_settings(monkeypatch, DJANGO_SECRET_KEY=PRODUCTION_KEY, DJANGO_HTTPS="0")
    assert not values["SESSION_COOKIE_SECURE"] and not values["CSRF_COOKIE_SECURE"]
    assert "SECURE_PROXY_SSL_HEADER" not in values  # nobody vouches for X-Forwarded-Proto here


def test_env_example_cookie_and_origin_settings_agree():
    env = _env_example()
    scheme = "https" if env["DJANGO_HTTPS"] == "1" else "http"
    for origin in env["DJANGO_CSRF_TRUSTED_ORIGINS"].split(","):
        assert origin.startswith(f"{scheme}://"), origin
    assert env["SITE_URL"].startswith(f"{scheme}://")


def test_compose_collects_static_files_before_gunicorn_starts(compose):
    command = compose["services"]["web"]["command"]
    assert "collectstatic --noinput" in command
    assert command.index("collectstatic") < command.index("gunicorn")


def test_compose_checks_the_web_service_on_readyz(compose):
    # /readyz answers before host checks and the https redirect (tests/test_health.py), so the
    # container's own address over plain HTTP needs neither DJANGO_ALLOWED_HOSTS nor X-Forwarded-Proto.
    healthcheck = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/readyz" in healthcheck


def test_behind_pgbouncer_server_side_cursors_are_off_and_an_unknown_pooler_stops_start_up(monkeypatch):
    url = "postgres://jixiao:secret@pgbouncer:6432/jixiao"
    pooled = _production_settings(
        monkeypatch, DJANGO_SECRET_KEY=PRODUCTION_KEY, DATABASE_URL=url, DATABASE_POOLER="pgbouncer"
    )
    assert pooled["DATABASES"]["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    direct = _production_settings(monkeypatch, DJANGO_SECRET_KEY=PRODUCTION_KEY, DATABASE_URL=url)
    assert not direct["DATABASES"]["default"].get("DISABLE_SERVER_SIDE_CURSORS")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOLER"):
        _production_settings(monkeypatch, DJANGO_SECRET_KEY=PRODUCTION_KEY, DATABASE_URL=url, DATABASE_POOLER="pgpool")


@pytest.mark.parametrize("https", ["1", "0"])
def test_check_deploy_is_clean_under_the_production_environment(https):
    import os
    import secrets
    import subprocess
    import sys

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SQLITE_", "DATABASE_URL", "REDIS_URL", "CELERY_"))
    }
    env.update(_env_example())
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings", DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_HTTPS=https
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_request_waits_at_most_two_seconds_for_the_broker():
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 2
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] <= 2
    assert settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] == 0
    assert settings.CELERY_REDIS_SOCKET_CONNECT_TIMEOUT <= 2


def test_sqlite_is_configured_for_a_web_server(monkeypatch):
    values = _production_settings(monkeypatch, DJANGO_SECRET_KEY=PRODUCTION_KEY)
    options = values["DATABASES"]["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"] and "busy_timeout" in options["init_command"]
    assert "config.middleware.DatabaseBusyMiddleware" in values["MIDDLEWARE"]


def test_make_and_pytest_bring_their_own_local_settings_and_production_does_not():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^export DJANGO_SETTINGS_MODULE \?= config\.settings_local$", makefile, re.M)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'DJANGO_SETTINGS_MODULE = "config.settings_local"' in pyproject
    for entry_point in ("manage.py", "config/wsgi.py", "config/asgi.py", "config/celery.py"):
        source = (ROOT / entry_point).read_text(encoding="utf-8")
        assert 'setdefault("DJANGO_SETTINGS_MODULE", "config.settings")' in source, entry_point


# --- Files: the local disk by default, an S3-compatible object store when one is named ------------

S3 = {
    "S3_ENDPOINT_URL": "http://objectstore:9000",
    "S3_BUCKET": "jixiao-files",
    "S3_ACCESS_KEY_ID": "access-key-of-the-store",
    "S3_SECRET_ACCESS_KEY": "secret-key-of-the-store",
}


def test_files_stay_on_the_hosts_disk_unless_an_object_store_is_named(monkeypatch):
    values = _production_settings(monkeypatch, DJANGO_SECRET_KEY=PRODUCTION_KEY)
    assert values["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert values["EXPORT_RETENTION_DAYS"] == 7


def test_an_endpoint_and_a_bucket_put_every_file_in_the_object_store(monkeypatch):
    from config.storage import ObjectStorage

    values = _production_settings(
        monkeypatch, DJANGO_SECRET_KEY=PRODUCTION_KEY, **S3, S3_REGION="cn-central-1", S3_ADDRESSING_STYLE="Virtual"
    )
    default = values["STORAGES"]["default"]
    assert default["BACKEND"] == "config.storage.ObjectStorage"
    options = default["OPTIONS"]
    assert (options["endpoint_url"], options["bucket_name"], options["region_name"]) == (
        "http://objectstore:9000",
        "jixiao-files",
        "cn-central-1",
    )
    assert options["client_config"].s3 == {"addressing_style": "virtual"}
    assert options["client_config"].signature_version == "s3v4"
    assert options["file_overwrite"] is False
    assert (options["download_url_seconds"], options["public_endpoint_url"]) == (0, "http://objectstore:9000")
    storage = ObjectStorage(**options)  # the backend takes every option (it refuses unknown ones)
    assert storage.download_url("exports/a.xlsx", filename="a.xlsx", content_type="application/pdf") is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"S3_BUCKET": ""}, "S3_BUCKET is required when S3_ENDPOINT_URL is set"),
        ({"S3_ENDPOINT_URL": ""}, "S3_ENDPOINT_URL is required when S3_BUCKET is set"),
        ({"S3_ENDPOINT_URL": "objectstore:9000"}, "S3_ENDPOINT_URL='objectstore:9000' is not an http"),
        ({"S3_ENDPOINT_URL": "http://objectstore:nine"}, "S3_ENDPOINT_URL='http://objectstore:nine' is not a URL"),
        ({"S3_ENDPOINT_URL": "http://objectstore:9000/?x=1"}, "S3_ENDPOINT_URL"),
        ({"S3_BUCKET": "Jixiao_Files"}, "S3_BUCKET='Jixiao_Files' is not a bucket name"),
        ({"S3_SECRET_ACCESS_KEY": "  "}, "S3_SECRET_ACCESS_KEY is empty"),
        ({"S3_ADDRESSING_STYLE": "sideways"}, "S3_ADDRESSING_STYLE='sideways' is not one of path, virtual, auto"),
        ({"S3_DOWNLOAD_URL_SECONDS": "1h"}, "S3_DOWNLOAD_URL_SECONDS='1h' is not an integer"),
        ({"S3_DOWNLOAD_URL_SECONDS": "-5"}, "S3_DOWNLOAD_URL_SECONDS=-5 is out of range"),
        ({"S3_DOWNLOAD_URL_SECONDS": "900000"}, "S3_DOWNLOAD_URL_SECONDS=900000 is out of range"),
        ({"S3_PUBLIC_ENDPOINT_URL": "files.example.gov.cn"}, "S3_PUBLIC_ENDPOINT_URL"),
        ({"EXPORT_RETENTION_DAYS": "0"}, "EXPORT_RETENTION_DAYS=0 is out of range"),
    ],
)
def test_a_malformed_storage_setting_stops_start_up_naming_it(monkeypatch, env, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        _production_settings(monkeypatch, DJANGO_SECRET_KEY=PRODUCTION_KEY, **{**S3, **env})


def test_a_missing_key_of_the_store_stops_start_up(monkeypatch):
    env = {k: v for k, v in S3.items() if k != "S3_ACCESS_KEY_ID"}
    with pytest.raises(ImproperlyConfigured, match="S3_ACCESS_KEY_ID is required"):
        _production_settings(monkeypatch, DJANGO_SECRET_KEY=PRODUCTION_KEY, **env)


def test_compose_hosts_keep_nothing_on_their_own_disks_and_reach_the_store_and_the_pooler(compose):
    env = _env_example()
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert not service.get("volumes"), f"{name} keeps files of its own"
        assert {"pgbouncer", "redis", "objectstore"} <= set(service["depends_on"]), name
    store = re.match(r"http://([^:/]+):(\d+)$", env["S3_ENDPOINT_URL"])
    assert store.group(1) == "objectstore" and f":{store.group(2)}" in " ".join(services["objectstore"]["command"])
    assert "serve s3" in " ".join(services["objectstore"]["command"])
    assert "${S3_BUCKET}" in " ".join(services["objectstore"]["command"])  # the bucket is made at start
    pooled = re.match(r"postgres://[^@]+@([^:/]+):(\d+)/", env["DATABASE_URL"])
    assert pooled.group(1) == "pgbouncer" and services["pgbouncer"]["environment"]["LISTEN_PORT"] == pooled.group(2)
    assert services["pgbouncer"]["environment"]["POOL_MODE"] == "transaction"
    assert services["pgbouncer"]["environment"]["DB_HOST"] == "db"
    assert compose["x-app"]["environment"]["DATABASE_POOLER"] == "pgbouncer"


def test_env_example_names_an_object_store_the_settings_accept(monkeypatch):
    env = {k: v for k, v in _env_example().items() if k.startswith(("S3_", "EXPORT_"))}
    values = _production_settings(monkeypatch, DJANGO_SECRET_KEY=PRODUCTION_KEY, **env)
    assert values["STORAGES"]["default"]["OPTIONS"]["endpoint_url"] == "http://objectstore:9000"

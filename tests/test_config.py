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
    assert {"web", "worker", "beat", "db", "redis"} <= set(compose["services"])
    for name in ("web", "worker", "db", "redis"):
        assert "healthcheck" in compose["services"][name], name
    assert {"pgdata", "redisdata"} <= set(compose["volumes"])


def test_compose_commands_point_at_this_projects_modules(compose):
    services = compose["services"]
    wsgi_module = settings.WSGI_APPLICATION.rsplit(".", 1)[0]
    assert f"gunicorn {wsgi_module}:application" in services["web"]["command"]
    assert "migrate" in services["web"]["command"]
    celery_app_module = "config"
    assert services["worker"]["command"].startswith(f"celery -A {celery_app_module} worker")
    assert services["beat"]["command"].startswith(f"celery -A {celery_app_module} beat")
    __import__(celery_app_module).celery_app.main  # the app the commands name exists


def test_every_variable_in_env_example_is_used_by_settings_or_compose(compose):
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    names = re.findall(r"^([A-Z_]+)=", example, re.M)
    settings_source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    compose_source = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for name in names:
        assert f'"{name}"' in settings_source or "${" + name + "}" in compose_source, name
    for required in ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY"):
        assert required in names
    assert re.search(r"^DJANGO_DEBUG=0$", example, re.M)
    assert "db:5432" in example and "redis:6379" in example

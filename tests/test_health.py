"""/healthz and /readyz (config/health.py): answered before host checks, redirects and sessions,
with the names of failed checks and nothing else. The live stack's answers are checked in
tests/live/test_health_live.py."""

import os
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config import health
from tests.deploy.server import free_port

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (a real Redis)")


def test_healthz_answers_without_the_database_a_session_or_a_known_host(client, settings, django_assert_num_queries):
    settings.ALLOWED_HOSTS = ["jixiao.example.cn"]
    settings.SECURE_SSL_REDIRECT = True  # a probe over plain HTTP is not redirected to https
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "Set-Cookie" not in response.headers and response["Cache-Control"] == "no-store"


def test_readyz_reads_and_writes_nothing_and_answers_ready(client, settings):
    settings.REDIS_URL = ""  # SQLite and eager Celery: the database and the storage are all there is
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/readyz", HTTP_HOST="10.1.2.3")
    assert response.status_code == 200 and response.content == b"ready\n"
    assert [q["sql"] for q in queries] == ["SELECT 1"]
    assert "Set-Cookie" not in response.headers


def test_a_media_root_that_cannot_be_written_makes_readyz_name_the_storage(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = str(blocker / "media")
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 503 and response.content == b"unavailable: storage\n"


def test_an_unreachable_redis_makes_readyz_name_redis_and_the_worker_without_its_error(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.BROKER_TIMEOUT_SECONDS = 1
    response = client.get("/readyz")
    assert response.status_code == 503 and response.content == b"unavailable: redis, worker\n"


def test_health_urls_refuse_writes(client):
    for path in ("/healthz", "/readyz"):
        response = client.post(path)
        assert response.status_code == 405 and response["Allow"] == "GET, HEAD"


@needs_redis
def test_readyz_wants_a_worker_heartbeat_younger_than_the_limit(client, settings):
    settings.REDIS_URL = REDIS_URL
    settings.WORKER_SEEN_SECONDS = 60
    redis = health._redis()
    redis.delete(health.HEARTBEAT_KEY)
    assert client.get("/readyz").content == b"unavailable: worker\n"
    redis.set(health.HEARTBEAT_KEY, f"{time.time() - 61:.3f}")
    assert client.get("/readyz").content == b"unavailable: worker\n"
    health.heartbeat_beat()
    response = client.get("/readyz")
    assert response.status_code == 200 and response.content == b"ready\n"


@needs_redis
def test_the_worker_heartbeat_thread_writes_at_once_and_stops_when_told(settings):
    settings.REDIS_URL = REDIS_URL
    settings.WORKER_HEARTBEAT_SECONDS = 1
    redis = health._redis()
    redis.delete(health.HEARTBEAT_KEY)
    stop = health.heartbeat_start()
    try:
        deadline = time.monotonic() + 5
        while redis.get(health.HEARTBEAT_KEY) is None:
            assert time.monotonic() < deadline, "no heartbeat written"
            time.sleep(0.05)
        first = float(redis.get(health.HEARTBEAT_KEY))
        time.sleep(1.5)
        assert float(redis.get(health.HEARTBEAT_KEY)) > first
    finally:
        stop.set()
    assert abs(time.time() - first) < 5

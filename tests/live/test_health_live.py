"""/healthz and /readyz on the live stack: gunicorn with production settings, PostgreSQL through
PgBouncer, Redis, a worker's heartbeat. Probes come from any address, over plain HTTP, no cookie."""

import time

import httpx
import pytest
import redis

from config.health import HEARTBEAT_KEY

pytestmark = pytest.mark.live_stack


def test_the_probes_answer_a_load_balancer_without_a_login_a_cookie_or_a_known_host(stack):
    for path, body in (("/healthz", "ok\n"), ("/readyz", "ready\n")):
        response = httpx.get(stack.base + path, headers={"Host": "10.0.0.7:8000"}, timeout=10)
        assert response.status_code == 200 and response.text == body, (path, response.text)
        assert "set-cookie" not in response.headers


def test_readyz_reads_the_heartbeat_the_worker_process_writes(stack):
    seen = float(redis.Redis.from_url(stack.env["REDIS_URL"]).get(HEARTBEAT_KEY))
    assert time.time() - seen < 60  # written at start and every WORKER_HEARTBEAT_SECONDS
    assert httpx.get(stack.base + "/readyz", timeout=10).text == "ready\n"

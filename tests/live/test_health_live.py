"""/healthz and /readyz on the live stack: gunicorn with production settings, PostgreSQL through
PgBouncer, Redis, a worker's heartbeat. Probes come from any address, over plain HTTP, no cookie."""

import time

import httpx
import psycopg2
import pytest
import redis

from config.health import HEARTBEAT_KEY

from .stack import with_database

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


def test_the_product_reaches_postgresql_through_pgbouncer_in_transaction_pooling(stack, users):
    users("wuhan").page("/")  # a page and its queries, through the pooler
    console = psycopg2.connect(with_database(stack.server_url, "pgbouncer", port=stack.pooler_port))
    console.autocommit = True  # the console takes no transactions
    with console.cursor() as cursor:
        cursor.execute("SHOW POOLS")
        columns = [c.name for c in cursor.description]
        pools = [dict(zip(columns, row)) for row in cursor.fetchall()]
        cursor.execute("SHOW STATS")
        columns = [c.name for c in cursor.description]
        stats = {row[0]: dict(zip(columns, row)) for row in cursor.fetchall()}
    console.close()
    assert {p["pool_mode"] for p in pools if p["database"] == stack.database} == {"transaction"}
    assert stats[stack.database]["total_xact_count"] > 0

"""The API rate holds across gunicorn processes: the counts live in Redis and are added to
atomically, so a user's requests answered by three workers at once, with two tokens and the
browser's session, are counted as one user's."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from .server import gunicorn, logged_in, manage
from .test_broker_outage import redis  # noqa: F401 (a redis-server of this module alone)

RATE = 12


@pytest.fixture(scope="module")
def site(tmp_path_factory, seeded_sqlite, redis):  # noqa: F811
    with gunicorn(
        tmp_path_factory.mktemp("rate"),
        seeded_sqlite,
        workers=3,
        threads=2,
        static=False,
        REDIS_URL=f"redis://127.0.0.1:{redis.port}/1",
        API_THROTTLE_RATE=f"{RATE}/min",
    ) as (base, env):
        yield base, env


def test_a_users_tokens_and_session_share_one_count_across_processes(site):
    base, env = site
    tokens = [manage(env, "create_api_token", "wuhan").strip() for _ in range(2)]
    browser = logged_in(base, "wuhan")

    def ask(n: int) -> int:
        if n % 3 == 2:
            return browser.get("/api/v1/rows/").status_code
        # A new connection each: the requests spread over the workers.
        headers = {"Authorization": f"Token {tokens[n % 3]}", "Connection": "close"}
        return httpx.get(f"{base}/api/v1/rows/", headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(ask, range(RATE * 3)))
    assert answers.count(200) == RATE and answers.count(429) == RATE * 2, answers
    other = manage(env, "create_api_token", "yichang").strip()
    response = httpx.get(f"{base}/api/v1/rows/", headers={"Authorization": f"Token {other}"}, timeout=30)
    assert response.status_code == 200

"""The live walk (issue 20 §1, issue 23 §3): every workflow step over HTTP against gunicorn +
PostgreSQL (through PgBouncer in transaction pooling) + Redis + a `celery worker` process, each
request committing on its own. Its own CI stage (`make live`, `.ci/run`): `pytest -m live_stack`.

Outside that stage the tests are skipped with the reason; without DATABASE_URL (PostgreSQL),
REDIS_URL or pgbouncer they are skipped saying what is missing, and fail instead when
REQUIRE_LIVE_STACK=1 (as .ci/run sets). A 5xx answer, or a traceback or error in the server's,
the worker's or the pooler's log, fails the test during which it appeared.
"""

import os
from urllib.parse import urlsplit

import pytest

from .stack import gate, live_stack
from .web import User

STAGE = "the live-stack walk is its own stage: `make live` (pytest -m live_stack tests/live)"


def pytest_collection_modifyitems(config, items):
    # The backup is taken last, of the year the whole walk has filled.
    items.sort(key=lambda item: item.path.name == "test_backup_restore.py")
    expression = config.getoption("markexpr", "") or ""
    selected = "live_stack" in expression and "not live_stack" not in expression
    if selected or os.environ.get("REQUIRE_LIVE_STACK") == "1":
        return
    for item in items:
        if "live_stack" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=STAGE))


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    database_url, redis_url = gate(pytest)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.fail("the live walk runs in one process (its steps share one stack): run it with -n 0", pytrace=False)
    name = f"{urlsplit(database_url).path.lstrip('/') or 'jixiao'}_live"
    with live_stack(
        tmp_path_factory.mktemp("live"),
        database_url,
        redis_url,
        name,
        # A small threshold, so that an import of the seed tables goes through the worker as a
        # large one does.
        IMPORT_WORKER_CHANGES="5",
    ) as running:
        yield running


@pytest.fixture(autouse=True)
def _logs_stay_clean(request):
    """After each test: nothing in the logs since the last look that says a request or task failed."""
    if "stack" not in request.fixturenames:
        yield
        return
    stack = request.getfixturevalue("stack")
    stack.logs.failures()  # what came before this test is the previous test's
    yield
    failures = stack.logs.failures()
    assert not failures, "the logs show failures:\n\n" + "\n\n".join(failures)


@pytest.fixture(scope="session")
def users(stack):
    """One logged-in session per account, kept across the walk (as people stay logged in)."""
    cache = {}

    def user(name: str) -> User:
        if name not in cache:
            cache[name] = User(stack.base, name)
        return cache[name]

    return user

"""SQLite (the `make run` default) under a multi-process web server: parallel writes wait for
each other instead of failing, and a lock that outlasts the wait is a 503 with a Chinese
message, never a 500."""

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from .server import gunicorn, logged_in

FILLERS = {"wuhan": "武汉市", "yichang": "宜昌市", "wtu": "武汉轻工大学"}


def _rows(database) -> dict[str, tuple[int, int, list[int]]]:
    """username -> (row id, version, its table's column ids), read from the server's file."""
    with sqlite3.connect(database) as db:
        found = {}
        for username, unit in FILLERS.items():
            row_id, version, table_id = db.execute(
                "select r.id, r.version, r.table_id from targets_tablerow r join units_unit u on u.id = r.unit_id "
                "join targets_targettable t on t.id = r.table_id where u.name = ? and t.status = 'open'",
                (unit,),
            ).fetchone()
            columns = [
                c
                for (c,) in db.execute(
                    'select id from targets_tablecolumn where table_id = ? order by "order"', (table_id,)
                )
            ]
            found[username] = (row_id, version, columns)
        return found


def _post_json(client, url, body):
    return client.post(url, json=body, headers={"X-CSRFToken": client.cookies["csrftoken"]})


def _post_form(client, url, data=None):
    token = client.cookies["csrftoken"]
    return client.post(
        url, data={"csrfmiddlewaretoken": token, **(data or {})}, headers={"Referer": str(client.base_url)}
    )


@pytest.fixture(scope="module")
def busy_server(tmp_path_factory, seeded_sqlite):
    # Four workers on two cores: writes from different processes really overlap.
    with gunicorn(tmp_path_factory.mktemp("sqlite"), seeded_sqlite, workers=4, static=False) as (base, env):
        yield base, env["SQLITE_PATH"]


def test_parallel_saves_submits_and_approvals_on_sqlite_never_answer_500(busy_server):
    base, database = busy_server
    rows = _rows(database)
    statuses, lock = [], threading.Lock()

    def record(response):
        with lock:
            statuses.append((response.status_code, response.text[:200]))

    def fill(username, client):
        row_id, version, columns = rows[username]
        for round_ in range(6):
            response = _post_json(
                client,
                f"/rows/{row_id}/cells/",
                {"version": version, "values": {str(columns[round_ % len(columns)]): str(round_ + 1)}},
            )
            record(response)
            if response.status_code == 200:
                version = response.json()["version"]
        record(_post_form(client, f"/rows/{row_id}/submit/"))

    clients = {name: logged_in(base, name) for name in FILLERS}
    with ThreadPoolExecutor(len(clients)) as pool:
        list(pool.map(lambda item: fill(*item), clients.items()))

    reviewers = [logged_in(base, "reviewer"), logged_in(base, "admin")]
    with ThreadPoolExecutor(len(FILLERS)) as pool:
        list(
            pool.map(
                lambda i: record(_post_form(reviewers[i % 2], f"/rows/{rows[list(FILLERS)[i]][0]}/approve/")),
                range(len(FILLERS)),
            )
        )

    assert [s for s in statuses if s[0] >= 500] == []
    assert all(code in (200, 302) for code, _ in statuses), statuses
    with sqlite3.connect(database) as db:
        approved = db.execute(
            "select count(*) from targets_tablerow where id in (%s) and status = 'approved'"
            % ",".join(str(r[0]) for r in rows.values())
        ).fetchone()[0]
    assert approved == len(FILLERS)


def test_the_database_runs_in_wal_mode(busy_server):
    _base, database = busy_server
    with sqlite3.connect(database) as db:
        assert db.execute("pragma journal_mode").fetchone()[0] == "wal"


@pytest.fixture(scope="module")
def impatient_server(tmp_path_factory, seeded_sqlite):
    with gunicorn(
        tmp_path_factory.mktemp("sqlite-1s"), seeded_sqlite, workers=1, static=False, SQLITE_BUSY_TIMEOUT="1"
    ) as (base, env):
        yield base, env["SQLITE_PATH"]


def test_a_lock_held_longer_than_the_wait_is_a_chinese_503_and_saves_nothing(impatient_server):
    base, database = impatient_server
    row_id, version, columns = _rows(database)["wuhan"]
    client = logged_in(base, "wuhan")
    holder = sqlite3.connect(database, isolation_level=None, timeout=10)
    holder.execute("begin immediate")  # another writer that does not let go
    try:
        started = time.monotonic()
        response = _post_json(client, f"/rows/{row_id}/cells/", {"version": version, "values": {str(columns[0]): "7"}})
        elapsed = time.monotonic() - started
    finally:
        holder.execute("rollback")
        holder.close()
    assert response.status_code == 503, response.text[:300]
    assert "系统繁忙" in response.json()["message"] and "未保存" in response.json()["message"]
    assert response.headers["Retry-After"]
    assert elapsed < 10
    with sqlite3.connect(database) as db:
        assert db.execute("select version from targets_tablerow where id = ?", (row_id,)).fetchone()[0] == version

    page = client.get(f"/rows/{row_id}/")
    assert page.status_code == 200  # and the server goes on once the lock is gone

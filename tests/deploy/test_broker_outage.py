"""With Redis down a state change still commits at once; its e-mail waits in the outbox and is
sent when Redis is back; an export job says it could not start and can be retried. Run against
a real Redis that the test stops and restarts, gunicorn and a real Celery worker."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest

from .server import ROOT, free_port, gunicorn, logged_in


class Redis:
    """A redis-server of this test alone, on a free port, stopped and started at will."""

    def __init__(self, directory):
        self.port, self.directory = free_port(), directory

    def start(self):
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "yes",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--pidfile",
                str(self.directory / "redis.pid"),
            ],
            check=True,
            timeout=10,
        )
        self._wait(lambda: self.ping(), "start")

    def stop(self):
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True, timeout=10)
        self._wait(lambda: not self.ping(), "stop")

    def ping(self) -> bool:
        result = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True, timeout=5)
        return result.stdout.strip() == "PONG"

    def _wait(self, condition, what):
        deadline = time.monotonic() + 10
        while not condition():
            assert time.monotonic() < deadline, f"redis did not {what}"
            time.sleep(0.1)


@pytest.fixture(scope="module")
def redis(tmp_path_factory):
    if not shutil.which("redis-server"):
        if os.environ.get("REQUIRE_CELERY_WORKER") == "1":
            pytest.fail("REQUIRE_CELERY_WORKER=1 but redis-server is missing")
        pytest.skip("needs redis-server")
    server = Redis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory, seeded_sqlite, redis):
    workdir = tmp_path_factory.mktemp("outage")
    with gunicorn(
        workdir,
        seeded_sqlite,
        static=False,
        REDIS_URL=f"redis://127.0.0.1:{redis.port}/0",
        EXPORT_JOB_START_SECONDS="4",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        DJANGO_EMAIL_FILE_PATH=str(workdir / "mail"),
    ) as (base, env):
        with sqlite3.connect(env["SQLITE_PATH"]) as db:
            db.execute("update auth_user set email = 'reviewer@example.cn' where username = 'reviewer'")
        yield base, env, workdir


@contextmanager
def celery_worker(env, workdir):
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=open(workdir / "worker.log", "a"),
        stderr=subprocess.STDOUT,
    )
    try:
        _eventually(lambda: worker.poll() is None and _worker_answers(env), 60, "the Celery worker did not start")
        yield worker
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


def _worker_answers(env) -> bool:
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "inspect", "ping", "--timeout", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return "pong" in result.stdout


def _eventually(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, what
        time.sleep(0.3)
    return result


def _query(env, sql, *params):
    with sqlite3.connect(env["SQLITE_PATH"]) as db:
        return db.execute(sql, params).fetchall()


def _form(client, url):
    return client.post(url, data={"csrfmiddlewaretoken": client.cookies["csrftoken"]})


def _job(client, url) -> dict:
    return client.get(url, params={"format": "json"}).json()


def test_a_submit_with_redis_down_commits_at_once_and_its_email_goes_out_when_redis_is_back(site, redis):
    base, env, workdir = site
    (row_id,) = _query(
        env, "select r.id from targets_tablerow r join units_unit u on u.id = r.unit_id where u.name = '武汉市'"
    )[0]
    client = logged_in(base, "wuhan")
    redis.stop()
    try:
        started = time.monotonic()
        response = _form(client, f"/rows/{row_id}/submit/")
        elapsed = time.monotonic() - started
    finally:
        redis.start()
    assert response.status_code == 302, response.text[:300]
    assert elapsed < 5
    assert _query(env, "select status from targets_tablerow where id = ?", row_id) == [("submitted",)]
    owed = _query(
        env,
        "select n.id from units_notification n join auth_user u on u.id = n.recipient_id "
        "where u.username = 'reviewer' and n.kind = 'row_submitted' and n.emailed_at is null "
        "and n.email_queued_at is null",
    )
    assert len(owed) == 1  # recorded, not lost, not pretended sent

    with celery_worker(env, workdir):
        # What beat does every minute: ask a worker to sweep the outbox.
        subprocess.run(
            [sys.executable, "-m", "celery", "-A", "config", "call", "units.tasks.outbox_sweep"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=30,
        )
        _eventually(
            lambda: _query(env, "select emailed_at from units_notification where id = ?", owed[0][0])[0][0],
            60,
            "the e-mail was not sent after Redis came back",
        )
    mail = "".join(path.read_text(encoding="utf-8") for path in (workdir / "mail").iterdir())
    assert "reviewer@example.cn" in mail


def test_an_export_with_redis_down_fails_at_once_in_chinese_and_its_retry_builds_it(site, redis):
    base, env, workdir = site
    (project_id,) = _query(env, "select id from projects_project where code = 'hubei-2022-patent-transfer'")[0]
    client = logged_in(base, "admin")
    redis.stop()
    try:
        started = time.monotonic()
        response = _form(client, f"/exports/projects/{project_id}/bundle/")
        elapsed = time.monotonic() - started
    finally:
        redis.start()
    assert response.status_code == 302 and elapsed < 5, response.text[:300]
    job_url = response.headers["location"]
    job = _job(client, job_url)
    assert job["status"] == "failed" and "后台任务服务暂时无法连接" in job["error"]
    page = client.get(job_url).text
    assert 'id="job-retry"' in page and "重试" in page and 'id="job-retry" method="post"' in page

    with celery_worker(env, workdir):
        assert _form(client, job_url + "retry/").status_code == 302
        done = _eventually(
            lambda: (j := _job(client, job_url))["status"] in ("done", "failed") and j,
            90,
            "the retried export did not finish",
        )
    assert done["status"] == "done", done["error"]
    assert client.get(job_url + "download/").status_code == 200


def test_an_export_no_worker_starts_is_failed_after_the_limit_with_a_retry(site):
    base, env, _workdir = site
    (project_id,) = _query(env, "select id from projects_project where code = 'hubei-2022-patent-transfer'")[0]
    client = logged_in(base, "admin")
    job_url = _form(client, f"/exports/projects/{project_id}/bundle/").headers["location"]
    assert _job(client, job_url)["status"] == "pending"  # Redis took it; no worker is running
    job = _eventually(
        lambda: (j := _job(client, job_url))["status"] == "failed" and j, 15, "a job no worker started stayed 排队中"
    )
    assert "仍未开始" in job["error"] and "重试" in job["error"]
    assert json.dumps(job, ensure_ascii=False).count("Traceback") == 0

"""Several hosts, shown: two gunicorn servers (host A and host B) and a Celery worker, each in its own
working directory with its own empty MEDIA_ROOT, sharing only PostgreSQL, Redis and an S3-compatible
object store (a real `rclone serve s3`). An export started on A is built by the worker and downloads
on B; evidence uploaded on B downloads on A; a session made on A is valid on B; the API's rate limit
is one count across both hosts (it lives in the shared cache).

Run by the S3/multi-host stage of .ci/run (MULTIHOST=1, with DATABASE_URL on PostgreSQL and
REDIS_URL); skipped elsewhere. The hosts get a database of their own, made and dropped here.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from io import BytesIO
from pathlib import Path

import httpx
import pytest

from tests.s3server import running_s3_server

from .server import csrf_token, free_port, logged_in

ROOT = Path(__file__).resolve().parents[2]
RATE = 12  # API requests a minute, for one user, across every host


def _required():
    database, redis = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if os.environ.get("MULTIHOST") != "1":
        pytest.skip("several hosts: set MULTIHOST=1 with PostgreSQL and Redis (the S3/multi-host stage of .ci/run)")
    if not database.startswith("postgres") or not redis:
        pytest.fail("MULTIHOST=1 needs DATABASE_URL on PostgreSQL and REDIS_URL")
    return database, redis


@contextmanager
def hosts_database(database_url: str):
    """A database of the hosts' own beside the test database, dropped at the end."""
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(database_url)
    name = f"{config['NAME']}_hosts_{os.getpid()}"
    admin = dict(dbname="postgres", user=config["USER"], password=config["PASSWORD"] or None)
    admin.update(host=config["HOST"] or None, port=config["PORT"] or None)

    def run(sql: str) -> None:
        connection = psycopg2.connect(**admin)
        connection.autocommit = True
        try:
            connection.cursor().execute(sql)
        finally:
            connection.close()

    run(f'DROP DATABASE IF EXISTS "{name}"')
    run(f'CREATE DATABASE "{name}"')
    try:
        yield database_url.rsplit("/", 1)[0] + "/" + name
    finally:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _base_env(shared: dict[str, str], workdir: Path) -> dict[str, str]:
    prefixes = ("DJANGO_", "SQLITE_", "DATABASE_URL", "REDIS_URL", "CELERY_", "S3_", "EXPORT_", "API_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.update(shared)
    # Only the code is shared with the other hosts: everything relative lands in workdir.
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_STATIC_MANIFEST="0",
    )
    (workdir / "media").mkdir(parents=True)
    return env


def _django(env: dict[str, str], cwd: Path, *args: str, timeout: int = 300) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "django", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"django {' '.join(args)}: {result.stdout}{result.stderr}"
    return result.stdout


@contextmanager
def process(command: list[str], env: dict[str, str], cwd: Path, ready, seconds: float = 60):
    """Run `command` in `cwd` until the block ends; `ready(log_text)` says when it is up."""
    log_path = cwd / "process.log"
    with log_path.open("w") as log:
        child = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + seconds
            while not ready(log_path.read_text()):
                assert child.poll() is None, f"{command[2]} exited: {log_path.read_text()[-3000:]}"
                assert time.monotonic() < deadline, (
                    f"{command[2]} not up in {seconds} s: {log_path.read_text()[-3000:]}"
                )
                time.sleep(0.3)
            yield child
        finally:
            os.killpg(child.pid, signal.SIGTERM)
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait(timeout=20)


def _gunicorn(env: dict[str, str], workdir: Path):
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--timeout", "60", "--log-level", "info"]

    def answers(_log: str) -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    return process(command, env, workdir, answers), f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """(host A, host B, the worker's and hosts' directories, the S3 server and bucket, a command runner)."""
    database, redis = _required()
    top = tmp_path_factory.mktemp("hosts")
    with ExitStack() as stack:
        s3 = stack.enter_context(running_s3_server(top / "s3"))
        bucket = s3.new_bucket()
        shared = {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # one key: a session signed on A is read on B
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_HTTPS": "0",
            "LOGIN_FAILURE_LIMIT": "1000",
            "DATABASE_URL": stack.enter_context(hosts_database(database)),
            "REDIS_URL": redis,
            "API_THROTTLE_RATE": f"{RATE}/min",
            **s3.env(bucket),
        }
        dirs = {name: top / name for name in ("a", "b", "worker", "setup")}
        envs = {name: _base_env(shared, path) for name, path in dirs.items()}
        # The seeds and demo accounts, written by a one-off process with the local settings.
        setup = {**envs["setup"], "DJANGO_SETTINGS_MODULE": "config.settings_local"}
        for command in (("migrate", "--noinput"), ("load_seeds",), ("load_demo",)):
            _django(setup, dirs["setup"], *command)
        worker = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "info"]
        worker += ["-n", f"multihost-{os.getpid()}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        stack.enter_context(process(worker, envs["worker"], dirs["worker"], lambda log: " ready." in log))
        host_a, base_a = _gunicorn(envs["a"], dirs["a"])
        host_b, base_b = _gunicorn(envs["b"], dirs["b"])
        stack.enter_context(host_a)
        stack.enter_context(host_b)

        def manage(*args: str) -> str:
            return _django(envs["a"], dirs["a"], *args)

        yield {"a": base_a, "b": base_b, "dirs": dirs, "s3": s3, "bucket": bucket, "manage": manage}


def _token(deployment, username: str) -> dict[str, str]:
    return {"Authorization": f"Token {deployment['manage']('create_api_token', username).strip()}"}


def _media_files(deployment) -> list[Path]:
    return [p for name in ("a", "b", "worker") for p in (deployment["dirs"][name] / "media").rglob("*")]


def test_a_session_made_on_host_a_is_valid_on_host_b(deployment):
    client = logged_in(deployment["a"], "admin")
    page = client.get(f"{deployment['b']}/")
    assert page.status_code == 200 and "退出" in page.text  # not sent to the login page
    assert client.get(f"{deployment['b']}/accounts/login/").status_code == 200
    client.close()


def test_an_export_started_on_a_is_built_by_the_worker_and_downloads_on_b(deployment):
    from openpyxl import load_workbook

    projects = httpx.get(f"{deployment['a']}/api/v1/projects/", headers=_token(deployment, "admin"), timeout=30)
    hubei = next(p for p in projects.json()["results"] if p["code"] == "hubei-2022-patent-transfer")
    client = logged_in(deployment["a"], "admin")
    token = csrf_token(client.get(f"{deployment['a']}/").text)
    started = client.post(
        f"{deployment['a']}/exports/projects/{hubei['id']}/bundle/", data={"csrfmiddlewaretoken": token}
    )
    assert started.status_code == 302, started.text[:500]
    job_path = started.headers["location"]
    deadline = time.monotonic() + 120
    while (status := client.get(f"{deployment['b']}{job_path}", params={"format": "json"}).json())["status"] != "done":
        assert status["status"] in ("pending", "running") and time.monotonic() < deadline, status
        time.sleep(0.5)
    download = client.get(f"{deployment['b']}{job_path}download/")
    assert download.status_code == 200 and download.content.startswith(b"PK")
    assert load_workbook(BytesIO(download.content)).sheetnames[0] == "附件2 项目绩效目标表"
    keys = deployment["s3"].keys(deployment["bucket"], "exports/")
    assert any(deployment["s3"].body(deployment["bucket"], key) == download.content for key in keys)
    assert _media_files(deployment) == []  # no host and no worker kept a file of its own
    worker_log = (deployment["dirs"]["worker"] / "process.log").read_text()
    assert re.search(r"Task reports\.tasks\.export_job_run_task\[[^]]+\] succeeded", worker_log)
    client.close()


def test_evidence_uploaded_on_b_downloads_on_a(deployment):
    editable = "from monitoring.models import Report; from review.engine import EDITABLE; print(Report.objects"
    editable += ".filter(status__in=EDITABLE, unit__isnull=False).order_by('pk').values_list('pk', flat=True)[0])"
    report = int(deployment["manage"]("shell", "-v", "0", "-c", editable))  # a unit's report the demo left to fill
    client = logged_in(deployment["b"], "admin")
    page = client.get(f"{deployment['b']}/monitoring/reports/{report}/")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + os.urandom(64)
    uploaded = client.post(
        f"{deployment['b']}/monitoring/reports/{report}/evidence/",
        data={"csrfmiddlewaretoken": csrf_token(page.text), "value": ""},
        files={"file": ("走访记录.pdf", pdf, "application/pdf")},
    )
    assert uploaded.status_code == 302, uploaded.text[:500]
    listed = client.get(f"{deployment['a']}/monitoring/reports/{report}/").text
    evidence_id = re.search(r'/monitoring/evidence/(\d+)/"[^>]*>[^<]*走访记录\.pdf', listed).group(1)
    download = client.get(f"{deployment['a']}/monitoring/evidence/{evidence_id}/")
    assert download.status_code == 200 and download.content == pdf
    assert "%E8%B5%B0%E8%AE%BF%E8%AE%B0%E5%BD%95.pdf" in download.headers["content-disposition"]
    assert _media_files(deployment) == []
    client.close()


def test_the_api_rate_limit_is_one_count_across_both_hosts(deployment):
    headers = _token(deployment, "observer")
    answers = [
        httpx.get(f"{deployment['a' if n % 2 == 0 else 'b']}/api/v1/projects/", headers=headers, timeout=30).status_code
        for n in range(RATE + 1)
    ]
    # Each host alone saw about half the limit: only a shared count stops the request past it.
    assert answers == [200] * RATE + [429], answers
    assert httpx.get(f"{deployment['a']}/api/v1/projects/", headers=headers, timeout=30).status_code == 429

"""The production shape on loopback: gunicorn with config.settings (DEBUG off), static files
collected into a temporary STATIC_ROOT, a file SQLite database with the seeds and demo accounts.

Every wait is bounded and every process started here is killed, also when a test fails.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-pass-2022"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(workdir: Path, **extra: str) -> dict[str, str]:
    """Production settings over plain HTTP on loopback, everything else off the developer's env."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SQLITE_", "DATABASE_", "REDIS_URL", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_HTTPS="0",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        SQLITE_PATH=str(workdir / "db.sqlite3"),
        LOGIN_FAILURE_LIMIT="1000",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 180) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}: {result.stdout}{result.stderr}"
    return result.stdout


def seeded_database(directory: Path) -> Path:
    """A migrated SQLite file with the seeds and the demo accounts (built once, copied per server)."""
    env = production_env(directory)
    manage(env, "migrate", "--noinput")
    manage(env, "load_seeds")
    manage(env, "load_demo", "--i-know-this-is-not-production")
    return directory / "db.sqlite3"


@contextmanager
def gunicorn(
    workdir: Path,
    database: Path | None,
    *,
    workers: int = 2,
    threads: int = 1,
    static: bool = True,
    access_log: bool = False,
    **extra: str,
):
    """Yield (base_url, env) of a gunicorn serving a copy of `database` with production settings
    (database None: the DATABASE_URL given in `extra`).

    With static=False the pages name the static files as they are and nothing is collected
    (for tests about something else: collectstatic takes seconds). With access_log, each request's
    line (with its status) goes to gunicorn.log too."""
    if not static:
        extra.setdefault("DJANGO_STATIC_MANIFEST", "0")
    env = production_env(workdir, **extra)
    if database is not None:
        shutil.copy(database, env["SQLITE_PATH"])
    if static:
        manage(env, "collectstatic", "--noinput")
    port = free_port()
    log = open(workdir / "gunicorn.log", "w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "--log-level",
            "warning",
            *(["--access-logfile", "-", "--access-logformat", '"%(r)s" %(s)s %(M)sms'] if access_log else []),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(server, base, workdir / "gunicorn.log")
        yield base, env
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)
        log.close()


def _wait_until_up(server, base: str, log_path: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited: {log_path.read_text()}")
        try:
            if httpx.get(f"{base}/accounts/login/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer within {seconds} s: {log_path.read_text()}")


def logged_in(base: str, username: str) -> httpx.Client:
    """An HTTP client logged in through the real login form, CSRF token and all."""
    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/accounts/login/")
    token = csrf_token(page.text)
    response = client.post(
        "/accounts/login/", data={"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response.headers["location"] == "/", response.text[:500]
    return client


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

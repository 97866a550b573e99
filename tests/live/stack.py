"""The production stack on loopback, for the live walk: a database of its own on the PostgreSQL of
DATABASE_URL, reached through PgBouncer in transaction pooling; gunicorn with config.settings (DEBUG
off); a `celery worker` process on the Redis of REDIS_URL. Nothing runs inside a test transaction:
every request commits on its own, as in production.

Every process started here is stopped, also when a test fails; every wait is bounded.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import redis as redis_client

from tests.deploy.server import ROOT, free_port, gunicorn, manage, production_env

# The cast of the walk (password: server.DEMO_PASSWORD). username, unit, role, reviews the Hubei project
ACCOUNTS = [
    ("admin", "湖北省知识产权局", "admin", False),
    ("reviewer", "湖北省知识产权局", "reviewer", True),
    ("wuhan", "武汉市", "filler", False),
    ("yichang", "宜昌市", "filler", False),
    ("xiangyang", "襄阳市", "filler", False),
    ("huangshi", "黄石市", "filler", False),
    ("shiyan", "十堰市", "filler", False),
    ("wtu", "武汉轻工大学", "filler", False),
    ("guanggu", "湖北光谷实验室", "filler", False),
    ("platform", "湖北省知识产权发展中心", "filler", False),
    ("gdadmin", "广东省市场监督管理局（知识产权局）", "admin", False),
    ("guangzhou", "广州市市场监管局", "filler", False),
]
SUPERUSER = "admin"

_SEED_SCRIPT = """
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("load_seeds", verbosity=0)
"""
_ACCOUNTS_SCRIPT = """
from django.contrib.auth import get_user_model
from projects.models import Project
from units import policy
from units.models import Membership, Unit
ACCOUNTS, SUPERUSER, PASSWORD = {accounts!r}, {superuser!r}, {password!r}
hubei = Project.objects.get(code="hubei-2022-patent-transfer")
for username, unit, role, reviews in ACCOUNTS:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, first_name=username)
    user.is_staff = user.is_superuser = username == SUPERUSER
    user.email = username + "@example.cn"
    user.save()
    Membership.objects.create(user=user, unit=Unit.objects.get(name=unit), role=role)
    if reviews:
        policy.grant_review(user, hubei)
"""

# What in a log means a request or a task failed: a 5xx in gunicorn's access log, a traceback,
# Django's "Internal Server Error", Celery's task failures, PgBouncer's errors.
FAILURE = re.compile(
    r'" 5\d\d \d|Traceback \(most recent call last\)|Internal Server Error|\bERROR\b|\bCRITICAL\b|\bFATAL\b'
)


def gate(pytest) -> tuple[str, str]:
    """(DATABASE_URL, REDIS_URL), or a skip saying what is missing; a failure under REQUIRE_LIVE_STACK=1."""
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    missing = []
    if not database_url.startswith(("postgres://", "postgresql://")):
        missing.append("DATABASE_URL (PostgreSQL)")
    if not redis_url:
        missing.append("REDIS_URL")
    if not shutil.which("pgbouncer") and not Path("/usr/sbin/pgbouncer").exists():
        missing.append("pgbouncer (apt-get install pgbouncer)")
    if not shutil.which("pg_dump"):
        missing.append("pg_dump (postgresql-client)")
    if missing:
        reason = "the live-stack walk needs " + ", ".join(missing)
        if os.environ.get("REQUIRE_LIVE_STACK") == "1":
            pytest.fail("REQUIRE_LIVE_STACK=1 but " + reason, pytrace=False)
        pytest.skip(reason)
    return database_url, redis_url


def with_database(url: str, name: str, *, port: int | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if port is not None:
        netloc = re.sub(r"(:\d+)?$", f":{port}", netloc, count=1)
    return urlunsplit((parts.scheme, netloc, "/" + name, parts.query, parts.fragment))


class Database:
    """Plain SQL on the walk's database, straight to PostgreSQL (not through the pooler): what a
    step left committed, seen from outside the product."""

    def __init__(self, url: str):
        self.url = url
        self.connection = psycopg2.connect(url)
        self.connection.autocommit = True

    def rows(self, sql: str, *params) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def one(self, sql: str, *params):
        rows = self.rows(sql, *params)
        assert len(rows) == 1, f"{sql} {params}: {len(rows)} rows"
        return rows[0] if len(rows[0]) > 1 else rows[0][0]

    def close(self):
        self.connection.close()


def database_create(server_url: str, name: str) -> None:
    admin = psycopg2.connect(with_database(server_url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def database_drop(server_url: str, name: str) -> None:
    admin = psycopg2.connect(with_database(server_url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@contextmanager
def pgbouncer(workdir: Path, server_url: str):
    """PgBouncer in transaction pooling on a free port, in front of the server of `server_url`.
    Yields its port. It refuses to run as root: as root it is started as the `postgres` user, in a
    folder of its own under /tmp (pytest's folders are closed to other users)."""
    server = urlsplit(server_url)
    folder = Path(tempfile.mkdtemp(prefix="live-pgbouncer-"))
    (workdir / "pgbouncer").symlink_to(folder)
    port = free_port()
    login = f"user={server.username or 'postgres'}" + (f" password={server.password}" if server.password else "")
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={server.hostname or '127.0.0.1'} port={server.port or 5432} {login}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        "auth_type = any\npool_mode = transaction\n"
        # Its console (database "pgbouncer") answers SHOW POOLS and SHOW STATS to the tests.
        f"admin_users = {server.username or 'postgres'}\n"
        "max_client_conn = 200\ndefault_pool_size = 10\n"
        # Django's psycopg2 backend sends no startup options; other clients' are not ours to keep.
        "ignore_startup_parameters = extra_float_digits,options\n"
        f"logfile = {folder / 'pgbouncer.log'}\n"
    )
    command = [shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"]
    if os.geteuid() == 0:
        user = "postgres" if _user_exists("postgres") else "nobody"
        shutil.chown(folder, user)
        command += ["-u", user]
    process = subprocess.Popen(
        [*command, str(folder / "pgbouncer.ini")],
        stdout=open(folder / "stdout.log", "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        eventually(lambda: _accepts(server_url, port) or process.poll() is not None, 15, "pgbouncer did not start")
        assert process.poll() is None, (folder / "stdout.log").read_text()
        yield port
    finally:
        _stop(process)
        shutil.copytree(folder, workdir / "pgbouncer-log", dirs_exist_ok=True)
        (workdir / "pgbouncer").unlink()
        shutil.rmtree(folder, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _accepts(server_url: str, port: int) -> bool:
    try:
        psycopg2.connect(with_database(server_url, "postgres", port=port), connect_timeout=2).close()
    except psycopg2.OperationalError:
        return False
    return True


@contextmanager
def celery_worker(env: dict, workdir: Path):
    """A `celery worker` process (prefork, one child: the production pool) with the stack's env."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency", "1", "--loglevel", "warning"],
        cwd=ROOT,
        env=env,
        stdout=open(workdir / "worker.log", "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        heartbeat = redis_client.Redis.from_url(env["REDIS_URL"])
        eventually(
            lambda: worker.poll() is not None or heartbeat.get("jixiao:worker:seen") is not None,
            60,
            "the Celery worker wrote no heartbeat",
        )
        assert worker.poll() is None, (workdir / "worker.log").read_text()
        yield worker
    finally:
        _stop(worker)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def eventually(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, what
        time.sleep(0.1)
    return result


@dataclass
class Logs:
    """The server's, the worker's and the pooler's logs, read from where the last look stopped."""

    paths: list[Path]
    offsets: dict[Path, int] = field(default_factory=dict)

    def failures(self) -> list[str]:
        found = []
        for path in self.paths:
            if not path.exists():
                continue
            with path.open(encoding="utf-8", errors="replace") as handle:
                handle.seek(self.offsets.get(path, 0))
                text = handle.read()
                self.offsets[path] = handle.tell()
            lines = text.splitlines()
            for index, line in enumerate(lines):
                if FAILURE.search(line):
                    found.append(f"{path.name}: " + "\n".join(lines[index : index + 30]))
        return found


@dataclass
class Stack:
    base: str
    env: dict
    workdir: Path
    db: Database
    server_url: str
    database: str
    logs: Logs
    pooler_port: int

    def manage(self, *args: str) -> str:
        return manage(self.env, *args)


def walk_env(workdir: Path, database_url: str, redis_url: str, **extra: str) -> dict:
    return production_env(
        workdir,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DJANGO_STATIC_MANIFEST="0",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        DJANGO_EMAIL_FILE_PATH=str(workdir / "mail"),
        **extra,
    )


def seeded(env: dict) -> None:
    """Migrated, the seeds loaded, the walk's accounts made: in one process (each start costs seconds)."""
    from tests.deploy.server import DEMO_PASSWORD

    script = _ACCOUNTS_SCRIPT.format(accounts=ACCOUNTS, superuser=SUPERUSER, password=DEMO_PASSWORD)
    manage(env, "shell", "-c", _SEED_SCRIPT + script)


@contextmanager
def live_stack(workdir: Path, server_url: str, redis_url: str, name: str, **extra: str):
    """Yield a Stack on a new database `name` (seeded, with the walk's accounts), dropped afterwards."""
    database_create(server_url, name)
    direct = with_database(server_url, name)
    redis_client.Redis.from_url(redis_url).delete("celery", "jixiao:worker:seen")  # no task of another run
    with ExitStack() as stack:
        stack.callback(database_drop, server_url, name)
        seeded(walk_env(workdir, direct, redis_url))
        port = stack.enter_context(pgbouncer(workdir, server_url))
        pooled = with_database(server_url, name, port=port)
        env = walk_env(workdir, pooled, redis_url, DATABASE_POOLER="pgbouncer", **extra)
        stack.enter_context(celery_worker(env, workdir))
        # The same env (and secret key) as the worker's and the commands': a token made by one is read by all.
        base, env = stack.enter_context(gunicorn(workdir, None, static=False, access_log=True, **env))
        db = Database(direct)
        stack.callback(db.close)
        logs = Logs([workdir / "gunicorn.log", workdir / "worker.log", workdir / "pgbouncer" / "pgbouncer.log"])
        yield Stack(base, env, workdir, db, server_url, name, logs, port)

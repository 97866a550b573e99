"""The deadline day as it happens: open-loop arrivals against gunicorn + PostgreSQL.

`python bench/openloop.py [--rates 25 50 … 200] [--step-seconds 60] [--pooler pgbouncer]`
(`make bench-openloop`; needs DATABASE_URL pointing at PostgreSQL).

Thousands of virtual fillers, each with a row of their own, save one cell every 10–30 s
(uniform think time) and submit their row once, after a random number of saves; a filler who
has submitted is replaced by a fresh one, so the population stays at rate × 20 s. Many
independent fillers add up to Poisson arrivals (Palm–Khintchine): the offered load is the
rate, and it is kept whatever the server does — every request is sent at its scheduled
moment, whether or not the earlier ones were answered (open loop), and its latency is counted
from that moment, so a server falling behind shows in the figures instead of slowing the
generator down (no coordinated omission).

The offered load is stepped (25 → 200 saves/s by default). Per step: offered and served
rates, p50/p95/p99, errors by kind, CPU seconds of the generator, of gunicorn and of the
PostgreSQL backends. At the end every cell's stored value is compared with the last save the
server acknowledged for it (lost updates), and every acknowledged submission with the row's
status. The generator is a bare asyncio HTTP/1.0 client (a request is a few dozen µs of its
CPU, measured and printed), so it is not the bottleneck.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATES = (25, 50, 75, 100, 125, 150, 175, 200)
THINK = (10.0, 30.0)  # seconds between a filler's saves: mean 20
SAVES_BEFORE_SUBMIT = (3, 12)  # a filler submits once, after this many saves (uniform): a row of ten cells
TIMEOUT = 30.0  # a request unanswered after this long counts as an error
GOAL_RATE, GOAL_P95_MS = 150, 200
# A filler's turns come every mean think time; one turn in (mean saves + 1) is its submission.
_MEAN_SAVES = sum(SAVES_BEFORE_SUBMIT) / 2
SLOT_SECONDS_PER_SAVE = sum(THINK) / 2 * (_MEAN_SAVES + 1) / _MEAN_SAVES
CSRF = "b" * 32  # the double-submit cookie: any 32 characters the client also sends as X-CSRFToken


@dataclass
class Filler:
    session: str
    row: int
    version: int
    columns: list[int]
    saves_left: int
    n: int = 0


@dataclass
class Step:
    rate: float
    started: float = 0.0
    ended: float = 0.0
    latencies: list[float] = field(default_factory=list)  # saves answered 200, seconds
    sent: int = 0
    status: dict[str, int] = field(default_factory=dict)
    submits: int = 0
    cpu: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------- data


def prepare(fillers: int, database_alias: str = "default") -> tuple[object, list[Filler]]:
    """`fillers` units, one row each in one open table, one filler account each, every one of
    them logged in (a session row made directly: password hashing is not what is measured)."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from projects.models import Project
    from reports.scale import _categories, _table, generate_scale
    from targets.models import TableRow
    from units.models import Membership, Unit

    if not Project.objects.filter(code__startswith="scale-").exists():
        generate_scale(provinces=1, projects_per_province=1, table_rows=(16,))
    project = Project.objects.filter(code__startswith="scale-").order_by("pk").first()
    tag = get_random_string(6)
    units = Unit.objects.bulk_create(Unit(name=f"开环测试单位{tag}-{n:05d}", category="region") for n in range(fillers))
    title = f"开环基准表{tag}"
    _table(random.Random(8), project, _categories(), units, 10, title)
    table = project.tables.get(title=title)
    table.rows.update(status="draft")
    table.status, table.deadline = "open", timezone.now() + timedelta(days=1)
    table.save()
    columns = [c.pk for c in table.columns.filter(value_kind="number").order_by("order")]
    User = get_user_model()
    password = make_password("openloop-pass-2022!")
    users = User.objects.bulk_create(User(username=f"open-{tag}-{n:05d}", password=password) for n in range(fillers))
    rows = list(TableRow.objects.filter(table=table).order_by("seq").values_list("pk", "unit_id", "version"))
    Membership.objects.bulk_create(
        Membership(user=user, unit_id=unit_id, role="filler") for user, (_, unit_id, _) in zip(users, rows)
    )
    store, expires = SessionStore(), timezone.now() + timedelta(days=1)
    backend = "django.contrib.auth.backends.ModelBackend"
    sessions = [
        Session(
            session_key=get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789"),
            session_data=store.encode(
                {
                    "_auth_user_id": str(u.pk),
                    "_auth_user_backend": backend,
                    "_auth_user_hash": u.get_session_auth_hash(),
                }
            ),
            expire_date=expires,
        )
        for u in users
    ]
    Session.objects.bulk_create(sessions, batch_size=2000)
    rng = random.Random(21)
    return table, [
        Filler(s.session_key, row, version, columns, rng.randint(*SAVES_BEFORE_SUBMIT))
        for s, (row, _, version) in zip(sessions, rows)
    ]


def lost_updates(table, acked: dict[tuple[int, int], tuple[int, str]], unanswered: dict[tuple[int, int], set]) -> int:
    """Cells whose stored value is neither the one of their last acknowledged save nor one of a
    save sent after it that got no answer (a timed-out request may still have been written)."""
    from targets.models import Cell

    cells = Cell.objects.filter(row__table=table).values_list("row_id", "column_id", "raw")
    stored = {(r, c): raw for r, c, raw in cells}
    return sum(
        1
        for key, (_, value) in acked.items()
        if stored.get(key) != value and stored.get(key) not in unanswered.get(key, ())
    )


def submissions_missing(table, submitted: set[int]) -> int:
    """Rows whose submission was acknowledged but that are not 已提交 (or later) now."""
    return table.rows.filter(pk__in=submitted, status__in=("draft", "returned")).count()


# ---------------------------------------------------------------- the generator


class Client:
    """HTTP/1.0 over asyncio streams: one connection per request, as gunicorn's sync workers
    close each one anyway. Records every answer into the step it was scheduled in."""

    def __init__(self, port: int):
        self.port = port
        self.host = f"127.0.0.1:{port}"

    async def post(self, path: str, body: bytes, session: str, content_type: str) -> tuple[int, bytes]:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            writer.write(
                (
                    f"POST {path} HTTP/1.0\r\nHost: {self.host}\r\nContent-Type: {content_type}\r\n"
                    f"Content-Length: {len(body)}\r\nCookie: sessionid={session}; csrftoken={CSRF}\r\n"
                    f"X-CSRFToken: {CSRF}\r\nReferer: http://{self.host}/\r\n\r\n"
                ).encode()
                + body
            )
            data = await reader.read()
        finally:
            writer.close()
        head, _, payload = data.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), payload


class Generator:
    def __init__(self, port: int, fresh: list[Filler], seed: int = 1):
        self.client = Client(port)
        self.fresh = fresh  # fillers not yet started; a slot takes the next one after a submission
        self.rng = random.Random(seed)
        self.acked: dict[tuple[int, int], tuple[int, str]] = {}
        # per cell, the values of saves sent after its last acknowledged one that got no answer
        self.unanswered: dict[tuple[int, int], set[str]] = {}
        self.submitted: set[int] = set()
        self.step: Step | None = None
        self.pending: set[asyncio.Task] = set()

    def _record(self, step: Step, kind: str) -> None:
        step.status[kind] = step.status.get(kind, 0) + 1

    async def _save(self, filler: Filler, step: Step, scheduled: float) -> None:
        filler.n += 1
        column = self.rng.choice(filler.columns)
        value = f"{self.rng.randint(1, 9)}{filler.n:04d}"
        body = json.dumps({"version": filler.version, "values": {str(column): value}}).encode()
        step.sent += 1
        try:
            status, payload = await asyncio.wait_for(
                self.client.post(f"/rows/{filler.row}/cells/", body, filler.session, "application/json"), TIMEOUT
            )
        except (TimeoutError, OSError) as exc:
            self._record(step, "timeout" if isinstance(exc, TimeoutError) else "connection")
            self.unanswered.setdefault((filler.row, column), set()).add(value)
            return
        if status == 200:
            step.latencies.append(time.monotonic() - scheduled)
            version = json.loads(payload)["version"]
            filler.version = max(filler.version, version)
            key = (filler.row, column)
            if key not in self.acked or self.acked[key][0] < version:
                self.acked[key] = (version, value)
                self.unanswered.pop(key, None)
        elif status == 409:  # an unanswered save of ours moved the row on: take its version, as the page does
            try:
                filler.version = max(filler.version, int(json.loads(payload).get("version") or 0))
            except (ValueError, AttributeError):
                pass
        self._record(step, str(status))

    async def _submit(self, filler: Filler, step: Step) -> None:
        try:
            status, _ = await asyncio.wait_for(
                self.client.post(
                    f"/rows/{filler.row}/submit/", b"", filler.session, "application/x-www-form-urlencoded"
                ),
                TIMEOUT,
            )
        except (TimeoutError, OSError):
            self._record(step, "submit failed")
            return
        step.submits += 1
        if status in (200, 302):
            self.submitted.add(filler.row)
        else:
            self._record(step, f"submit {status}")

    def _fire(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    def _phase(self) -> float:
        """When a filler joining now saves first: the wait until the next save of a filler who has
        been at it for a while (the forward recurrence time of the think time: t with density
        P(think > t) / mean), so the step's offered load is its rate from its first second."""
        while True:
            t = self.rng.uniform(0, THINK[1])
            if self.rng.random() < min(1.0, (THINK[1] - t) / (THINK[1] - THINK[0])):
                return t

    async def slot(self, until: float) -> None:
        """One place in the population: a filler saves every 10–30 s, never waiting for an answer
        before the next one is due; after its saves it submits and the next filler takes over."""
        filler = self.fresh.pop()
        # Joining a day already under way: this slot's filler is somewhere in its session, so
        # submissions come at their steady share from the first second.
        filler.saves_left = self.rng.randint(0, filler.saves_left)
        next_at = time.monotonic() + self._phase()
        while True:
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            if next_at >= until:
                return
            step = self.step
            if filler.saves_left > 0:
                filler.saves_left -= 1
                self._fire(self._save(filler, step, next_at))
            else:
                self._fire(self._submit(filler, step))
                if not self.fresh:
                    self._record(step, "no filler left")
                    return
                filler = self.fresh.pop()
            next_at += self.rng.uniform(*THINK)


# ---------------------------------------------------------------- CPU accounting


def _cpu_of(pids) -> dict[int, float]:
    """CPU seconds so far of each process still there."""
    tick, found = os.sysconf("SC_CLK_TCK"), {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return found


def cpu_delta(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds spent between two samples, per kind, process by process (a backend that came
    after the first sample counts from zero; one gone by the second is lost, so this is a floor)."""
    delta = {"generator": after["generator"] - before["generator"]}
    for kind in ("gunicorn", "postgres"):
        delta[kind] = sum(cpu - before[kind].get(pid, 0.0) for pid, cpu in after[kind].items())
    return delta


def _children(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


class Cpu:
    """CPU seconds of gunicorn (master and workers), of the PostgreSQL backends serving it
    (found by application_name) and of this process."""

    def __init__(self, server_pid: int, application_name: str):
        self.server_pid, self.application_name = server_pid, application_name

    def _backends(self) -> list[int]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [self.application_name])
            return [pid for (pid,) in cursor.fetchall()]

    def sample(self) -> dict:
        return {
            "generator": time.process_time(),
            "gunicorn": _cpu_of(_children(self.server_pid)),
            "postgres": _cpu_of(self._backends()),
        }


def _loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


# ---------------------------------------------------------------- the run


async def warm_up(generator: Generator, workers: int) -> None:
    """Until every worker has answered (gunicorn binds before its workers have loaded Django):
    saves sent a few at a time, not counted."""
    warm = Step(rate=0)
    fillers = [generator.fresh.pop() for _ in range(workers)]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        started = time.monotonic()
        await asyncio.gather(*(generator._save(f, warm, time.monotonic()) for f in fillers))
        if warm.status.get("200", 0) >= 4 * workers and time.monotonic() - started < 0.5:
            return
    raise SystemExit(f"openloop: the server did not warm up: {warm.status}")


async def run_steps(generator: Generator, rates, seconds: float, cpu: Cpu) -> list[Step]:
    steps, slots, started = [], [], time.monotonic()
    end = started + seconds * len(rates)
    for rate in rates:
        step = Step(rate=rate, started=time.monotonic())
        generator.step = step
        before = cpu.sample()
        step.cpu["load_before"] = _loadavg()
        wanted = round(rate * SLOT_SECONDS_PER_SAVE)  # so that saves (submissions on top) arrive at `rate`
        slots += [asyncio.ensure_future(generator.slot(end)) for _ in range(wanted - len(slots))]
        await asyncio.sleep(max(0.0, step.started + seconds - time.monotonic()))
        step.ended = time.monotonic()
        after = cpu.sample()
        step.cpu.update(cpu_delta(before, after))
        step.cpu["load_after"] = _loadavg()
        steps.append(step)
    for task in slots:
        task.cancel()
    if generator.pending:
        await asyncio.wait(generator.pending, timeout=TIMEOUT + 5)
    return steps


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))])


def summarise(step: Step) -> dict:
    wall = step.ended - step.started
    server_cpu = step.cpu["gunicorn"] + step.cpu["postgres"]
    served = len(step.latencies)
    errors = {k: v for k, v in step.status.items() if k != "200"}
    return {
        "offered_per_s": step.rate,
        "sent_per_s": round(step.sent / wall, 1),
        "served_per_s": round(served / wall, 1),
        "p50_ms": _pct(step.latencies, 0.50),
        "p95_ms": _pct(step.latencies, 0.95),
        "p99_ms": _pct(step.latencies, 0.99),
        "median_ms": round(1000 * statistics.median(step.latencies)) if step.latencies else None,
        "errors": errors,
        "errors_5xx": sum(v for k, v in errors.items() if k.startswith("5") or k.startswith("submit 5")),
        "submits": step.submits,
        "cpu_s": {k: round(v, 1) for k, v in step.cpu.items() if not k.startswith("load")},
        # saves and submissions answered (a submission is a heavier request, about one in eight)
        "server_cpu_ms_per_request": round(1000 * server_cpu / max(1, served + step.submits), 2),
        "generator_cpu_ms_per_request": round(1000 * step.cpu["generator"] / max(1, step.sent + step.submits), 3),
        "machine_cores_busy": round((server_cpu + step.cpu["generator"]) / wall, 2),
        "load_average": (step.cpu["load_before"], step.cpu["load_after"]),
    }


def knee(rows: list[dict]) -> dict:
    """The last step the server kept up with (served ≥ 97 % of offered, p95 under 2 × the
    lightest step's and ≤ GOAL_P95_MS), and the saves one core serves there."""

    def p95(r):
        return float("inf") if r["p95_ms"] is None else r["p95_ms"]

    kept_up = [r for r in rows if r["served_per_s"] >= 0.97 * r["sent_per_s"]]
    good = [r for r in kept_up if p95(r) <= 2 * p95(rows[0])]
    within = [r for r in kept_up if p95(r) <= GOAL_P95_MS]
    best = within[-1] if within else None
    return {
        "knee_offered_per_s": good[-1]["offered_per_s"] if good else None,
        "best_within_goal_per_s": best["offered_per_s"] if best else None,
        # saves per second per core of server CPU (gunicorn + PostgreSQL), at that step
        "saves_per_core_s": round(1000 / best["server_cpu_ms_per_request"], 1) if best else None,
    }


@contextmanager
def server_stack(pooler: str, workers: int, application_name: str, secret: str, profile: str = ""):
    """gunicorn on this database, directly or through a PgBouncer of its own; yields (process, port)."""
    from bench.load import _start_server, _stop, _wait_for

    url = os.environ["DATABASE_URL"]
    with ExitStack() as stack:
        if pooler == "pgbouncer":
            import shutil
            import tempfile

            from tests.live.stack import pgbouncer, with_database

            workdir = Path(tempfile.mkdtemp(prefix="openloop-"))
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)  # after PgBouncer stopped and left its log
            port = stack.enter_context(pgbouncer(workdir, url))
            url = with_database(url, url.rsplit("/", 1)[1].split("?")[0], port=port)
        sep = "&" if "?" in url else "?"
        env = {
            "DATABASE_URL": f"{url}{sep}application_name={application_name}",
            "DATABASE_POOLER": pooler,
            "DJANGO_SECRET_KEY": secret,
            "OPENLOOP_PROFILE_DIR": profile,
        }
        args = ("-c", str(ROOT / "bench" / "gunicorn_profile.py")) if profile else ()
        server, port = _start_server(workers=workers, env=env, args=args)
        stack.callback(_stop, server)
        _wait_for(port)
        yield server, port


def run_openloop(*, rates=RATES, seconds: float = 60, workers: int = 4, pooler: str = "", profile: str = "") -> dict:
    rates = list(rates)
    # the largest population, and the fillers who replace those who submitted (with room to spare)
    needed = round(max(rates) * SLOT_SECONDS_PER_SAVE) + int(1.5 * sum(rates) * seconds / _MEAN_SAVES) + 100
    import secrets

    from django.test.utils import override_settings

    started = time.perf_counter()
    secret = secrets.token_urlsafe(50)  # the server's: the sessions made here are signed with it
    with override_settings(SECRET_KEY=secret):
        table, fillers = prepare(needed)
    prepared_s = time.perf_counter() - started
    name = f"openloop{os.getpid()}"
    with server_stack(pooler, workers, name, secret, profile) as (server, port):
        generator = Generator(port, fillers)
        asyncio.run(warm_up(generator, workers))
        steps = asyncio.run(run_steps(generator, rates, seconds, Cpu(server.pid, name)))
    rows = [summarise(s) for s in steps]
    return {
        "fillers_prepared": needed,
        "prepare_s": round(prepared_s, 1),
        "workers": workers,
        "pooler": pooler or "none",
        "step_seconds": seconds,
        "steps": rows,
        **knee(rows),
        "acknowledged_cells": len(generator.acked),
        "lost_updates": lost_updates(table, generator.acked, generator.unanswered),
        "submitted_rows": len(generator.submitted),
        "submissions_missing": submissions_missing(table, generator.submitted),
    }


def print_profile(folder: str, result: dict) -> None:
    """The workers' CPU by part of a request (bench/profile_save.py's parts), per request served."""
    import pstats

    from bench.profile_save import PARTS

    files = sorted(str(p) for p in Path(folder).glob("worker-*.pstats"))
    if not files:
        print("no worker profile written")
        return
    stats = pstats.Stats(*files)
    served = sum(r["served_per_s"] * result["step_seconds"] + r["submits"] for r in result["steps"])
    total = sum(row[2] for row in stats.stats.values())  # tottime: CPU seconds, as the profiler timed it
    print(f"gunicorn workers under cProfile (CPU time): {1000 * total / max(1, served):.2f} ms per request served")
    for label, filename, function in PARTS[1:]:
        cumulative = sum(
            row[3] for (file, _, name), row in stats.stats.items() if file.endswith(filename) and name == function
        )
        print(f"  {label:40s} {1000 * cumulative / max(1, served):6.2f} ms")
    stats.sort_stats("tottime").print_stats(15)


def _ms(value) -> str:
    return "—" if value is None else str(value)


def table_lines(result: dict) -> list[str]:
    lines = [
        "| offered /s | sent /s | served /s | p50 ms | p95 ms | p99 ms | 5xx | other errors | server CPU ms/request "
        "| generator CPU ms/req | cores busy | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["steps"]:
        cpu = r["server_cpu_ms_per_request"]  # meaningless where most requests went unanswered
        other = {k: v for k, v in r["errors"].items() if not (k.startswith("5") or k.startswith("submit 5"))}
        lines.append(
            f"| {r['offered_per_s']} | {r['sent_per_s']} | {r['served_per_s']} | {_ms(r['p50_ms'])} | "
            f"{_ms(r['p95_ms'])} | {_ms(r['p99_ms'])} | {r['errors_5xx']} | {', '.join(f'{k}: {v}' for k, v in other.items()) or 0} | "
            f"{cpu if r['served_per_s'] >= r['sent_per_s'] / 2 else '—'} | {r['generator_cpu_ms_per_request']} | "
            f"{r['machine_cores_busy']} | "
            f"{r['load_average'][0]:.1f}–{r['load_average'][1]:.1f} |"
        )
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", type=float, nargs="+", default=RATES)
    parser.add_argument("--step-seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--pooler", choices=("", "pgbouncer"), default="")
    parser.add_argument("--json", help="write the result here too")
    parser.add_argument("--profile", metavar="DIR", help="profile the gunicorn workers (CPU time), stats into DIR")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("openloop: set DATABASE_URL to a PostgreSQL database")
    import resource

    # An overloaded step keeps thousands of requests open at once (each up to TIMEOUT).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    from bench.run import setup_django

    setup_django(None)
    profile = str(Path(args.profile).resolve()) if args.profile else ""
    if profile:
        Path(profile).mkdir(parents=True, exist_ok=True)
    result = run_openloop(
        rates=args.rates, seconds=args.step_seconds, workers=args.workers, pooler=args.pooler, profile=profile
    )
    if profile:
        print_profile(profile, result)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    print("\n".join(table_lines(result)))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if result["lost_updates"] or result["submissions_missing"] or any(r["errors_5xx"] for r in result["steps"]):
        sys.exit("openloop: 5xx, lost updates or a submission not recorded")


if __name__ == "__main__":
    main()

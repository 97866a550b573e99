"""50 simulated fillers against gunicorn: throughput, p95, 5xx, and lost updates.

Two fillers share each row, so their saves race; each save carries the row's version. A
save the server acknowledges (200) is recorded with the version it produced; afterwards
every cell must hold the value of its acknowledged write with the highest version. The
load is bounded: a fixed number of seconds, loopback only.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-pass-2022!"
WORKERS = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copied_year(project, table, units, rng) -> None:
    """Make `table` a copied year (复制到新年度), the review aids' most expensive case: last year's
    table of the same units, every row approved, each column copied from last year's, and the
    first column counted toward a project indicator (汇总). A save then reads last year's values
    and the unit's reasons (targets.review_aids.saved_warnings)."""
    from reports.scale import _categories, _table
    from targets.models import TableColumn, TargetTable

    _table(rng, project, _categories(), units, 10, f"{table.title}（上年）")
    last = TargetTable.objects.get(project=project, title=f"{table.title}（上年）")
    last.rows.update(status="approved")
    table.copied_from = last
    table.save(update_fields=["copied_from"])
    old = {c.order: c.pk for c in last.columns.all()}
    for column in table.columns.all():
        TableColumn.objects.filter(pk=column.pk).update(copied_from_id=old[column.order])
    indicator = project.indicators.order_by("order").first()
    table.columns.filter(order=1).update(indicator=indicator)


def _prepare(fillers: int, copied: bool = False):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from projects.models import Project
    from reports.scale import _categories, _table
    from targets.models import TableRow
    from units.models import Membership, Unit

    project = Project.objects.filter(code__startswith="scale-").order_by("pk").first()
    units = Unit.objects.bulk_create(Unit(name=f"并发测试单位{n:03d}", category="region") for n in range(fillers // 2))
    _table(random.Random(5), project, _categories(), units, 10, "并发基准表")
    table = project.tables.get(title="并发基准表")
    if copied:
        copied_year(project, table, units, random.Random(6))
    table.rows.update(status="draft")
    table.status, table.deadline = "open", timezone.now() + timedelta(days=1)
    table.save()
    rows = list(TableRow.objects.filter(table=table).select_related("unit").order_by("seq"))
    columns = [c.pk for c in table.columns.filter(value_kind="number").order_by("order")]
    User = get_user_model()
    accounts = []
    for n in range(fillers):
        row = rows[n // 2]
        user = User.objects.create_user(f"load-{n:03d}", password=PASSWORD)
        Membership.objects.create(user=user, unit=row.unit, role="filler")
        accounts.append((user.username, row.pk, row.version))
    return table, columns, accounts


async def _login(client, base: str, username: str, log: dict) -> str | None:
    await client.get("/accounts/login/")
    token = client.cookies.get("csrftoken")
    response = await client.post(
        "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": base},
    )
    if response.status_code != 302:
        log["login_failures"] += 1
        return None
    return client.cookies.get("csrftoken")


async def _filler(
    client, base: str, token: str, username: str, row_id: int, version: int, columns: list[int], until: float, log: dict
):
    rng = random.Random(username)
    n = 0
    while time.monotonic() < until:
        n += 1
        column = rng.choice(columns)
        value = f"{rng.randint(1, 9)}{n:05d}"
        started = time.monotonic()
        response = await client.post(
            f"/rows/{row_id}/cells/",
            json={"version": version, "values": {str(column): value}},
            headers={"X-CSRFToken": token, "Referer": base},
        )
        log["latencies"].append(time.monotonic() - started)
        if response.status_code >= 500:
            log["errors_5xx"] += 1
            continue
        data = response.json()
        if response.status_code == 200:
            version = data["version"]
            log["acked"].append((row_id, column, value, version))
        elif response.status_code == 409:
            log["conflicts"] += 1
            version = data.get("version", version)
    if username.endswith(("0", "2", "4", "6", "8")):  # one filler of each row submits at the end
        started = time.monotonic()
        response = await client.post(
            f"/rows/{row_id}/submit/", data={"csrfmiddlewaretoken": token}, headers={"Referer": base}
        )
        log["latencies"].append(time.monotonic() - started)
        log["errors_5xx"] += response.status_code >= 500


def _start_server(*, workers: int = WORKERS, env: dict | None = None, args: tuple = ()) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    # Production settings over plain HTTP; static files are not measured, so no collectstatic.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_HTTPS": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        "LOGIN_FAILURE_LIMIT": "1000",
        **(env or {}),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *args,
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    return server, port


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.2)


def _server_cpu(pid: int) -> float:
    """CPU seconds gunicorn's master and its workers have used so far (Linux /proc): on a shared
    machine the requests per second measure the neighbours too, the server's CPU per request
    much less so."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def run_load(*, seconds: int, fillers: int, copied: bool = False) -> dict:
    """`copied`: the fillers' table is a copied year (`copied_year`)."""
    from targets.models import Cell

    table, columns, accounts = _prepare(fillers, copied)
    server, port = _start_server()
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(port)
        log = {"latencies": [], "acked": [], "errors_5xx": 0, "conflicts": 0, "login_failures": 0}

        timing = {}

        async def everyone():
            import httpx

            clients = [httpx.AsyncClient(base_url=base, timeout=60) for _ in accounts]
            try:
                # Log everyone in first (password hashing is slow by design), then start the clock.
                tokens = await asyncio.gather(*(_login(c, base, u, log) for c, (u, _, _) in zip(clients, accounts)))
                timing["started"], timing["cpu"] = time.monotonic(), _server_cpu(server.pid)
                until = timing["started"] + seconds
                await asyncio.gather(
                    *(
                        _filler(c, base, t, u, row, v, columns, until, log)
                        for c, t, (u, row, v) in zip(clients, tokens, accounts)
                        if t
                    )
                )
                timing["ended"], timing["cpu"] = time.monotonic(), _server_cpu(server.pid) - timing["cpu"]
            finally:
                for client in clients:
                    await client.aclose()

        asyncio.run(everyone())
        elapsed = timing["ended"] - timing["started"]
    finally:
        _stop(server)

    last: dict[tuple[int, int], tuple[int, str]] = {}
    for row_id, column, value, version in log["acked"]:
        if (row_id, column) not in last or version > last[(row_id, column)][0]:
            last[(row_id, column)] = (version, value)
    stored = {(c.row_id, c.column_id): c.raw for c in Cell.objects.filter(row__table=table)}
    lost = sum(1 for key, (_, value) in last.items() if stored.get(key) != value)
    latencies = sorted(log["latencies"])
    return {
        "workers": WORKERS,
        "fillers": fillers,
        "seconds": seconds,
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0,
        "median_ms": 1000 * statistics.median(latencies) if latencies else 0,
        "server_cpu_ms_per_request": 1000 * timing["cpu"] / len(latencies) if latencies else 0,
        "errors_5xx": log["errors_5xx"],
        "conflicts": log["conflicts"],
        "acknowledged": len(log["acked"]),
        "lost": lost,
        "login_failures": log["login_failures"],
    }


def _prepare_surge(fillers: int):
    """A table of `fillers` rows, one filler each, every row filled and 填报中."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from projects.models import Project
    from reports.scale import _categories, _table
    from targets.models import TableRow
    from units.models import Membership, Unit

    project = Project.objects.filter(code__startswith="scale-").order_by("pk").first()
    units = Unit.objects.bulk_create(Unit(name=f"截止测试单位{n:03d}", category="region") for n in range(fillers))
    _table(random.Random(6), project, _categories(), units, 10, "截止冲刺表")
    table = project.tables.get(title="截止冲刺表")
    table.rows.update(status="draft")
    table.status, table.deadline = "open", timezone.now() + timedelta(days=1)
    table.save()
    columns = [c.pk for c in table.columns.filter(value_kind="number").order_by("order")]
    User = get_user_model()
    accounts = []
    for n, row in enumerate(TableRow.objects.filter(table=table).select_related("unit").order_by("seq")):
        user = User.objects.create_user(f"surge-{n:03d}", password=PASSWORD)
        Membership.objects.create(user=user, unit=row.unit, role="filler")
        accounts.append((user.username, row.pk, row.version))
    return table, columns, accounts


async def _surger(client, base, token, row_id, version, column, start_at, log):
    """Wait for this filler's moment, save one cell, then submit with a double click."""
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    headers = {"X-CSRFToken": token, "Referer": base}
    started = time.monotonic()
    response = await client.post(
        f"/rows/{row_id}/cells/", json={"version": version, "values": {str(column): "123"}}, headers=headers
    )
    log["latencies"].append(time.monotonic() - started)
    log["errors_5xx"] += response.status_code >= 500
    started = time.monotonic()
    submits = await asyncio.gather(
        *(
            client.post(f"/rows/{row_id}/submit/", data={"csrfmiddlewaretoken": token}, headers={"Referer": base})
            for _ in range(2)
        )
    )
    log["latencies"].append(time.monotonic() - started)
    log["errors_5xx"] += sum(r.status_code >= 500 for r in submits)


def run_surge(*, fillers: int = 300, window: float = 120.0) -> dict:
    """The deadline surge: `fillers` fillers each save a cell and submit their row (clicking
    submit twice at once) at a random moment within `window` seconds. Every row must end
    submitted, with exactly one submission in its audit log, and no answer may be a 5xx."""
    from targets.models import TableRow
    from units.models import AuditEntry

    table, columns, accounts = _prepare_surge(fillers)
    server, port = _start_server()
    base = f"http://127.0.0.1:{port}"
    log = {"latencies": [], "errors_5xx": 0, "login_failures": 0}
    try:
        _wait_for(port)

        async def everyone():
            import httpx

            clients = [httpx.AsyncClient(base_url=base, timeout=120) for _ in accounts]
            limit = asyncio.Semaphore(8)  # logins hash passwords: a few at a time, before the clock

            async def login(client, username):
                async with limit:
                    return await _login(client, base, username, log)

            try:
                tokens = await asyncio.gather(*(login(c, u) for c, (u, _, _) in zip(clients, accounts)))
                rng = random.Random(11)
                start = time.monotonic()
                await asyncio.gather(
                    *(
                        _surger(c, base, t, row, v, rng.choice(columns), start + rng.uniform(0, window), log)
                        for c, t, (_, row, v) in zip(clients, tokens, accounts)
                        if t
                    )
                )
                return time.monotonic() - start
            finally:
                for client in clients:
                    await client.aclose()

        elapsed = asyncio.run(everyone())
    finally:
        _stop(server)
    row_ids = [row for _, row, _ in accounts]
    submitted = TableRow.objects.filter(pk__in=row_ids, status="submitted").count()
    per_row = {}
    for object_id in AuditEntry.objects.filter(
        action="targets.row.submitted", object_type="targets.TableRow", object_id__in=[str(r) for r in row_ids]
    ).values_list("object_id", flat=True):
        per_row[object_id] = per_row.get(object_id, 0) + 1
    latencies = sorted(log["latencies"])
    return {
        "fillers": fillers,
        "window_s": window,
        "elapsed_s": elapsed,
        "requests": len(latencies) + len(latencies) // 2,  # a double-click submit is two requests
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0,
        "errors_5xx": log["errors_5xx"],
        "login_failures": log["login_failures"],
        "rows_submitted": submitted,
        "submissions_recorded_once": sum(1 for n in per_row.values() if n == 1),
        "submissions_recorded_twice_or_more": sum(1 for n in per_row.values() if n > 1),
    }

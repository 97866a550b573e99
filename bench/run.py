"""The benchmark suite: `make bench` (full) or `python bench/run.py --small` (CI).

Measures side by side in one run and reports ratios and query counts, not seconds alone:
pages at 16 / 1,000 / 10,000 rows, an official export against the bare library and
against django-import-export, peak memory of a large export, an import against reading
the same file, and (full run, PostgreSQL) 50 concurrent fillers against gunicorn.
Writes docs/benchmarks.md (full) and exits non-zero when a target is missed by a wide
margin (the slack is in TARGETS).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Targets from the issue (target, slack): the run fails beyond the slack, which sits just
# above the figures measured (docs/benchmarks.md states both), so a regression fails CI
# while the noise of a shared machine does not.
# Ratios are of CPU seconds of interleaved runs (medians), so a loaded machine moves them little.
TARGETS = {
    # ≤ 1.0× the fastest bare writer (XlsxWriter constant-memory or openpyxl write-only) beside it
    # (CPU: ours reads the 200,000 cells from SQLite in this process, the bare writers get them read)
    "export_vs_fastest_writer": (1.0, 1.6),
    "import_export_vs_ours": (5.0, 3.5),  # ≥ 5× faster than django-import-export
    # preview + apply ≤ 2× openpyxl read-only reading the file (10,000 rows; at --small's 1,000 the
    # fixed part weighs more: 2.9× measured, so the guard sits above that)
    "import_vs_floor": (2.0, 3.6),
    "export_peak_mb": (80, 95),  # a worker process; 1,000,000 cells (full run; 20,000 on the small one)
}


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _run(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call. On a shared machine the CPU
    seconds are what a ratio is taken on: a neighbour's burst stretches the wall time of one
    run, not the work it did (SQLite runs in this process, so its work is counted too)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def _medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def setup_django(database: str | None):
    if database is None and not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_local")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_data(sizes: tuple[int, ...], provinces: int, export_rows: int):
    import random

    from projects.models import Project
    from reports.scale import _categories, _table, generate_scale
    from units.models import Unit

    started = time.perf_counter()
    counts = generate_scale(provinces=provinces, projects_per_province=3 if provinces > 1 else 1, table_rows=sizes)
    generated = time.perf_counter() - started
    project = Project.objects.filter(code__startswith="scale-").order_by("pk").first()
    units = list(Unit.objects.filter(name__contains="规模测试单位").order_by("pk")[:export_rows])
    if len(units) < export_rows:
        extra = Unit.objects.bulk_create(
            Unit(name=f"导出测试单位{n:06d}", category="region") for n in range(export_rows - len(units))
        )
        units += extra
    _table(random.Random(7), project, _categories(), units, 10, f"导出基准表（{export_rows}行）")
    return counts, generated


def admin_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from units.models import Membership, Unit

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    bureau = Unit.objects.filter(category="bureau").first()
    Membership.objects.get_or_create(user=user, unit=bureau, defaults={"role": "admin"})
    client = Client()
    client.force_login(user)
    return client, user


def bench_pages(sizes, repeat: int) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from targets.models import TargetTable

    client, _ = admin_client()
    results = []
    for size in sizes:
        table = TargetTable.objects.filter(title__contains=f"（{size}行").first()
        for name, url in (
            ("grid", reverse("targets:table_grid", args=[table.pk])),
            ("progress", reverse("targets:table_progress", args=[table.pk])),
        ):
            client.get(url)
            connection.queries_log.clear()  # the log keeps 9,000 entries; the data build filled it
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            assert response.status_code == 200
            seconds = _median(lambda url=url: client.get(url), repeat)
            results.append(
                {
                    "page": name,
                    "rows": size,
                    "queries": len(ctx.captured_queries),
                    "median_ms": seconds * 1000,
                    "bytes": len(response.content),
                }
            )
    return results


def _export_values(table) -> list[list]:
    """The cells of the table as the export writes them: numbers as numbers, the rest as text."""
    from reports.exporters.base import number_value
    from targets.models import Cell, ValueKind

    numeric = set(table.columns.filter(value_kind=ValueKind.NUMBER).values_list("pk", flat=True))
    rows: dict[int, list] = {}
    for row_id, column_id, raw, number in (
        Cell.objects.filter(row__table=table)
        .order_by("row__seq", "column__order")
        .values_list("row_id", "column_id", "raw", "number")
    ):
        value = number_value(number) if column_id in numeric and number is not None else raw
        rows.setdefault(row_id, []).append(value)
    return list(rows.values())


def bench_export(rows: int, repeat: int) -> dict:
    import xlsxwriter
    from import_export import fields, resources
    from openpyxl import Workbook

    from reports.exporters import export_workbook, exporter_for
    from targets.models import Cell, TargetTable
    from units import policy

    table = TargetTable.objects.get(title=f"导出基准表（{rows}行）")
    user = policy.system_user()
    cells = table.columns.count() * rows
    values = _export_values(table)

    def ours():
        # To a temporary file, as the XlsxWriter floor writes and as an export job does (_store).
        with tempfile.TemporaryFile() as out:
            export_workbook([(exporter_for("unit_table"), table)], user).save(out)

    def xlsxwriter_floor():
        # The same values, bare, in the same mode: what the library itself costs.
        with tempfile.TemporaryFile() as out:
            workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
            ws = workbook.add_worksheet()
            for r, line in enumerate(values):
                ws.write_row(r, 0, line)
            workbook.close()

    def openpyxl_floor():
        workbook = Workbook(write_only=True)
        ws = workbook.create_sheet()
        for line in values:
            ws.append(line)
        workbook.save(io.BytesIO())

    class CellResource(resources.ModelResource):
        raw = fields.Field(attribute="raw", column_name="指标值")

        class Meta:
            model = Cell
            fields = ["raw"]

    def import_export():
        return CellResource().export(Cell.objects.filter(row__table=table).order_by("row__seq", "column__order")).xlsx

    # Interleaved, so a noisy neighbour slows all three alike; ratios on CPU seconds (_run).
    ours_t, floor_t, openpyxl_t = [], [], []
    for _ in range(repeat):
        ours_t.append(_run(ours))
        floor_t.append(_run(xlsxwriter_floor))
        openpyxl_t.append(_run(openpyxl_floor))
    (ours_s, ours_cpu), (floor_s, floor_cpu), (openpyxl_s, openpyxl_cpu) = map(_medians, (ours_t, floor_t, openpyxl_t))
    ie_s, ie_cpu = _medians([_run(import_export) for _ in range(max(1, repeat // 2))])
    return {
        "cells": cells,
        "ours_s": ours_s,
        "floor_s": floor_s,
        "openpyxl_floor_s": openpyxl_s,
        "import_export_s": ie_s,
        "cpu_s": {"ours": ours_cpu, "floor": floor_cpu, "openpyxl": openpyxl_cpu, "import_export": ie_cpu},
        "export_vs_floor": ours_cpu / floor_cpu,
        "export_vs_openpyxl_floor": ours_cpu / openpyxl_cpu,
        "export_vs_fastest_writer": ours_cpu / min(floor_cpu, openpyxl_cpu),
        "import_export_vs_ours": ie_cpu / ours_cpu,
        "wall_ratios": {"export_vs_floor": ours_s / floor_s, "import_export_vs_ours": ie_s / ours_s},
    }


def bench_export_memory(rows: int, process: str = "worker") -> float:
    """Peak RSS of a separate process exporting a `rows` × 10 table (MB): a worker's (where
    exports run, DJANGO_PROCESS=worker) or, for comparison, a web process's."""
    code = f"""
import io, os, resource, sys
sys.path.insert(0, {str(ROOT)!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_local")
import django; django.setup()
from reports.exporters import export_workbook, exporter_for
from targets.models import TargetTable
from units import policy
table = TargetTable.objects.get(title="导出基准表（{rows}行）")
out = open(os.devnull, "wb")
export_workbook([(exporter_for("unit_table"), table)], policy.system_user()).save(out)
# VmHWM is this process image's own peak; ru_maxrss would carry the parent's peak across exec.
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")))
"""
    env = {**os.environ, "DJANGO_PROCESS": process}
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return int(output.stdout.strip().splitlines()[-1]) / 1024


def bench_import(rows: int, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from openpyxl import load_workbook

    from reports.exporters import export_workbook, exporter_for, workbook_bytes
    from reports.import_services import import_preview
    from reports.importers import plan_apply
    from targets.models import TargetTable
    from units import policy

    table = TargetTable.objects.get(title__contains=f"（{rows}行")
    table.rows.update(status="draft")  # an import may change only editable rows
    user = policy.system_user()

    def changed_file(value) -> bytes:
        # Exported afresh (the row versions move on with each import), then every value of the
        # first column changed, so the commit writes every row.
        data = workbook_bytes(export_workbook([(exporter_for("unit_table"), table)], user))
        workbook = load_workbook(io.BytesIO(data))
        ws = workbook.worksheets[0]
        for r in range(5, ws.max_row + 1):
            ws.cell(r, 3).value = value
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def floor(data):
        book = load_workbook(io.BytesIO(data), read_only=True)
        for _ in book.worksheets[0].iter_rows(values_only=True):
            pass
        book.close()

    # Interleaved, a new value each time (no memo carries over), the median of each; the ratio
    # on CPU seconds (_run).
    ours_t, floor_t, done = [], [], {}

    def ours(data):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            plan = import_preview(name="bench.xlsx", data=data, user=user)
            assert plan.ok, [str(e) for e in plan.errors[:3]]
            plan_apply(plan, actor=None)
        done.update(changes=len(plan.changes), queries=len(ctx.captured_queries))

    for n in range(repeat):
        data = changed_file(7 + n)
        floor_t.append(_run(lambda data=data: floor(data)))
        ours_t.append(_run(lambda data=data: ours(data)))
    (ours_s, ours_cpu), (floor_s, floor_cpu) = _medians(ours_t), _medians(floor_t)
    return {
        "rows": rows,
        **done,
        "ours_s": ours_s,
        "floor_s": floor_s,
        "cpu_s": {"ours": ours_cpu, "floor": floor_cpu},
        "import_vs_floor": ours_cpu / floor_cpu,
        "wall_ratio": ours_s / floor_s,
        "runs": {"ours_cpu": [round(r[1], 2) for r in ours_t], "floor_cpu": [round(r[1], 2) for r in floor_t]},
    }


def bench_concurrency(seconds: int, fillers: int) -> dict | None:
    """gunicorn (4 workers) on this database; `fillers` clients save cells of their rows, two
    clients per row so saves race; afterwards every cell must hold the last write the server
    acknowledged for it."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return None
    from bench.load import run_load

    return run_load(seconds=seconds, fillers=fillers)


GOAL_RATE = 150


def _bench_openloop() -> dict:
    from bench.openloop import run_openloop

    return run_openloop()


def _p95_at(result: dict, rate: float):
    return next((r["p95_ms"] for r in result["steps"] if r["offered_per_s"] == rate), None)


def _bench_surge() -> dict:
    from bench.load import run_surge

    return run_surge(fillers=300, window=120.0)


def write_report(path: Path, data: dict):
    lines = [
        "# Benchmarks",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, database {data['database']}. Medians of repeated runs; the "
        "machine is shared and noisy, so compare the ratios and query counts.",
        "",
        f"Data: `generate_scale` built {data['generated']} in {data['generate_s']:.0f} s.",
        "",
        "## Pages",
        "",
        "| page | rows | queries | median ms | HTML KB |",
        "|---|---|---|---|---|",
    ]
    for p in data["pages"]:
        lines.append(f"| {p['page']} | {p['rows']:,} | {p['queries']} | {p['median_ms']:.0f} | {p['bytes'] // 1024} |")
    e = data["export"]
    lines += [
        "",
        "## Export",
        "",
        f"An official-layout export of a {e['cells']:,}-cell table (unit table, grouped header, styles, print setup, "
        "read from the database) against the same values written bare by XlsxWriter in constant-memory mode (the "
        "floor), by openpyxl in write-only mode, and against django-import-export's `ModelResource` export of the "
        "same cells. Ours and the two bare writers run interleaved, the median of each.",
        "",
        "| what | median s | ratio |",
        "|---|---|---|",
        f"| ours | {e['ours_s']:.2f} | {e['export_vs_fastest_writer']:.2f}× the fastest bare writer, CPU "
        f"(target ≤ 1.0×); {e['export_vs_floor']:.2f}× XlsxWriter |",
        f"| floor: XlsxWriter constant-memory, bare values | {e['floor_s']:.2f} | 1 |",
        f"| openpyxl write-only, bare values | {e['openpyxl_floor_s']:.2f} | ours is "
        f"{e['export_vs_openpyxl_floor']:.2f}× |",
        f"| django-import-export | {e['import_export_s']:.2f} | {e['import_export_vs_ours']:.1f}× ours, CPU (target ≥ 5×) |",
        "",
        f"Peak memory of a {data['memory_cells']:,}-cell export in its own process: "
        f"**{data['export_peak_mb']:.0f} MB** in a worker process (target ≤ 80 MB), "
        f"{data['export_peak_mb_web_process']:.0f} MB in a web process.",
    ]
    i = data["import"]
    lines += [
        "",
        "## Import",
        "",
        f"Preview and commit of a {i['rows']:,}-row table ({i['changes']:,} changed cells) against reading the "
        "same file with openpyxl read-only (the floor).",
        "",
        f"| ours (preview + commit) | {i['ours_s']:.2f} s | {i['import_vs_floor']:.2f}× the floor, CPU (target ≤ 2×) |",
        "|---|---|---|",
        f"| floor | {i['floor_s']:.2f} s | 1 |",
        "",
        f"Queries for the whole import: {i['queries']} (batches of 1,000 rows; a constant number per batch).",
    ]
    c = data.get("concurrency")
    lines += ["", "## Concurrency", ""]
    if c:
        lines += [
            f"gunicorn ({c['workers']} workers) and PostgreSQL on loopback; {c['fillers']} simulated fillers "
            f"(two per row, so saves race) editing cells and submitting for {c['seconds']} s.",
            "",
            "| requests | per second | p95 ms | 5xx | conflicts refused (409) | lost updates |",
            "|---|---|---|---|---|---|",
            f"| {c['requests']:,} | {c['rps']:.0f} | {c['p95_ms']:.0f} | {c['errors_5xx']} | {c['conflicts']} | {c['lost']} |",
        ]
    else:
        lines += ["Not run: needs `DATABASE_URL` pointing at PostgreSQL (`make bench` with it set)."]
    if u := data.get("surge"):
        lines += [
            "",
            f"Deadline surge: {u['fillers']} fillers each save a cell and submit their row (submit clicked twice at "
            f"once) at a random moment within {u['window_s']:.0f} s.",
            "",
            "| requests | p95 ms | 5xx | rows submitted | recorded once | recorded twice |",
            "|---|---|---|---|---|---|",
            f"| {u['requests']:,} | {u['p95_ms']:.0f} | {u['errors_5xx']} | {u['rows_submitted']} | "
            f"{u['submissions_recorded_once']} | {u['submissions_recorded_twice_or_more']} |",
        ]
    if o := data.get("openloop"):
        from bench.openloop import table_lines

        lines += [
            "",
            "## Deadline day, open loop",
            "",
            f"Open-loop arrivals (bench/openloop.py): fillers saving every 10–30 s, each submitting once; "
            f"{o['step_seconds']:.0f} s per step, gunicorn ({o['workers']} workers), pooler {o['pooler']}. "
            f"Knee {o['knee_offered_per_s']}/s; p95 ≤ 200 ms up to {o['best_within_goal_per_s']}/s; "
            f"{o['saves_per_core_s']} saves/s per core of server CPU there; lost updates {o['lost_updates']}, "
            f"submissions not recorded {o['submissions_missing']}.",
            "",
            *table_lines(o),
        ]
    lines += ["", "## Targets", ""] + [f"- {line}" for line in data["verdicts"]]
    lines += ["", "## What the figures changed", "", *data["notes"]]
    path.write_text("\n".join(lines + kept_sections(path)) + "\n", encoding="utf-8")


# Written from other runs (bench/scale_units.py; the round's hand-taken figures), not from this one.
KEPT = ("## Many units", "## This round")


def kept_sections(path: Path) -> list[str]:
    """The sections of the existing report that other benches measured, carried over as they are."""
    if not path.exists():
        return []
    kept, keeping = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            keeping = line.startswith(KEPT)
            if keeping:
                kept.append("")
        if keeping:
            kept.append(line)
    return kept


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="the CI version: small sizes, no report file")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument(
        "--no-openloop", action="store_true", help="skip the open-loop deadline day (bench/openloop.py)"
    )
    args = parser.parse_args()
    setup_django(None)
    from django.conf import settings

    if args.small:
        sizes, provinces, export_rows, memory_rows, import_rows, repeat = (16, 1000), 2, 2000, 2000, 1000, 5
    else:
        sizes, provinces, export_rows, memory_rows, import_rows, repeat = (16, 1000, 10000), 31, 20000, 100000, 10000, 5
    counts, generate_s = build_data(sizes, provinces, export_rows)
    if memory_rows != export_rows:
        import random

        from projects.models import Project
        from reports.scale import _categories, _table
        from units.models import Unit

        project = Project.objects.filter(code__startswith="scale-").order_by("pk").first()
        units = Unit.objects.bulk_create(
            Unit(name=f"内存测试单位{n:06d}", category="region") for n in range(memory_rows)
        )
        _table(random.Random(9), project, _categories(), units, 10, f"导出基准表（{memory_rows}行）")
    data = {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "generate_s": generate_s,
        "generated": "，".join(f"{k} {v:,}" for k, v in counts.items()),
    }
    data["pages"] = bench_pages(sizes, repeat)
    data["export"] = bench_export(export_rows, repeat)
    data["memory_cells"] = memory_rows * 10
    data["export_peak_mb"] = bench_export_memory(memory_rows)
    data["export_peak_mb_web_process"] = bench_export_memory(memory_rows, "web")
    data["import"] = bench_import(import_rows, repeat)
    data["concurrency"] = None if args.small else bench_concurrency(seconds=20, fillers=50)

    failures, verdicts = [], []
    by_page = {}
    for p in data["pages"]:
        by_page.setdefault(p["page"], set()).add(p["queries"])
    for page, queries in by_page.items():
        ok = len(queries) == 1
        verdicts.append(f"{page} page queries {'constant' if ok else 'GROW'} across sizes: {sorted(queries)}")
        if not ok:
            failures.append(f"{page} queries grow with rows")
    checks = [
        ("export_vs_fastest_writer", data["export"]["export_vs_fastest_writer"], "≤"),
        ("import_export_vs_ours", data["export"]["import_export_vs_ours"], "≥"),
        ("import_vs_floor", data["import"]["import_vs_floor"], "≤"),
        ("export_peak_mb", data["export_peak_mb"], "≤"),
    ]
    for name, value, sense in checks:
        target, slack = TARGETS[name]
        met = value <= target if sense == "≤" else value >= target
        wide = value > slack if sense == "≤" else value < slack
        verdicts.append(
            f"{name}: {value:.2f} (target {sense} {target}) — {'met' if met else 'missed'}; CI fails beyond {slack}"
        )
        if wide:
            failures.append(f"{name} = {value:.2f}, beyond the slack ({slack})")
    u = data["surge"] = None if args.small or not data["concurrency"] else _bench_surge()
    o = data["openloop"] = None if args.small or not data["concurrency"] or args.no_openloop else _bench_openloop()
    if o:
        verdicts.append(
            f"open loop: p95 at {GOAL_RATE}/s offered {_p95_at(o, GOAL_RATE)} ms (target ≤ 200), knee "
            f"{o['knee_offered_per_s']}/s, {o['lost_updates']} lost updates, "
            f"{sum(r['errors_5xx'] for r in o['steps'])} 5xx"
        )
        if o["lost_updates"] or o["submissions_missing"] or any(r["errors_5xx"] for r in o["steps"]):
            failures.append("open loop: 5xx, lost updates or a submission not recorded")
    if u:
        ok = not u["errors_5xx"] and u["submissions_recorded_once"] == u["rows_submitted"] == u["fillers"]
        verdicts.append(
            f"surge: {u['fillers']} fillers, {u['errors_5xx']} 5xx, {u['rows_submitted']} rows submitted, "
            f"{u['submissions_recorded_twice_or_more']} recorded twice"
        )
        if not ok:
            failures.append("surge: 5xx, a row not submitted or a submission recorded twice")
    c = data["concurrency"]
    if c:
        verdicts.append(f"concurrency: {c['errors_5xx']} 5xx, {c['lost']} lost updates")
        if c["errors_5xx"] or c["lost"]:
            failures.append("concurrency: 5xx or lost updates")
    data["verdicts"] = verdicts
    data["notes"] = NOTES
    print(json.dumps({k: v for k, v in data.items() if k not in ("notes",)}, ensure_ascii=False, indent=1, default=str))
    if not args.small:
        write_report(Path(args.out), data)
        print(f"wrote {args.out}")
    if failures:
        print("FAILED: " + "; ".join(failures))
        sys.exit(1)
    print("bench: all checks within their slack")


NOTES = [
    "Before this round (2026-11-22, PostgreSQL): export 7.06 s = 3.55× the openpyxl write-only floor, "
    "django-import-export 1.2× slower than ours, 1,000,000 cells peaked at 123 MB; import 7.29 s = 5.04× the "
    "read-only floor.",
    "",
    "- Every layout is now written by XlsxWriter in constant-memory mode (`reports/exporters/xlsx.py`, "
    "docs/design.md §6 says which helper per layout and why). The floor moved with it: XlsxWriter writing the "
    "same values bare, in the same mode, in the same run.",
    "- Profile of the first XlsxWriter version (200,000 cells, cProfile): 2.6× the floor. XlsxWriter's own "
    "per-cell path (`_write_cell`, `_write_single_row`, attribute escaping) took half the time, our row loop "
    "(style lookups, `xml_safe` per text, `display_width` per character for the row heights) a quarter, "
    "Django's Decimal converters and model attribute access the rest.",
    "- What brought it to the floor: `StreamingSheet.append` serialises a row's XML itself, exactly as "
    "XlsxWriter's constant-memory writer does, in one write (formats resolved to their index once per style); "
    "a text is escaped once and remembered (values repeat: 显著增长, ≥500条); cells come straight from the "
    "cursor with the number cast to a float in SQL (no Decimal, no converter per cell); `display_width` counts "
    "wide characters with one regex instead of a Python loop, and a text shorter than half its column skips it.",
    "- Small layouts (附件2, 附表, budget, lists) keep their cells in a dict and write them sorted at the end of "
    "the sheet (`base.SheetWriter`): same fonts, boxes, merges, widths, heights and print setup.",
    "- Import profile (3,000 rows, cProfile): model objects dominated — every cell of the table loaded as a "
    "`Cell` for the preview, every changed cell again for the apply, and each row with its table and project "
    "three times (preview, recheck, lock); then the parser (check_text, value parse, field lookup) per cell.",
    "- What changed: the preview reads the current texts with `values_list`; the apply replaces changed cells "
    "from (id, text) pairs and builds new cells by id, not through related descriptors; rows share one table "
    "object; `TableColumn.parse_once` and the cell reader's checks are worked out once per distinct value of a "
    "column (a refusal is remembered and raised again). The preview page shows the counts first and the "
    "change list 200 a page.",
    "- Fidelity: fonts, borders, number formats, merges, print setup (A4, orientation, fit to one page wide, repeated title rows, margins, footer) as before; column widths and row heights are written as the numbers openpyxl wrote (XlsxWriter's own `set_column` would add the cell padding). Two tests were adapted: the A4 test accepts a missing `fitToWidth` (XlsxWriter leaves out the attribute's default, 1, which openpyxl reads as None) and now also checks `fitToHeight` 0; the crash-mid-write test patches the new writer's `save`. The LibreOffice render tests ran (LibreOffice installed for this round) and pass.",
    "",
    "## What is still open",
    "",
    "- The plan stored with an import job still lists every change (label, before, after) so the page can show "
    "any page of it; building that list costs little next to the reading and the writes, but a plan that kept "
    "only the row updates and derived a page's before/after on demand would be leaner still.",
    "- The commit's Django model instances (a row and its unit loaded twice, a `Cell` and an `AuditEntry` "
    "per changed cell for `bulk_create`) were half its time: cells and audit entries are now inserted as value "
    "tuples (`units/bulk.py`), the permission recheck runs on the rows as they are locked (loaded once).",
]


if __name__ == "__main__":
    main()

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

# Targets from the issue, and the guard the run fails beyond. Timings are noisy, and two
# targets are not met yet (docs/benchmarks.md says why): their guard sits above today's
# figures, so CI catches a regression without pretending the target is reached.
TARGETS = {
    "export_vs_floor": (1.3, 5.0),  # target ≤ 1.3× the bare library; today ~3×
    "import_export_vs_ours": (3.0, 0.8),  # target ≥ 3× faster than django-import-export; never slower
    "import_vs_floor": (3.0, 10.0),  # target ≤ 3× reading the file; today ~5×
    "export_peak_mb": (250, 400),
}


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


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


def bench_export(rows: int, repeat: int) -> dict:
    from import_export import fields, resources
    from openpyxl import Workbook

    from reports.exporters import export_workbook, exporter_for
    from targets.models import Cell, TargetTable
    from units import policy

    table = TargetTable.objects.get(title=f"导出基准表（{rows}行）")
    user = policy.system_user()
    cells = table.columns.count() * rows

    def ours():
        export_workbook([(exporter_for("unit_table"), table)], user).save(io.BytesIO())

    values = list(
        Cell.objects.filter(row__table=table).order_by("row__seq", "column__order").values_list("raw", flat=True)
    )
    width = table.columns.count()

    def floor():
        workbook = Workbook(write_only=True)
        ws = workbook.create_sheet()
        for start in range(0, len(values), width):
            ws.append(values[start : start + width])
        workbook.save(io.BytesIO())

    class CellResource(resources.ModelResource):
        raw = fields.Field(attribute="raw", column_name="指标值")

        class Meta:
            model = Cell
            fields = ["raw"]

    def import_export():
        return CellResource().export(Cell.objects.filter(row__table=table).order_by("row__seq", "column__order")).xlsx

    ours_s = _median(ours, repeat)
    floor_s = _median(floor, repeat)
    ie_s = _median(import_export, max(1, repeat // 2))
    return {
        "cells": cells,
        "ours_s": ours_s,
        "floor_s": floor_s,
        "import_export_s": ie_s,
        "export_vs_floor": ours_s / floor_s,
        "import_export_vs_ours": ie_s / ours_s,
    }


def bench_export_memory(rows: int) -> float:
    """Peak RSS of a separate process exporting a `rows` × 10 table (MB)."""
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
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ)
    return int(output.stdout.strip().splitlines()[-1]) / 1024


def bench_import(rows: int, repeat: int) -> dict:
    from openpyxl import load_workbook

    from reports.exporters import export_workbook, exporter_for, workbook_bytes
    from reports.import_services import import_preview
    from reports.importers import plan_apply
    from targets.models import TargetTable
    from units import policy

    table = TargetTable.objects.get(title__contains=f"（{rows}行")
    table.rows.update(status="draft")  # an import may change only editable rows
    user = policy.system_user()
    data = workbook_bytes(export_workbook([(exporter_for("unit_table"), table)], user))
    # Change every value of the first column, so the commit writes every row.
    workbook = load_workbook(io.BytesIO(data))
    ws = workbook.worksheets[0]
    for r in range(5, ws.max_row + 1):
        ws.cell(r, 3).value = 7
    buffer = io.BytesIO()
    workbook.save(buffer)
    changed = buffer.getvalue()

    def floor():
        book = load_workbook(io.BytesIO(changed), read_only=True)
        for _ in book.worksheets[0].iter_rows(values_only=True):
            pass
        book.close()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        plan = import_preview(name="bench.xlsx", data=changed, user=user)
        assert plan.ok, [str(e) for e in plan.errors[:3]]
        plan_apply(plan, actor=None)
    ours = time.perf_counter() - started
    floor_s = _median(floor, repeat)
    return {
        "rows": rows,
        "changes": len(plan.changes),
        "ours_s": ours,
        "floor_s": floor_s,
        "import_vs_floor": ours / floor_s,
        "queries": len(ctx.captured_queries),
    }


def bench_concurrency(seconds: int, fillers: int) -> dict | None:
    """gunicorn (4 workers) on this database; `fillers` clients save cells of their rows, two
    clients per row so saves race; afterwards every cell must hold the last write the server
    acknowledged for it."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return None
    from bench.load import run_load

    return run_load(seconds=seconds, fillers=fillers)


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
        f"An official-layout export of a {e['cells']:,}-cell table (unit table, grouped header, styles, print setup) "
        "against the same cells written bare by openpyxl in write-only mode (the floor) and against "
        "django-import-export's `ModelResource` export of the same values.",
        "",
        "| what | median s | ratio |",
        "|---|---|---|",
        f"| ours | {e['ours_s']:.2f} | {e['export_vs_floor']:.2f}× the floor (target ≤ 1.3×) |",
        f"| floor: openpyxl write-only | {e['floor_s']:.2f} | 1 |",
        f"| django-import-export | {e['import_export_s']:.2f} | {e['import_export_vs_ours']:.1f}× ours (target ≥ 3×) |",
        "",
        f"Peak memory of a {data['memory_cells']:,}-cell export in its own process: "
        f"**{data['export_peak_mb']:.0f} MB** (target ≤ 250 MB).",
    ]
    i = data["import"]
    lines += [
        "",
        "## Import",
        "",
        f"Preview and commit of a {i['rows']:,}-row table ({i['changes']:,} changed cells) against reading the "
        "same file with openpyxl read-only (the floor).",
        "",
        f"| ours (preview + commit) | {i['ours_s']:.2f} s | {i['import_vs_floor']:.2f}× the floor (target ≤ 3×) |",
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
    lines += ["", "## Targets", ""] + [f"- {line}" for line in data["verdicts"]]
    lines += ["", "## What the figures changed", "", *data["notes"]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="the CI version: small sizes, no report file")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    setup_django(None)
    from django.conf import settings

    if args.small:
        sizes, provinces, export_rows, memory_rows, import_rows, repeat = (16, 1000), 2, 2000, 2000, 1000, 3
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
        ("export_vs_floor", data["export"]["export_vs_floor"], "≤"),
        ("import_export_vs_ours", data["export"]["import_export_vs_ours"], "≥"),
        ("import_vs_floor", data["import"]["import_vs_floor"], "≤"),
        ("export_peak_mb", data["export_peak_mb"], "≤"),
    ]
    for name, value, sense in checks:
        target, slack = TARGETS[name]
        met = value <= target if sense == "≤" else value >= target
        wide = value > slack if sense == "≤" else value < slack
        verdicts.append(f"{name}: {value:.2f} (target {sense} {target}) — {'met' if met else 'missed'}")
        if wide:
            failures.append(f"{name} = {value:.2f}, beyond the slack ({slack})")
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
    "- The unit-table export wrote every cell with its own font, alignment and border objects into a normal "
    "worksheet and read the whole table into memory. It now streams: a write-only worksheet, a few named styles "
    "shared by every cell, rows and cells read in chunks of 2,000 rows (two queries per chunk). The same code "
    "fills a normal sheet inside a bundle, so the printed layout did not change (the LibreOffice checks pass).",
    "- Imports applied their rows one service call at a time (several queries per row). `rows_cells_update` now "
    "writes batches of 1,000 rows with a constant number of queries (lock, columns, cells, bulk create, bulk "
    "update, row versions, audit entries); the grid's single-row save goes through the same function.",
    "- The grid and progress pages rendered every row: a 10,000-row table is now paged (200 rows a page) and "
    "filtered by status and unit name, with the query count unchanged by size.",
    "- Measured on the small run (SQLite, 1,000 rows): the import went from 17× to about 5× the floor. Most of the "
    "gain came from replacing Django's `bulk_update` (one CASE per row) with DELETE + INSERT of the changed cells "
    "and one `F('version') + 1` update; memoising the pure value parser took a little more.",
    "- The 1,000,000-cell export peaked at 414 MB: write-only openpyxl still keeps a row-dimension object for every "
    "row given a height. The sheet now has a default row height and only multi-line rows carry one: 123 MB.",
    "",
    "## Why three targets are still missed, and what would reach them",
    "",
    "- Export ≤ 1.3× the floor and ≥ 3× faster than django-import-export: the floor writes bare values, and "
    "django-import-export's export of one field per cell also writes bare values through openpyxl. Our export "
    "writes every cell with its style (font, border, wrapping — the official form needs them) plus the header, "
    "merges and print setup; openpyxl spends most of its time serialising styled cells. The way to the target is "
    "XlsxWriter in constant-memory mode (formats are shared indexes, writing is several times faster than "
    "openpyxl), with the floor measured in XlsxWriter too. It is a rewrite of the streaming sheet writer and the "
    "exporters' tests, left for a follow-up issue.",
    "- Import ≤ 3× the floor: the floor only iterates the file's values. We also build a grid cell per value, "
    "check and parse each against its column (the commit re-checks under the grid's rules; the memoised parser "
    "makes that second pass cheap), record a before/after line per changed cell for the preview, and create "
    "10,000 model instances for the new cells and their audit entries. A leaner preview (counts first, details on "
    "demand) is the next step.",
]


if __name__ == "__main__":
    main()

"""Where the time of one cell save goes: `python bench/profile_save.py [--saves N]`.

A filler logged in the real way (database session, password) saves one cell of their row
N times through the whole stack (middleware, session, authentication, the policy, the
view, the service). Prints the queries of one save with their time, and the share of the
time spent in each part, from cProfile over all N saves. Uses the database DATABASE_URL
names (a fresh SQLite file without it).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The entry points of each part of a save (file, function): their inclusive time, per save.
PARTS = [
    ("the whole request (test client)", "django/test/client.py", "post"),
    ("  middleware and view (handler)", "django/core/handlers/base.py", "_get_response"),
    ("  session read", "django/contrib/sessions/backends/db.py", "load"),
    ("  user lookup", "django/contrib/auth/__init__.py", "get_user"),
    ("  row fetch + policy (row_for_user)", "targets/access.py", "row_for_user"),
    ("  policy: may edit the row", "targets/permissions.py", "can_edit_row"),
    ("  columns of the table", "targets/selectors.py", "table_columns"),
    ("  values checked (view)", "targets/grid_views.py", "_cell_errors"),
    ("  the write (rows_cells_update)", "targets/services.py", "rows_cells_update"),
    ("  plausibility flags (saved_warnings)", "targets/save_flags.py", "saved_warnings"),
    ("all SQL: compiling (Django)", "django/db/models/sql/compiler.py", "as_sql"),
    ("all SQL: executing (driver)", "django/db/backends/utils.py", "_execute"),
]


def _prepare(copied: bool = False):
    import random

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from projects.models import Project
    from reports.scale import _categories, _table, generate_scale
    from units.models import Membership, Unit

    generate_scale(provinces=1, projects_per_province=1, table_rows=(16,))
    project = Project.objects.filter(code__startswith="scale-").order_by("pk").first()
    unit = Unit.objects.create(name="剖析单位", category="region")
    _table(random.Random(3), project, _categories(), [unit], 10, "剖析表")
    table = project.tables.get(title="剖析表")
    if copied:
        from bench.load import copied_year

        copied_year(project, table, [unit], random.Random(4))
    table.status, table.deadline = "open", timezone.now() + timezone.timedelta(days=1)
    table.save()
    row = table.rows.get()
    row.status = "draft"
    row.save()
    column = table.columns.filter(value_kind="number").order_by("order").first()
    user = get_user_model().objects.create_user("profile-filler", password="profile-pass-2022!")
    Membership.objects.create(user=user, unit=unit, role="filler")
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/",
        {
            "username": "profile-filler",
            "password": "profile-pass-2022!",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302, response.status_code
    client.get(f"/tables/{table.pk}/grid/")
    return client, row, column


def _save(client, row, column, version: int, value: str) -> int:
    response = client.post(
        f"/rows/{row.pk}/cells/",
        data=json.dumps({"version": version, "values": {str(column.pk): value}}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 200, response.content[:300]
    return response.json()["version"]


def _parts(stats: pstats.Stats, saves: int) -> list[tuple[str, float]]:
    """Inclusive milliseconds per save of each entry point (recursive calls counted once)."""
    found = []
    for label, filename, function in PARTS:
        total = sum(
            cumulative
            for (file, _, name), (_, _, _, cumulative, _) in stats.stats.items()
            if file.endswith(filename) and name == function
        )
        found.append((label, 1000 * total / saves))
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--copied", action="store_true", help="a copied year's table (last year's values read)")
    parser.add_argument("--quiet", action="store_true", help="the timing line only")
    args = parser.parse_args()
    from bench.run import setup_django

    setup_django(None)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, row, column = _prepare(args.copied)
    version = row.version
    for n in range(20):  # warm up
        version = _save(client, row, column, version, str(n))
    with CaptureQueriesContext(connection) as ctx:
        version = _save(client, row, column, version, "7")
    print(f"queries of one save: {len(ctx.captured_queries)}")
    for q in [] if args.quiet else ctx.captured_queries:
        print(f"  {float(q['time']) * 1000:6.2f} ms  {q['sql'][:110]}")
    started, cpu = time.perf_counter(), time.process_time()
    for n in range(args.saves):
        version = _save(client, row, column, version, str(1000 + n))
    per_save = (time.perf_counter() - started) / args.saves
    # On a shared machine the wall clock measures the neighbours too; this process's CPU time
    # (the whole stack and, on SQLite, the database) much less so.
    cpu_per_save = (time.process_time() - cpu) / args.saves
    if args.quiet:
        print(f"one save, whole stack, no profiler: {per_save * 1000:.2f} ms, CPU {cpu_per_save * 1000:.2f} ms")
        return
    profile = cProfile.Profile()
    profile.enable()
    for n in range(args.saves):
        version = _save(client, row, column, version, str(5000 + n))
    profile.disable()
    stats = pstats.Stats(profile)
    print(
        f"one save, whole stack, no profiler: {per_save * 1000:.2f} ms ({args.saves} saves), CPU {cpu_per_save * 1000:.2f} ms"
    )
    print("inclusive time per save under the profiler, by part (ms):")
    for name, ms in _parts(stats, args.saves):
        print(f"  {name:40s} {ms:6.2f}")
    stats.sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()

"""Many units (issue 15, part 4): the 全部附件 bundle and every unit's 自评表 of a round, timed as
the export jobs run them, at several numbers of units, to check that the time grows linearly.

    python bench/scale_units.py --units 1000 10000 [--profile]

For each N: a project with one table of N units (reports.scale's generators), every row approved
with a budget, a 自评 round opened (monitoring.services.round_open), plausible 完成值 and 执行数
written in bulk; then the two jobs, each through `reports.services.export_job_run` (what the Celery
task runs), in this process, so no worker is needed. Prints seconds per unit form, queries per unit
form, and the ratio of the per-unit seconds at the largest N to those at the smallest (linear: ≈ 1).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import setup_django  # noqa: E402

YEAR = 2022
PROFILE_SORT = ("cumulative", "tottime")


def build(n: int, admin):
    """A project with a table of `n` units, its rows approved, a 自评 round open and filled."""
    from django.db.models import F

    from monitoring.models import ReportBudget, RoundKind
    from monitoring.services import round_open
    from projects.models import Project, TargetPeriods
    from reports.scale import _categories, _indicators, _table
    from targets.models import ReviewStatus, TableRow
    from units.models import Unit

    rng = random.Random(n)
    categories = _categories()
    bureau = Unit.objects.filter(category="bureau").first()
    project = Project.objects.create(
        code=f"units-{n}",
        name=f"专利转化专项计划（{n}个单位）",
        title="专利转化专项计划绩效目标表",
        competent_department=bureau,
        budget_year=YEAR,
        target_periods=TargetPeriods.LONG_TERM_AND_ANNUAL,
        funding_requirement=Decimal(9000),
    )
    _indicators(rng, project, categories)
    units = Unit.objects.bulk_create(
        (Unit(name=f"多单位测试{n}-{k:05d}", category="region") for k in range(n)), batch_size=2000
    )
    _table(rng, project, categories, units, 10, f"区域绩效目标表（{n}个单位）")
    TableRow.objects.filter(table__project=project).update(status=ReviewStatus.APPROVED, funding=Decimal(100))
    round_ = round_open(
        project=project,
        kind=RoundKind.SELF_EVALUATION,
        reference_date=date(YEAR, 12, 31),
        deadline=None,
        lag_threshold=Decimal(10),
        actor=admin,
    )
    ReportBudget.objects.filter(report__round=round_).update(executed=F("annual_budget") * Decimal("0.93"))
    fill_actuals(round_, rng)
    return project, round_


def plausible(target_raw: str, rng: random.Random) -> str:
    """A 完成值 near its target: a number 80–130 % of it (in its unit), a sentence as written."""
    import re

    match = re.search(r"[\d.]+", target_raw)
    if not match:
        return target_raw or "已完成"
    number = Decimal(match.group()) * Decimal(rng.randint(80, 130)) / 100
    return f"{number.quantize(Decimal(1))}"


def fill_actuals(round_, rng: random.Random) -> None:
    from django.db import transaction

    from monitoring.models import ReportValue
    from targets import values as tv

    fields = ["raw", "kind", "comparator", "number", "measure_unit", "text"]
    with transaction.atomic():
        values = list(ReportValue.objects.filter(report__round=round_).only("pk", "target_raw", "target_unit"))
        for value in values:
            value.set_value(tv.parse(plausible(value.target_raw, rng), default_unit=value.target_unit))
        ReportValue.objects.bulk_update(values, fields, batch_size=2000)


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run_job(project, admin, round_=None, profile: cProfile.Profile | None = None) -> dict:
    """One export job run as the Celery task runs it; seconds and queries."""
    from django.db import connection

    from reports.models import ExportJob
    from reports.services import export_job_run

    job = ExportJob.objects.create(project=project, owner=admin, round=round_)
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started, cpu = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        job = export_job_run(job_id=job.pk)
        if profile:
            profile.disable()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert job.status == "done", job.error
    return {"seconds": seconds, "cpu": cpu, "queries": counter.count, "steps": job.total_sheets, "bytes": job.file.size}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each job per N; the median is kept")
    parser.add_argument("--profile", action="store_true", help="profile the 自评 .zip at the largest N")
    parser.add_argument(
        "--weights-per-form",
        action="store_true",
        help="as before the fix: each form reads the round's weights itself (to see the growth it caused)",
    )
    args = parser.parse_args()
    setup_django(None)
    if args.weights_per_form:
        from reports import unit_forms
        from reports.exporters import exporter_for

        unit_forms.form_exporter = lambda round_: exporter_for("self_evaluation")
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from units.models import Unit

    settings.MEDIA_ROOT = tempfile.mkdtemp()
    Unit.objects.get_or_create(name="省知识产权局（多单位测试）", defaults={"category": "bureau"})
    admin, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    warm_project, warm_round = build(5, admin)  # imports, caches and first queries, not measured
    run_job(warm_project, admin), run_job(warm_project, admin, warm_round)
    results = []
    for n in sorted(args.units):
        started = time.perf_counter()
        project, round_ = build(n, admin)
        built = time.perf_counter() - started
        profile = cProfile.Profile() if args.profile and n == max(args.units) else None
        bundle = _median([run_job(project, admin) for _ in range(args.repeat)])
        forms = _median([run_job(project, admin, round_, profile) for _ in range(args.repeat)])
        results.append({"units": n, "build_s": built, "bundle": bundle, "forms": forms})
        _print_one(results[-1])
        if profile:
            out = io.StringIO()
            for order in PROFILE_SORT:
                pstats.Stats(profile, stream=out).sort_stats(order).print_stats(25)
            print(out.getvalue())
    _print_ratios(results)


def _median(runs: list[dict]) -> dict:
    """The run of median wall time (its CPU time and queries with it)."""
    return sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]


def _print_one(r: dict):
    n = r["units"]
    print(f"N={n:,}: built in {r['build_s']:.1f} s")
    for key, label in (("bundle", "全部附件 bundle"), ("forms", "自评表 .zip")):
        j = r[key]
        print(
            f"  {label}: {j['seconds']:.2f} s ({j['cpu']:.2f} s CPU), {j['seconds'] / n * 1000:.2f} ms per unit "
            f"({j['cpu'] / n * 1000:.2f} ms CPU), "
            f"{j['queries']:,} queries ({j['queries'] / n:.2f} per unit), {j['steps']} steps, {j['bytes'] / 1024:,.0f} KB"
        )


def _print_ratios(results: list[dict]):
    if len(results) < 2:
        return
    small, large = results[0], results[-1]
    for key, label in (("bundle", "全部附件 bundle"), ("forms", "自评表 .zip")):
        wall, cpu = (large[key][k] / large["units"] / (small[key][k] / small["units"]) for k in ("seconds", "cpu"))
        print(
            f"{label}: per-unit seconds at {large['units']:,} / at {small['units']:,} = {wall:.2f} wall, "
            f"{cpu:.2f} CPU (linear ≈ 1); queries per unit {small[key]['queries'] / small['units']:.2f} → "
            f"{large[key]['queries'] / large['units']:.2f}"
        )


if __name__ == "__main__":
    main()

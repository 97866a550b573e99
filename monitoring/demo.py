"""Demo rounds for `make run` (`load_demo` calls `load_monitoring_demo`): on a demo copy of the Hubei
2022 project into DEMO_YEAR (made by 复制到新年度, as a bureau would), a few units' rows approved, a
mid-year monitoring round (06-30) and a 自评 round (12-31), filled with plausible values (some units
short, with reasons; qualitative targets graded by the reviewer), some submitted and approved, so
that the report pages, the forms, the summary and the dashboard show figures at once.

The seed project itself is left as its document prints it: approvals, funding and rounds written
there would change its official exports (its 市州 table printed 襄阳市（150万）…). Idempotent: the
copy and a round that exist are left alone."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from projects.copying import project_copy_year
from projects.models import Project
from targets.models import ReviewStatus, TableRow
from units import policy

from .models import Report, Round, RoundKind
from .selectors import report_page
from .services import report_approve, report_grade, report_save, report_submit, round_open

SEED_PROJECT = "hubei-2022-patent-transfer"
DEMO_YEAR = 2023  # the copy's budget year: its rounds are at DEMO_YEAR-06-30 and DEMO_YEAR-12-31
# units whose rows the demo approves (the demo fillers' own units stay to be filled)
UNITS = ["襄阳市", "黄石市", "十堰市", "荆州市", "华中师范大学"]
# per unit: share of each target reached at 6-30 and at year end, execution share, how far it goes
PLANS = {
    "襄阳市": (Decimal("0.55"), Decimal("1.05"), Decimal("0.97"), "approve"),
    "黄石市": (Decimal("0.30"), Decimal("0.85"), Decimal("0.82"), "approve"),
    "十堰市": (Decimal("0.50"), Decimal("1.00"), Decimal("0.95"), "submit"),
    "荆州市": (Decimal("0.45"), Decimal("0.92"), Decimal("0.91"), "save"),
    "华中师范大学": (Decimal("0.60"), Decimal("1.10"), Decimal("1.00"), "approve"),
}


def _actual(value, share: Decimal) -> str:
    target = value.target
    if target.number is None:
        return "明显增长" if share >= 1 else "有所增长"
    if target.comparator in ("≤", "<"):
        share = Decimal("0.9")
    number = (target.number * share).quantize(Decimal("1"), ROUND_HALF_UP)
    return f"{number}"


def _fill(report: Report, actor, share: Decimal, execution: Decimal) -> None:
    values = {}
    monitoring = report.round.kind == RoundKind.MONITORING
    for value in report.values.all():
        fields = {"raw": _actual(value, share)}
        if monitoring:  # the 监控表's answers: the year's projection and how likely the target is
            fields["expected"] = _actual(value, min(share * 2, Decimal("1.05")))
            fields["likelihood"] = "certain" if share >= Decimal("0.5") else "possible"
        if monitoring and share < Decimal("0.4"):
            fields["deviation_categories"] = ["funding", "system"]
            fields["deviation_reason"] = "上半年项目招标延后，部分活动推迟"
            fields["corrective_measure"] = "三季度集中推进，按月调度进度"
        if not monitoring and share < 1:
            fields["shortfall_reason"] = "受市场环境影响，部分企业需求释放不足"
        values[value.pk] = fields
    budget, texts = {}, {}
    rate = execution if not monitoring else execution / 2
    for line in report.budget.lines:  # the unit reports the execution of each source it has money from
        if line.has_budget:
            budget[line.source] = {"executed": (line.annual_budget * rate).quantize(Decimal("0.01"))}
            if monitoring:
                budget[line.source]["expected"] = (line.annual_budget * execution).quantize(Decimal("0.01"))
    if budget and not monitoring and rate < Decimal("0.9"):
        texts["budget_reason"] = "部分项目尾款待验收后支付"
    texts["goal_achievement"] = (
        "上半年按计划推进需求征集与转化对接，部分活动延后至三季度"
        if monitoring and share < Decimal("0.4")
        else "上半年各项工作按计划推进"
        if monitoring
        else "年度目标总体完成，专利转化对接成效明显"
        if share >= 1
        else "年度目标基本完成，部分指标未达预期"
    )
    if not monitoring:
        texts |= {
            "conclusion": "年度目标总体完成" if share >= 1 else "年度目标基本完成",
            "problems": "需求征集渠道较少" if share < 1 else "无",
            "improvements": "拓展征集渠道，加强过程监控",
        }
    report_save(
        report_id=report.pk, expected_version=report.version, actor=actor, values=values, budget=budget, texts=texts
    )


def _review(report: Report, reviewer, share: Decimal, how: str) -> None:
    report_submit(report_id=report.pk, actor=reviewer)
    if report.round.kind == RoundKind.SELF_EVALUATION:
        lines = report_page(Report.objects.get(pk=report.pk), reviewer)["lines"]
        grades = {
            line.value.pk: ("achieved", None) if share >= 1 else ("partial", Decimal("70"))
            for line in lines
            if line.needs_judgment
        }
        if grades:
            report_grade(report_id=report.pk, actor=reviewer, grades=grades)
    if how == "approve":
        report_approve(report_id=report.pk, actor=reviewer, comment="同意")


def demo_project() -> Project | None:
    """The copy of the seed project that holds the demo's rounds (None before `load_demo`)."""
    return Project.objects.filter(copied_from__code=SEED_PROJECT, budget_year=DEMO_YEAR).order_by("pk").first()


def _demo_project(admin, reviewer, done: list[str]) -> Project:
    project = demo_project()
    if project is None:
        seed = Project.objects.get(code=SEED_PROJECT)
        project = project_copy_year(project=seed, year=DEMO_YEAR, actor=admin, copy_values=True)
        done.append(f"已复制演示项目 {project.code}（{project.name}）")
    policy.grant_review(reviewer, project)
    rows = TableRow.objects.filter(table__project=project, unit__name__in=UNITS)
    rows.filter(funding__isnull=True).update(funding=Decimal("150"))  # so that the budget block applies
    rows.update(status=ReviewStatus.APPROVED)
    return project


@transaction.atomic
def monitoring_demo_load() -> list[str]:
    """The demo rounds; returns what was done, line by line."""
    User = get_user_model()
    admin, reviewer = User.objects.filter(username="admin").first(), User.objects.filter(username="reviewer").first()
    if not Project.objects.filter(code=SEED_PROJECT).exists() or admin is None or reviewer is None:
        raise LookupError("请先运行 load_seeds 和 load_demo（演示账号）")
    done = []
    project = _demo_project(admin, reviewer, done)
    days = date(DEMO_YEAR, 6, 30), date(DEMO_YEAR, 12, 31)
    for kind, day in zip((RoundKind.MONITORING, RoundKind.SELF_EVALUATION), days):
        if Round.objects.filter(project=project, kind=kind, reference_date=day).exists():
            done.append(f"已有{RoundKind(kind).label}（{day}），未改动")
            continue
        round_ = round_open(
            project=project, kind=kind, reference_date=day, deadline=None, lag_threshold=Decimal("10"), actor=admin
        )
        for report in round_.reports.select_related("unit", "round").filter(unit__name__in=UNITS):
            mid, end, execution, how = PLANS[report.unit.name]
            share = mid if kind == RoundKind.MONITORING else end
            _fill(report, reviewer, share, execution)
            if how != "save":
                _review(Report.objects.select_related("round").get(pk=report.pk), reviewer, share, how)
        done.append(f"已发起{round_}，{round_.reports.count()} 份报告")
    return done

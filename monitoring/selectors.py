"""Reads of monitoring: the rounds of a project, a round's reports and weights, a report with its
progress and scores (computed by `monitoring.scoring`, never stored), the review queue's reports.

`report_page(report, user)` is the one read of a report's figures: pages and exports use it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from review.engine import EDITABLE, ReviewEvent, ReviewStatus
from targets.models import Cell
from targets.values import Kind, Shape, describe
from units import policy
from units.audit import audit_entries_for

from . import scoring
from .budget import Budget, FundSource
from .deadlines import SAVE, SUBMIT, deadline_passed, may_after_deadline
from .models import (
    BUDGET_AMOUNTS,
    DeviationCategory,
    GradeLevel,
    Likelihood,
    Report,
    ReportSnapshot,
    ReportValue,
    Round,
    RoundKind,
    Weight,
)
from .score_parts import example

PROJECT_GROUP = "project"


def rounds_for_project(project) -> list[Round]:
    """The project's rounds, newest first, each with `status_counts` of its reports (two queries)."""
    rounds = list(Round.objects.filter(project=project).select_related("opened_by"))
    counts = Counter(Report.objects.filter(round__project=project).values_list("round_id", "status").order_by())
    for round_ in rounds:
        round_.status_counts = [(s, counts.get((round_.pk, s.value), 0)) for s in ReviewStatus]
        round_.n_reports = sum(n for _, n in round_.status_counts)
    return rounds


def weight_groups(round_: Round) -> list[dict]:
    """The weights of a round by group — each unit table's columns, then the project's indicators —
    as stored, else equal (`scoring.default_weights`). Two queries.

    Each group: {"key", "title", "items": [{"key": ("column"|"indicator", id), "label", "weight"}],
    "total", "stored"}."""
    groups, level1 = _weighted_items(round_)
    stored = {
        (("column", c) if c else ("indicator", i)): w
        for c, i, w in Weight.objects.filter(round=round_).values_list("column_id", "indicator_id", "weight")
    }
    return [
        _weight_group(group, level1, stored)
        for group in sorted(groups.values(), key=lambda g: g["key"] == PROJECT_GROUP)
    ]


def _weighted_items(round_: Round) -> tuple[dict, dict]:
    """The round's weighted things by group (each table, then the project), in order, and the
    level-1 category of each (the default weights are shared out by it)."""
    seen = (
        ReportValue.objects.filter(report__round=round_)
        .values_list(
            "column_id",
            "column__table_id",
            "column__table__title",
            "indicator_id",
            "label",
            "category__name",
            "category__parent__name",
        )
        .order_by("column__table__order", "column__order", "order")
    )
    groups: dict = {}
    level1: dict = {}
    for column_id, table_id, title, indicator_id, label, category, parent in seen:
        if column_id:
            group = groups.setdefault(table_id, {"key": table_id, "title": title, "items": {}})
            key = ("column", column_id)
        else:
            group = groups.setdefault(
                PROJECT_GROUP, {"key": PROJECT_GROUP, "title": "项目年度指标（附件2）", "items": {}}
            )
            key = ("indicator", indicator_id)
        group["items"].setdefault(key, label)
        level1.setdefault(key, parent or category or "")
    return groups, level1


def _weight_group(group: dict, level1: dict, stored: dict) -> dict:
    """One group's weights: the stored ones if every item has one, else the defaults."""
    keys = list(group["items"])
    names = [level1[k] for k in keys]
    defaults = scoring.default_weights_by_level1(names)
    has_stored = all(k in stored for k in keys)
    items = [
        {
            "key": k,
            "label": group["items"][k],
            "weight": stored[k] if has_stored else d,
            "field": f"w-{k[0]}-{k[1]}",
            "level1": level1[k],
        }
        for k, d in zip(keys, defaults)
    ]
    return {
        "key": group["key"],
        "title": group["title"],
        "items": items,
        "total": sum((i["weight"] for i in items), Decimal(0)),
        "stored": has_stored,
        "default_note": scoring.level1_note(names),
    }


def weights_by_key(round_: Round) -> dict[tuple[str, int], Decimal]:
    return {item["key"]: item["weight"] for group in weight_groups(round_) for item in group["items"]}


def round_page(round_: Round, user) -> dict:
    """The round page: every report with its unit and status, and the weights."""
    reports = list(round_.reports.select_related("unit", "submitted_by").order_by("unit__category", "unit__name"))
    reports.sort(key=lambda r: r.unit_id is not None)  # the project's own report first
    return {
        "round": round_,
        "project": round_.project,
        "reports": reports,
        "groups": weight_groups(round_),
        "can_manage": policy.can_manage_rounds(user, round_.project),
        # every unit's form in one .zip (reports:export_round_forms): who sees all the round's reports
        "can_export_forms": policy.can_view_rounds(user, round_.project),
        "history": list(audit_entries_for(round_)[:50]),
        "late_units": late_units(round_),
    }


def late_units(round_: Round) -> list[str]:
    """Units with approved rows in the project but no report in this round (approved after it
    opened): the round page offers to add them (one query)."""
    cells = (
        Cell.objects.filter(
            row__table__project=round_.project, row__status=ReviewStatus.APPROVED, row__removed_at__isnull=True
        )
        .exclude(kind=Kind.BLANK)
        .exclude(row__unit__in=round_.reports.filter(unit__isnull=False).values("unit_id"))
    )
    return sorted(set(cells.values_list("row__unit__name", flat=True)))


def percent(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else (rate * 100).quantize(scoring.CENT, ROUND_HALF_UP)


def period_label(round_: Round) -> str:
    """The monitoring form's 1-N月 (2022-06-30: 1-6月; a date inside a month: 1月1日-7月15日)."""
    day = round_.reference_date
    if day.year != round_.year:
        return f"{round_.year}年"
    if (day + timedelta(days=1)).month != day.month:
        return f"1-{day.month}月"
    return f"1月1日-{day.month}月{day.day}日"


def unit_shown(value: ReportValue) -> str:
    """The value's 度量单位 where its target does not write it (a bare 500 in a column of 条), else ""."""
    unit = value.target_unit
    if not unit or unit in value.target_raw:
        return ""
    return unit


def expected_goal(report: Report, values: list[ReportValue]) -> str:
    """年度总体目标's 预期目标: the project's 总体绩效目标 for its own report, else (and where it has
    none) the report's targets as written, one after another."""
    goal = report.round.project.overall_goal if report.unit_id is None else ""
    if goal:
        return goal
    return "；".join(f"{v.label}{v.target_raw}{unit_shown(v)}" for v in values if v.target_raw) + (
        "。" if values else ""
    )


@dataclass
class ValueLine:
    """One line of a report as the page (and the 自评表) shows it."""

    value: ReportValue
    weight: Decimal
    progress: Decimal | None = None
    deviation: Decimal | None = None
    lagging: bool = False
    score: scoring.Score | None = None
    needs_judgment: bool = False
    reading: str = ""  # how the 完成值 was read (targets.values.describe)
    target_reading: str = ""
    direction: str = ""  # 正向 / 反向 / 区间 / 定性, as scored
    assessment: scoring.Assessment | None = None
    hint: str = ""  # how to write the 完成值 of a compound target: each part's number

    @property
    def explanation(self) -> str:
        """Which rule gave the score, with which numbers (or why there is none yet)."""
        return self.assessment.explanation if self.assessment else ""

    @property
    def refused(self) -> bool:
        return bool(self.assessment and self.assessment.refused)


def assess_value(value: ReportValue, weight: Decimal) -> scoring.Assessment:
    """The one scoring of a reported value (page, summary, exports, API, rules)."""
    return scoring.assess(
        value.target,
        value.raw,
        weight,
        direction=value.direction,
        judgment=value.judgment,
        baseline=value.baseline_raw,
        shares=value.part_shares,
        grade_label=value.grade.name if value.grade_id else "",
    )


def _lines(report: Report, values: list[ReportValue], weights: dict) -> list[ValueLine]:
    round_ = report.round
    elapsed = scoring.time_elapsed(round_.reference_date, round_.year)
    lines = []
    for value in values:
        key = ("column", value.column_id) if value.column_id else ("indicator", value.indicator_id)
        target, actual = value.target, value.actual
        line = ValueLine(
            value=value,
            weight=weights.get(key, Decimal(0)),
            reading=describe(actual, as_actual=True),
            target_reading=describe(target) + baseline_words(value),
            direction=value.direction_label,
            hint=actual_hint(target),
        )
        if round_.kind == RoundKind.MONITORING:
            line.progress = scoring.progress(actual, target, value.direction)
            line.deviation = scoring.deviation(line.progress, elapsed)
            line.lagging = scoring.lags(line.progress, elapsed, round_.lag_threshold)
        else:
            line.assessment = assess_value(value, line.weight)
            # Graded or not yet: a value the reviewer grades stays in the grade form, so a grade
            # given can be seen and changed until the report is approved.
            line.score = line.assessment.score
            line.needs_judgment = line.assessment.needs_judgment or bool(line.score and line.score.rule == "judged")
        lines.append(line)
    return lines


def actual_hint(target) -> str:
    """A compound target's 完成值 gives each part's number: 如“18家，25篇”."""
    return f"请分项填写，如：{example(target.parts)}" if target.shape == Shape.COMPOUND else ""


def baseline_words(value: ReportValue) -> str:
    return f"；上年完成值 {value.baseline_raw}" if value.baseline_raw else ""


def report_scores(report: Report, lines: list[ValueLine], budget: Budget | None = None) -> dict:
    """The 自评's budget points, indicator points, total and grade (None parts not yet scorable).
    `budget`: the report's block, when the caller has it (else read)."""
    budget = report.budget if budget is None else budget
    applicable = budget.applicable
    points = budget.points
    budget_explanation = scoring.budget_explanation(
        budget.total.executed, budget.total.annual_budget, applicable=applicable
    )
    weight_total = sum((line.weight for line in lines), Decimal(0))
    indicator_points = [line.score.points for line in lines if line.score is not None]
    complete = all(line.score is not None for line in lines) and (points is not None or not applicable)
    total = scoring.total(indicator_points, points, budget_applicable=applicable, weight_total=weight_total)
    return {
        "budget_points": points,
        "budget_applicable": applicable,
        "indicator_points": sum(indicator_points, Decimal(0)),
        "weight_total": weight_total,
        "total": total,
        "grade": scoring.grade(total) if complete else None,
        "complete": complete,
        "scaled": weight_total != scoring.INDICATOR_POINTS,
        "budget_explanation": budget_explanation,
    }


REVIEW_EVENTS = [ReviewEvent.APPROVED, ReviewEvent.RETURNED, ReviewEvent.REOPENED]
CHANGE_FIELDS = {
    "raw": "完成值",
    "expected": "全年预计完成值",
    "likelihood": "完成目标可能性",
    "deviation_categories": "偏差原因类别",
    "deviation_reason": "偏差原因",
    "corrective_measure": "纠偏措施",
    "shortfall_reason": "未完成原因分析",
}
AMOUNT_LABELS = {
    "initial_budget": "年初预算数",
    "annual_budget": "全年预算数",
    "executed": "执行数",
    "expected": "全年预计执行数",
}
TEXT_LABELS = {"budget_reason": "预算执行偏低原因", "goal_achievement": "实际完成情况"}


def _budget_now(report: Report, budget: Budget) -> dict[str, tuple[str, str]]:
    """{key: (label, value as the snapshot keeps it)} of the block and the report's texts."""
    now = {
        f"{line.source}.{name}": (
            f"{FundSource(line.source).label} · {AMOUNT_LABELS[name]}",
            "" if getattr(line, name) is None else f"{getattr(line, name)}",
        )
        for line in budget.lines
        for name in BUDGET_AMOUNTS
    }
    return now | {name: (label, getattr(report, name)) for name, label in TEXT_LABELS.items()}


def shown(field: str, stored: str) -> str:
    """A value's field as the page and the history name it: 完成目标可能性 and 偏差原因类别 by their
    names (有可能; 经费保障、人员保障), not their codes."""
    if field == "likelihood":
        return Likelihood(stored).label if stored in Likelihood.values else stored
    if field == "deviation_categories":
        codes = set(stored.split(","))
        return "、".join(label for code, label in DeviationCategory.choices if code in codes)
    return stored


def changes_since(
    snapshot: ReportSnapshot | None, report: Report, values: list[ReportValue], budget: Budget
) -> list[dict]:
    """What differs from the snapshot of the last review, value by value (no query)."""
    if snapshot is None:
        return []
    changes = []
    for value in values:
        before = snapshot.values.get(str(value.pk), {})
        for field, label in CHANGE_FIELDS.items():
            if before.get(field, "") != getattr(value, field):
                changes.append(
                    {
                        "label": f"{value.label} · {label}",
                        "before": shown(field, before.get(field, "")),
                        "after": shown(field, getattr(value, field)),
                    }
                )
    for key, (label, now) in _budget_now(report, budget).items():
        if snapshot.budget.get(key, "") != now:
            changes.append({"label": label, "before": snapshot.budget.get(key, ""), "after": now})
    return changes


def report_page(report: Report, user, weights: dict | None = None) -> dict:
    """Everything the report page shows. Queries: values (with grade, grader, category), evidence
    (with uploader), weights (values seen, stored), grade levels (reviewers only), history.

    `weights`: the round's `weights_by_key`, when the caller reads many reports of one round (the
    .zip of every unit's form): read per report, they scan the whole round's values each time."""
    values = list(report.values.select_related("grade", "graded_by", "category__parent", "column", "indicator"))
    budget = report.budget
    files = list(report.evidence.select_related("uploaded_by").order_by("uploaded_at", "id"))
    for value in values:
        value.files = [f for f in files if f.value_id == value.pk]
    lines = _lines(report, values, weights if weights is not None else weights_by_key(report.round))
    last_review = report.snapshots.filter(event__in=REVIEW_EVENTS).select_related("actor").first()
    editable = (
        report.status in EDITABLE and policy.can_edit_report(user, report) and may_after_deadline(user, report, SAVE)
    )
    reviewing = report.status == ReviewStatus.SUBMITTED and policy.can_review_report(user, report)
    round_ = report.round
    return {
        "report": report,
        "round": round_,
        "project": round_.project,
        "lines": lines,
        "scores": report_scores(report, lines, budget) if round_.kind == RoundKind.SELF_EVALUATION else None,
        "elapsed": scoring.time_elapsed(round_.reference_date, round_.year),
        "budget": budget,
        "rate_pct": percent(budget.rate),
        "period": period_label(round_),
        "expected_goal": expected_goal(report, values),
        "can_set_budget": report.status != ReviewStatus.APPROVED and policy.can_set_report_budget(user, report),
        "likelihoods": Likelihood.choices,
        "deviation_categories": DeviationCategory.choices,
        "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        "evidence": [f for f in files if f.value_id is None],
        "editable": editable,
        "can_submit": report.status in EDITABLE
        and policy.can_submit_report(user, report)
        and may_after_deadline(user, report, SUBMIT),
        "deadline_passed": deadline_passed(round_),
        "can_review": reviewing,
        "can_reopen": report.status == ReviewStatus.APPROVED and policy.can_reopen_report(user, report),
        "can_see_round": policy.can_view_rounds(user, round_.project),
        "levels": GradeLevel.in_force() if reviewing else [],
        "history": list(audit_entries_for(report)[:100]),
        "last_review": last_review,
        "changes": changes_since(last_review, report, values, budget),
    }


def reports_to_review(user) -> list[Report]:
    """Submitted reports of the projects this user reviews, oldest first (for the review queue)."""
    if not policy.can_use_review_queue(user):
        return []
    reports = Report.objects.filter(status=ReviewStatus.SUBMITTED).select_related(
        "round__project", "unit", "submitted_by"
    )
    # The governed and the granted projects: a bureau's admin (not a superuser) reviews their own.
    reports = reports.filter(policy.review_scope(user, prefix="round__project__"))
    return list(reports.order_by("submitted_at", "pk"))


def reports_for_filler(user) -> list[Report]:
    """The reports of the user's units in rounds of the projects (for the home page's to-do list)."""
    unit_ids = policy.filler_unit_ids(user)
    if not unit_ids:
        return []
    return list(
        Report.objects.filter(unit_id__in=unit_ids)
        .select_related("round__project", "unit")
        .order_by("-round__reference_date", "round__kind", "pk")
    )

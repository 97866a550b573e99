"""Reads of monitoring: the rounds of a project, a round's reports and weights, a report with its
progress and scores (computed by `monitoring.scoring`, never stored), the review queue's reports.

`report_page(report, user)` is the one read of a report's figures: pages and exports use it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from targets.models import Cell
from targets.review import EDITABLE, ReviewEvent, ReviewStatus
from targets.values import Kind, describe
from units import policy
from units.audit import audit_entries_for

from . import scoring
from .deadlines import SAVE, SUBMIT, deadline_passed, may_after_deadline
from .models import GradeLevel, Report, ReportSnapshot, ReportValue, Round, RoundKind, Weight

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
    seen = (
        ReportValue.objects.filter(report__round=round_)
        .values_list("column_id", "column__table_id", "column__table__title", "indicator_id", "label")
        .order_by("column__table__order", "column__order", "order")
    )
    groups: dict = {}
    for column_id, table_id, title, indicator_id, label in seen:
        if column_id:
            group = groups.setdefault(table_id, {"key": table_id, "title": title, "items": {}})
            group["items"].setdefault(("column", column_id), label)
        else:
            group = groups.setdefault(
                PROJECT_GROUP, {"key": PROJECT_GROUP, "title": "项目年度指标（附件2）", "items": {}}
            )
            group["items"].setdefault(("indicator", indicator_id), label)
    stored = {
        (("column", c) if c else ("indicator", i)): w
        for c, i, w in Weight.objects.filter(round=round_).values_list("column_id", "indicator_id", "weight")
    }
    result = []
    for group in sorted(groups.values(), key=lambda g: g["key"] == PROJECT_GROUP):
        keys = list(group["items"])
        defaults = scoring.default_weights(len(keys))
        has_stored = all(k in stored for k in keys)
        items = [
            {
                "key": k,
                "label": group["items"][k],
                "weight": stored[k] if has_stored else d,
                "field": f"w-{k[0]}-{k[1]}",
            }
            for k, d in zip(keys, defaults)
        ]
        total = sum((i["weight"] for i in items), Decimal(0))
        result.append(
            {"key": group["key"], "title": group["title"], "items": items, "total": total, "stored": has_stored}
        )
    return result


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
    return None if rate is None else (rate * 100).quantize(scoring.CENT)


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
            reading=describe(actual),
            target_reading=describe(target),
        )
        if round_.kind == RoundKind.MONITORING:
            line.progress = scoring.progress(actual, target)
            line.deviation = scoring.deviation(line.progress, elapsed)
            line.lagging = scoring.lags(line.progress, elapsed, round_.lag_threshold)
        else:
            line.needs_judgment = scoring.needs_judgment(target, actual)
            line.score = scoring.indicator_score(target, actual, line.weight, value.judgment)
        lines.append(line)
    return lines


def report_scores(report: Report, lines: list[ValueLine]) -> dict:
    """The 自评's budget points, indicator points, total and grade (None parts not yet scorable)."""
    budget = scoring.budget_score(report.execution_rate) if report.budget_applicable else None
    weight_total = sum((line.weight for line in lines), Decimal(0))
    indicator_points = [line.score.points for line in lines if line.score is not None]
    complete = all(line.score is not None for line in lines) and (budget is not None or not report.budget_applicable)
    total = scoring.total(
        indicator_points, budget, budget_applicable=report.budget_applicable, weight_total=weight_total
    )
    return {
        "budget_points": budget,
        "indicator_points": sum(indicator_points, Decimal(0)),
        "weight_total": weight_total,
        "total": total,
        "grade": scoring.grade(total) if complete else None,
        "complete": complete,
        "scaled": weight_total != scoring.INDICATOR_POINTS,
    }


REVIEW_EVENTS = [ReviewEvent.APPROVED, ReviewEvent.RETURNED, ReviewEvent.REOPENED]
CHANGE_FIELDS = {
    "raw": "完成值",
    "deviation_reason": "偏差原因",
    "corrective_measure": "纠偏措施",
    "shortfall_reason": "未完成原因分析",
}
BUDGET_LABELS = {
    "annual_budget": "全年预算数",
    "adjusted_budget": "调整后预算数",
    "executed": "执行数",
    "budget_reason": "预算执行偏低原因",
}


def changes_since(snapshot: ReportSnapshot | None, report: Report, values: list[ReportValue]) -> list[dict]:
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
                        "before": before.get(field, ""),
                        "after": getattr(value, field),
                    }
                )
    for field, label in BUDGET_LABELS.items():
        now = getattr(report, field)
        now = "" if now is None else f"{now}"
        if snapshot.budget.get(field, "") != now:
            changes.append({"label": label, "before": snapshot.budget.get(field, ""), "after": now})
    return changes


def report_page(report: Report, user, weights: dict | None = None) -> dict:
    """Everything the report page shows. Queries: values (with grade, grader, category), evidence
    (with uploader), weights (values seen, stored), grade levels (reviewers only), history.

    `weights`: the round's `weights_by_key`, when the caller reads many reports of one round (the
    .zip of every unit's form): read per report, they scan the whole round's values each time."""
    values = list(report.values.select_related("grade", "graded_by", "category__parent"))
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
        "scores": report_scores(report, lines) if round_.kind == RoundKind.SELF_EVALUATION else None,
        "elapsed": scoring.time_elapsed(round_.reference_date, round_.year),
        "rate_pct": percent(report.execution_rate),
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
        "changes": changes_since(last_review, report, values),
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

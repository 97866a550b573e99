"""Writes of monitoring: open and close a round, set its weights, fill, grade and move a report.

Each function is one transaction with keyword-only arguments; every change is audited. Evidence
files are written in `monitoring.evidence`."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from projects.models import Project
from review.engine import EDITABLE, Notice, ReviewEvent, ReviewStatus, lock, transition
from targets import values as tv
from targets.models import Cell, Target, TargetPeriod, check_value_fits
from units import policy
from units.audit import audit_record
from units.inputs import check_number, check_text, on_field
from units.models import NotificationKind
from units.notifications import notify, unit_fillers

from . import scoring
from .audit_actions import MonitoringAction
from .baselines import with_baselines
from .budget_services import budget_figures_save, budget_lines, project_budget, unit_budgets
from .deadlines import SAVE, SUBMIT, refuse_after_deadline
from .models import (
    UNIT_BUDGET_FIELDS,
    DeviationCategory,
    GradeLevel,
    Likelihood,
    Report,
    ReportBudget,
    ReportValue,
    Round,
    RoundKind,
    RoundStatus,
    Weight,
)
from .rules import submit_problems
from .selectors import shown, weight_groups

# --- rounds ----------------------------------------------------------------------------------------


def _unit_values(project: Project) -> dict[int, list[ReportValue]]:
    """Unsaved values for each unit: one per non-blank cell of its approved rows, in the table's order."""
    cells = (
        Cell.objects.filter(
            row__table__project=project, row__status=ReviewStatus.APPROVED, row__removed_at__isnull=True
        )
        .exclude(kind=tv.Kind.BLANK)
        .select_related("row", "column")
        .order_by("row__table__order", "column__order")
    )
    values: dict[int, list[ReportValue]] = defaultdict(list)
    for cell in cells:
        column = cell.column
        values[cell.row.unit_id].append(
            ReportValue(
                cell=cell,
                column=column,
                order=len(values[cell.row.unit_id]) + 1,
                label=column.name or column.header,
                category_id=column.category_id,
                target_raw=cell.raw,
                target_unit=cell.measure_unit or column.measure_unit,
            )
        )
    return values


def _project_values(project: Project) -> list[ReportValue]:
    """The project's own annual indicators (附件2 level) with a target."""
    targets = (
        Target.objects.filter(
            indicator__project=project, indicator__removed_at__isnull=True, period=TargetPeriod.ANNUAL
        )
        .exclude(kind=tv.Kind.BLANK)
        .select_related("indicator")
        .order_by("indicator__order")
    )
    return [
        ReportValue(
            indicator=t.indicator,
            order=i,
            label=t.indicator.name,
            category_id=t.indicator.category_id,
            target_raw=t.raw,
            target_unit=t.measure_unit or t.indicator.measure_unit,
        )
        for i, t in enumerate(targets, start=1)
    ]


def _create_report(round_: Round, unit_id: int | None, budget: dict | None, values: list[ReportValue]) -> Report:
    report = Report.objects.create(round=round_, unit_id=unit_id)
    for value in values:
        value.report = report
    ReportValue.objects.bulk_create(values)
    ReportBudget.objects.bulk_create(budget_lines(report, budget))
    return report


@transaction.atomic
def round_open(
    *, project: Project, kind: str, reference_date: date, deadline: datetime | None, lag_threshold: Decimal, actor
) -> Round:
    """Open a round: one report per unit with approved rows in the project, and one for the project's
    own annual indicators; the units' fillers are told."""
    if not policy.can_manage_rounds(actor, project):
        raise PermissionDenied("只有本项目的审核员或管理员可以发起监控/自评")
    if kind not in RoundKind.values:
        raise ValidationError("请选择监控或自评")
    check_number(lag_threshold, Round._meta.get_field("lag_threshold"), "“偏差阈值”")
    if not Decimal(0) <= lag_threshold <= Decimal(100):
        raise ValidationError("偏差阈值应在 0 到 100 个百分点之间")
    try:
        with transaction.atomic():
            round_ = Round.objects.create(
                project=project,
                kind=kind,
                year=reference_date.year,
                reference_date=reference_date,
                deadline=deadline,
                lag_threshold=lag_threshold,
                opened_by=actor,
            )
    except IntegrityError:
        raise ValidationError(f"该项目在 {reference_date:%Y-%m-%d} 已有一轮{RoundKind(kind).label}") from None
    budgets = unit_budgets(project)
    unit_values, project_values = _unit_values(project), _project_values(project)
    with_baselines(project, unit_values, project_values)
    for unit_id, values in unit_values.items():
        _create_report(round_, unit_id, budgets.get(unit_id), values)
    _create_report(round_, None, project_budget(project), project_values)
    audit_record(
        actor=actor,
        action=MonitoringAction.MONITORING_ROUND_OPENED,
        obj=round_,
        # round_kind: "kind" is a target value's 值类型 in the history's labels
        after={
            "round_kind": kind,
            "reference_date": f"{reference_date:%Y-%m-%d}",
            "lag_threshold": f"{lag_threshold}",
        },
    )
    unit_ids = list(round_.reports.filter(unit__isnull=False).values_list("unit_id", flat=True))
    notify(
        recipients=unit_fillers(unit_ids),
        kind=NotificationKind.ROUND_OPENED,
        title=f"《{project.name}》{round_}开始填报",
        body=f"截止时间：{timezone.localtime(deadline):%Y-%m-%d %H:%M}" if deadline else "",
        link="/",
    )
    return round_


@transaction.atomic
def round_units_add(*, round_id: int, actor) -> list[str]:
    """Units whose rows were approved after the round opened get their report now, and their
    fillers are told. Returns the names of the units added (none when every unit with approved
    rows has its report already)."""
    round_ = Round.objects.select_for_update().select_related("project").get(pk=round_id)
    if not policy.can_manage_rounds(actor, round_.project):
        raise PermissionDenied("只有本项目的审核员或管理员可以为本轮加入单位")
    if round_.status == RoundStatus.CLOSED:
        raise ValidationError("该轮次已结束，不能再加入单位")
    present = set(round_.reports.filter(unit__isnull=False).values_list("unit_id", flat=True))
    missing = {u: v for u, v in _unit_values(round_.project).items() if u not in present}
    if not missing:
        return []
    with_baselines(round_.project, missing, [])
    budgets = unit_budgets(round_.project)
    reports = [_create_report(round_, unit_id, budgets.get(unit_id), values) for unit_id, values in missing.items()]
    names = sorted(r.unit.name for r in Report.objects.filter(pk__in=[r.pk for r in reports]).select_related("unit"))
    audit_record(
        actor=actor, action=MonitoringAction.MONITORING_ROUND_UNITS_ADDED, obj=round_, after={"units": "、".join(names)}
    )
    notify(
        recipients=unit_fillers(list(missing)),
        kind=NotificationKind.ROUND_OPENED,
        title=f"《{round_.project.name}》{round_}开始填报",
        body=f"截止时间：{timezone.localtime(round_.deadline):%Y-%m-%d %H:%M}" if round_.deadline else "",
        link="/",
    )
    return names


@transaction.atomic
def round_close(*, round_id: int, actor) -> Round:
    round_ = Round.objects.select_for_update().select_related("project").get(pk=round_id)
    if not policy.can_manage_rounds(actor, round_.project):
        raise PermissionDenied("只有本项目的审核员或管理员可以结束监控/自评")
    if round_.status == RoundStatus.CLOSED:
        raise ValidationError("该轮次已结束")
    round_.status = RoundStatus.CLOSED
    round_.save(update_fields=["status"])
    audit_record(
        actor=actor, action=MonitoringAction.MONITORING_ROUND_CLOSED, obj=round_, after={"status": RoundStatus.CLOSED}
    )
    return round_


# --- weights -------------------------------------------------------------------------------------------


@transaction.atomic
def weights_save(*, round_id: int, weights: dict[tuple[str, int], Decimal], actor) -> Round:
    """Set the weights of a round: `weights` maps ("column", id) / ("indicator", id) to a weight;
    every group (a table's columns, the project's indicators) must sum to exactly 90."""
    round_ = Round.objects.select_for_update().select_related("project").get(pk=round_id)
    if not policy.can_manage_rounds(actor, round_.project):
        raise PermissionDenied("只有本项目的审核员或管理员可以设置权重")
    groups = weight_groups(round_)
    field = Weight._meta.get_field("weight")
    problems = []
    for group in groups:
        for item in group["items"]:
            value = weights.get(item["key"], item["weight"])
            check_number(value, field, f"“{item['label']}”的权重")
            item["weight"] = value
        problem = scoring.check_weights([item["weight"] for item in group["items"]])
        if problem:
            problems.append(f"{group['title']}：{problem}")
    if problems:
        raise ValidationError(problems)
    before = {f"{k}-{i}": f"{w}" for k, i, w in _stored_weights(round_)}
    Weight.objects.filter(round=round_).delete()
    Weight.objects.bulk_create(
        Weight(round=round_, weight=item["weight"], **{f"{item['key'][0]}_id": item["key"][1]})
        for group in groups
        for item in group["items"]
    )
    after = {f"{k}-{i}": f"{w}" for k, i, w in _stored_weights(round_)}
    audit_record(
        actor=actor, action=MonitoringAction.MONITORING_WEIGHTS_CHANGED, obj=round_, before=before, after=after
    )
    return round_


def _stored_weights(round_: Round) -> list[tuple[str, int, Decimal]]:
    return [
        ("column" if c else "indicator", c or i, w)
        for c, i, w in Weight.objects.filter(round=round_).values_list("column_id", "indicator_id", "weight")
    ]


# --- reports ---------------------------------------------------------------------------------------

VALUE_TEXTS = {
    "deviation_reason": "偏差原因",
    "corrective_measure": "纠偏措施",
    "shortfall_reason": "未完成原因分析",
}
REPORT_TEXTS = {
    "goal_achievement": "实际完成情况",
    "budget_reason": "预算执行偏低原因",
    "conclusion": "评价结论",
    "problems": "存在问题",
    "improvements": "改进措施",
}


def _locked_report(report_id: int) -> Report:
    return lock(Report, report_id, related=("round__project", "unit"))


def _read_actual(value: ReportValue, raw: str, what: str = "完成值") -> tv.TargetValue:
    """The 完成值 (or 全年预计完成值) read against its target: refused (naming why) where it cannot be
    scored as written — a negative count, a unit contradicting the target's, a bare 0.96 against a
    percent, a part of a compound target missing."""
    where = f"“{value.label}”的{what}"
    check_text(raw, where)
    actual = tv.parse(raw, default_unit=value.target_unit)
    check_value_fits(actual, where)
    # The refusals do not depend on the 指标性质 (read without its query: imports read many values).
    assessment = scoring.assess(value.target, raw, Decimal(1), baseline=value.baseline_raw)
    if assessment.refused:
        raise ValidationError(f"{where}{assessment.explanation.removeprefix('不能评分')}")
    return actual


CATEGORY_CODES = {label: code for code, label in DeviationCategory.choices} | {c: c for c in DeviationCategory.values}


def _categories(value: ReportValue, posted) -> str:
    """The 偏差原因 categories posted (a list, or a text separated by commas or 、), each by its code
    or its name (经费保障), stored as codes in the form's order."""
    items = re.split("[,，、]", posted) if isinstance(posted, str) else list(posted or [])
    items = {item.strip() for item in items if item and item.strip()}
    codes = {CATEGORY_CODES.get(item, item) for item in items}
    unknown = {item for item in items if item not in CATEGORY_CODES}
    if unknown:
        raise ValidationError(f"“{value.label}”的偏差原因类别无效：{'、'.join(sorted(unknown))}")
    return ",".join(code for code in DeviationCategory.values if code in codes)


def _answers(value: ReportValue, fields: dict) -> None:
    """The monitoring form's answers: 全年预计完成值 (read as a 完成值 is), 完成目标可能性, 偏差原因类别."""
    if "expected" in fields:
        expected = (fields["expected"] or "").strip()
        with on_field(f"expected-{value.pk}"):
            _read_actual(value, expected, "全年预计完成值")
        value.expected = expected
    if "likelihood" in fields:
        likelihood = (fields["likelihood"] or "").strip()
        if likelihood not in ("", *Likelihood.values):
            raise ValidationError(
                {f"likelihood-{value.pk}": f"“{value.label}”的完成目标可能性应为确定能、有可能或完全不可能"}
            )
        value.likelihood = likelihood
    if "deviation_categories" in fields:
        with on_field(f"deviation_categories-{value.pk}"):
            value.deviation_categories = _categories(value, fields["deviation_categories"])


VALUE_FIELDS = {
    "raw": "完成值",
    "expected": "全年预计完成值",
    "likelihood": "完成目标可能性",
    "deviation_categories": "偏差原因类别",
    **VALUE_TEXTS,
}


def _save_values(report: Report, posted: dict[int, dict]) -> dict:
    """Write the posted 完成值, answers and texts of `report`'s values; returns {label: ({field: before},
    {field: after})} of what changed, fields named as the page names them."""
    changes = {}
    for value in report.values.select_related("column", "indicator"):
        fields = posted.get(value.pk)
        if fields is None:
            continue
        before = {f: getattr(value, f) for f in VALUE_FIELDS}
        if "raw" in fields:
            with on_field(f"raw-{value.pk}"):
                value.set_value(_read_actual(value, fields["raw"] or ""))
        _answers(value, fields)
        for name, label in VALUE_TEXTS.items():
            if name in fields:
                with on_field(f"{name}-{value.pk}"):
                    check_text(fields[name], f"“{value.label}”的{label}")
                setattr(value, name, (fields[name] or "").strip())
        changed = [f for f in VALUE_FIELDS if getattr(value, f) != before[f]]
        if changed:
            value.save()
            changes[value.label] = (
                {VALUE_FIELDS[f]: shown(f, before[f]) for f in changed},
                {VALUE_FIELDS[f]: shown(f, getattr(value, f)) for f in changed},
            )
    return changes


def _save_texts(report: Report, texts: dict) -> dict:
    changes = {}
    for name, label in REPORT_TEXTS.items():
        if name in texts:
            with on_field(name):
                check_text(texts[name], f"“{label}”")
            text = (texts[name] or "").strip()
            if text != getattr(report, name):
                changes[name] = (getattr(report, name), text)
                setattr(report, name, text)
    return changes


@transaction.atomic
def report_save(
    *,
    report_id: int,
    expected_version: int,
    actor,
    values: dict[int, dict],
    budget: dict | None = None,
    texts: dict | None = None,
) -> Report:
    """Save what a unit typed: 完成值, answers and reasons per value (`values` maps a value's id to
    its fields), the execution figures by source (`budget`: {source: {"executed", "expected"}}; the
    budget itself is the bureau's, `budget_services.report_budget_set`) and the report's texts.
    All or nothing; a change raises the version. A refusal of one field names it (`raw-<id>`,
    `expected-<id>`, `<text>-<id>` …, `<figure>-<source>`, a report text's name: units.inputs.on_field)
    so that the form shows it beside that field."""
    report = _locked_report(report_id)
    if not policy.can_edit_report(actor, report):
        raise PermissionDenied("您没有修改该报告的权限")
    report.check_editable(expected_version)
    refuse_after_deadline(report, actor, SAVE)
    changed = _save_values(report, values)
    fields = budget_figures_save(report=report, posted=budget or {}, fields=UNIT_BUDGET_FIELDS)
    fields |= _save_texts(report, texts or {})
    if not changed and not fields:
        return report
    report.mark_edited()
    report.save()
    audit_record(
        actor=actor,
        action=MonitoringAction.MONITORING_REPORT_CHANGED,
        obj=report,
        before={**{k: v[0] for k, v in changed.items()}, **{k: v[0] for k, v in fields.items()}},
        after={**{k: v[1] for k, v in changed.items()}, **{k: v[1] for k, v in fields.items()}},
        label=report.review_label,
    )
    return report


@transaction.atomic
def report_grade(*, report_id: int, actor, grades: dict[int, tuple[str, Decimal | None]]) -> Report:
    """The reviewer's grades of values that need one: `grades` maps a value's id to (grade code,
    percent for 部分达成). Recorded with who and when; only while the report is submitted."""
    levels = {g.code: g for g in GradeLevel.in_force()}
    field = ReportValue._meta.get_field("grade_percent")
    report = _locked_report(report_id)
    if not policy.can_review_report(actor, report):
        raise PermissionDenied("只有本项目的审核员可以评定")
    if report.status != ReviewStatus.SUBMITTED:
        raise ValidationError("只有已提交的报告才能评定")
    now, changes = timezone.now(), {}
    for value in report.values.select_related("grade"):
        if value.pk not in grades:
            continue
        code, percent = grades[value.pk]
        level = levels.get(code) if code else None
        if code and level is None:
            raise ValidationError(f"“{value.label}”的评定等级无效")
        if level is not None and level.is_judged:
            if percent is None:
                raise ValidationError(f"“{value.label}”评为{level.name}时须填写得分比例（0-100）")
            check_number(percent, field, f"“{value.label}”的得分比例")
            if not Decimal(0) <= percent <= Decimal(100):
                raise ValidationError(f"“{value.label}”的得分比例应在 0 到 100 之间")
        else:
            percent = None
        before = (value.grade.name if value.grade_id else "", f"{value.grade_percent or ''}")
        after = (level.name if level else "", f"{percent or ''}")
        if before == after:
            continue
        value.grade, value.grade_percent = level, percent
        value.graded_by, value.graded_at = (actor, now) if level else (None, None)
        value.save(update_fields=["grade", "grade_percent", "graded_by", "graded_at"])
        changes[value.label] = (before, after)
    if changes:
        audit_record(
            actor=actor,
            action=MonitoringAction.MONITORING_REPORT_GRADED,
            obj=report,
            before={k: "".join(v[0]) for k, v in changes.items()},
            after={k: " ".join(x for x in v[1] if x) for k, v in changes.items()},
            label=report.review_label,
        )
    return report


def _report_notice(report: Report, event: str, comment: str) -> Notice | None:
    """Who hears of a step of a monitoring report and what they read (`review.engine.transition` sends it)."""
    link = reverse("monitoring:report", args=[report.pk])
    what = f"{report.round}"
    if event == ReviewEvent.SUBMITTED:
        reviewers = policy.project_reviewers(report.round.project)
        title = f"{report.owner_label} 已提交{what}"
        return Notice(reviewers, NotificationKind.REPORT_SUBMITTED, title, "请审核。", link)
    if not report.unit_id:
        return None
    fillers = unit_fillers([report.unit_id])
    if event == ReviewEvent.RETURNED:
        return Notice(fillers, NotificationKind.REPORT_RETURNED, f"{what}被退回", f"退回意见：{comment}", link)
    if event == ReviewEvent.APPROVED:
        return Notice(fillers, NotificationKind.REPORT_APPROVED, f"{what}已通过", "报告已审核通过。", link)
    return Notice(fillers, NotificationKind.REPORT_RETURNED, f"{what}被重新打开", f"原因：{comment}", link)


@transaction.atomic
def report_submit(*, report_id: int, actor) -> Report:
    """Submit, once every 完成值 is filled and every reason the rules ask for is given."""
    report = _locked_report(report_id)
    if not policy.can_submit_report(actor, report):
        raise PermissionDenied("您没有提交该报告的权限")
    refuse_after_deadline(report, actor, SUBMIT)
    if report.status in EDITABLE:
        problems = submit_problems(report, list(report.values.select_related("grade", "column", "indicator")))
        if problems:
            raise ValidationError(problems)
    return transition(report, event=ReviewEvent.SUBMITTED, actor=actor, notice=_report_notice)


@transaction.atomic
def report_return(*, report_id: int, actor, comment: str) -> Report:
    return transition(
        _locked_report(report_id), event=ReviewEvent.RETURNED, actor=actor, comment=comment, notice=_report_notice
    )


@transaction.atomic
def report_approve(*, report_id: int, actor, comment: str = "") -> Report:
    """Approve; a 自评 waits until every value that needs the reviewer's grade has one."""
    report = _locked_report(report_id)
    if report.round.kind == RoundKind.SELF_EVALUATION and report.status == ReviewStatus.SUBMITTED:
        ungraded = [
            v.label
            for v in report.values.select_related("grade", "column", "indicator")
            if scoring.needs_judgment(v.target, v.actual, v.direction) and v.judgment is None
        ]
        if ungraded:
            raise ValidationError(f"请先评定：{'、'.join(ungraded)}")
    return transition(report, event=ReviewEvent.APPROVED, actor=actor, comment=comment, notice=_report_notice)


@transaction.atomic
def report_reopen(*, report_id: int, actor, comment: str) -> Report:
    if not (comment or "").strip():
        raise ValidationError("重新打开时必须填写原因")
    return transition(
        _locked_report(report_id), event=ReviewEvent.REOPENED, actor=actor, comment=comment, notice=_report_notice
    )

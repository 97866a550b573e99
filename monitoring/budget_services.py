"""Writes of a report's 项目资金 block: the lines a round opens with (from the project's 资金来源, the
unit's row funding or its 任务书's budget), the bureau's 年初预算数 / 全年预算数, the unit's 执行数 and
全年预计执行数. Each figure is a Decimal ≥ 0 in 万元, or blank."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from projects.models import AgreementBudgetSource, BudgetSourceKind, Project
from review.engine import ReviewStatus, StaleVersion, lock
from targets.models import TableRow
from units import policy
from units.audit import audit_record
from units.inputs import check_number, on_field

from .audit_actions import MonitoringAction
from .budget import FundSource, sources_from_funding
from .models import BUREAU_BUDGET_FIELDS, Report, ReportBudget

FIELD_LABELS = {
    "initial_budget": "年初预算数",
    "annual_budget": "全年预算数",
    "executed": "执行数",
    "expected": "全年预计执行数",
}
# A 任务书's sources: the bureau's 专项经费 is this year's appropriation, the rest 其他资金.
AGREEMENT_SOURCES = {
    BudgetSourceKind.SPECIAL: FundSource.CURRENT,
    BudgetSourceKind.SELF: FundSource.OTHER,
    BudgetSourceKind.OTHER: FundSource.OTHER,
}

# --- what a round opens with --------------------------------------------------------------------------


def unit_budgets(project: Project) -> dict[int, dict[str, Decimal]]:
    """Each unit's money in the project by source: its rows' funding (当年财政拨款), or, for a unit
    without, its 任务书's budget (a 平台: 专项经费 as 当年财政拨款, 自筹 and 其他 as 其他资金)."""
    budgets: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    rows = TableRow.objects.filter(table__project=project, funding__isnull=False, removed_at__isnull=True)
    for unit_id, funding in rows.values_list("unit_id", "funding"):
        budgets[unit_id][FundSource.CURRENT.value] += funding
    funded = set(budgets)
    sources = AgreementBudgetSource.objects.filter(
        agreement__project=project, agreement__undertaker__isnull=False, amount__gt=0
    ).values_list("agreement__undertaker_id", "kind", "amount")
    for unit_id, kind, amount in sources:
        if unit_id not in funded:
            budgets[unit_id][AGREEMENT_SOURCES.get(kind, FundSource.OTHER).value] += amount
    return {unit_id: dict(by_source) for unit_id, by_source in budgets.items()}


def project_budget(project: Project) -> dict[str, Decimal]:
    """The project's own money by source: its 资金来源 (中央补助 5,000 → 当年财政拨款 5,000), else its
    资金需求 (funding_requirement) as 当年财政拨款."""
    entries = [
        (f"{source.label}{source.source_project}", source.amount)
        for source in project.funding_sources.order_by("order", "pk")
    ]
    amounts = sources_from_funding(entries)
    if not amounts and project.funding_requirement:
        amounts = {FundSource.CURRENT.value: project.funding_requirement}
    return amounts


def budget_lines(report: Report, amounts: dict[str, Decimal] | None) -> list[ReportBudget]:
    """A new report's unsaved lines, one per source: 年初预算数 = 全年预算数 = the amount found."""
    amounts = amounts or {}
    return [
        ReportBudget(
            report=report,
            source=source.value,
            initial_budget=amounts.get(source.value),
            annual_budget=amounts.get(source.value),
        )
        for source in FundSource
    ]


# --- who writes which figure ------------------------------------------------------------------------------


def _stored_lines(report: Report) -> dict[str, ReportBudget]:
    lines = {line.source: line for line in ReportBudget.objects.filter(report=report)}
    missing = [line for line in budget_lines(report, None) if line.source not in lines]
    for line in missing:  # reports from before the block had lines
        line.save()
        lines[line.source] = line
    return lines


def _checked(value, name: str, source: str) -> Decimal | None:
    where = f"“{FundSource(source).label}”的{FIELD_LABELS[name]}"
    check_number(value, ReportBudget._meta.get_field(name), where)
    if value is not None and value < 0:
        raise ValidationError(f"{where}不能为负数")
    return value


def _by_source(posted: dict, lines: dict[str, ReportBudget]) -> dict[str, dict]:
    """The posted figures by source. Figures given without a source ({"executed": 152}) are those of
    the report's one source with a budget (当年财政拨款 where it has none); with several, the source
    must be named."""
    if not posted or all(isinstance(figures, dict) for figures in posted.values()):
        return posted
    funded = [source for source, line in lines.items() if line.annual_budget]
    if len(funded) > 1:
        names = "、".join(FundSource(source).label for source in funded)
        raise ValidationError(f"该报告有多个资金来源（{names}），请按资金来源分别填写执行数")
    return {funded[0] if funded else FundSource.CURRENT.value: dict(posted)}


@transaction.atomic
def budget_figures_save(*, report: Report, posted: dict[str, dict], fields: tuple[str, ...]) -> dict:
    """Write `fields` of the posted lines ({source: {field: Decimal or None}}) of a locked report;
    returns {"来源·字段": (before, after)} of what changed. A figure of another field is refused: the
    bureau sets the budget, the unit reports its execution."""
    lines = _stored_lines(report)
    posted = _by_source(posted, lines)
    unknown = [source for source in posted if source not in FundSource.values]
    if unknown:
        raise ValidationError(f"没有这一资金来源：{'、'.join(unknown)}")
    foreign = {name for figures in posted.values() for name in figures} - set(fields)
    if foreign & {*BUREAU_BUDGET_FIELDS, "adjusted_budget"}:
        raise ValidationError("年初预算数和全年预算数由省局设定，单位只填写执行数")
    if foreign:
        raise ValidationError(f"不能在此修改：{'、'.join(FIELD_LABELS.get(n, n) for n in sorted(foreign))}")
    changes = {}
    for source, figures in posted.items():
        line, changed = lines[source], []
        for name in fields:
            if name not in figures:
                continue
            with on_field(f"{name}-{source}"):
                value = _checked(figures[name], name, source)
            if value != getattr(line, name):
                label = f"{FundSource(source).label}·{FIELD_LABELS[name]}"
                changes[label] = tuple("" if v is None else f"{v}" for v in (getattr(line, name), value))
                setattr(line, name, value)
                changed.append(name)
        if changed:
            line.save(update_fields=changed)
    return changes


@transaction.atomic
def report_budget_set(*, report_id: int, expected_version: int, actor, budget: dict[str, dict]) -> Report:
    """The bureau sets a report's 年初预算数 and 全年预算数 by source (`budget`: {source: {"initial_budget",
    "annual_budget"}}); a blank 全年预算数 is the 年初预算数. Not on an approved report (reopen it
    first: its score was approved with its budget). Audited; the version goes up."""
    report = lock(Report, report_id, related=("round__project", "unit"))
    if not policy.can_set_report_budget(actor, report):
        raise PermissionDenied("只有本项目的审核员或管理员可以设定预算数")
    if report.status == ReviewStatus.APPROVED:
        raise ValidationError("报告已审核通过，预算数不能再修改；如需修改请先重新打开")
    if report.version != expected_version:
        raise StaleVersion(
            f"{report.edit_label}已被他人修改（当前版本 {report.version}，您编辑的是版本 {expected_version}），请刷新后再保存"
        )
    if any(not isinstance(figures, dict) for figures in budget.values()):
        raise ValidationError("请按资金来源填写预算数")
    for figures in budget.values():
        if figures.get("annual_budget") is None and figures.get("initial_budget") is not None:
            figures["annual_budget"] = figures["initial_budget"]
    changes = budget_figures_save(report=report, posted=budget, fields=BUREAU_BUDGET_FIELDS)
    if not changes:
        return report
    report.version += 1
    report.save(update_fields=["version"])
    audit_record(
        actor=actor,
        action=MonitoringAction.MONITORING_REPORT_BUDGET_SET,
        obj=report,
        before={k: v[0] for k, v in changes.items()},
        after={k: v[1] for k, v in changes.items()},
        label=report.review_label,
    )
    return report

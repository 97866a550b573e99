"""The 项目支出绩效自评表 and the 绩效运行监控表 filled offline, read back into their report through
`monitoring.services.report_save` (the same validation as the report page).

The report a sheet belongs to travels in the export's provenance ({"report": id, "version": v},
see reports.provenance); its indicator rows are matched to the report's values in order, by their
三级指标 (the 自评表's 小计 rows skipped). Read: each indicator's 完成值 and texts (and, in the 监控表,
its 全年预计完成值, the 偏差原因 categories and the 完成目标可能性 ticked √), the unit's 执行数 (and
全年预计执行数) per source of the 项目资金 block, 实际完成情况 and 预算执行偏低原因. The 年初预算数 and
全年预算数 are the bureau's: a changed one is not imported, and the preview says so. Every value is
read in the preview with the service's own reader, so an error names its cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

from monitoring.budget import ROW_LABELS, FundSource
from monitoring.deadlines import SAVE, may_after_deadline
from monitoring.models import DeviationCategory, Likelihood, Report, ReportBudget, ReportValue, RoundKind
from monitoring.services import _read_actual
from review.engine import EDITABLE
from units import policy
from units.inputs import read_number

from ..exporters import evaluation_common as common
from ..exporters import monitoring_table, self_evaluation
from .files import Grid
from .plan import CellChange, ImportPlan, Issue, ReportUpdate

TITLES = {self_evaluation.TITLE: RoundKind.SELF_EVALUATION, monitoring_table.TITLE: RoundKind.MONITORING}
TICKS = {"√", "✓", "✔", "☑", "v", "V", "是"}


@dataclass(frozen=True)
class Layout:
    """Where a form keeps what the unit fills."""

    first_offset: int  # indicator rows start this many rows below the 一级指标 heading
    texts: dict[str, tuple[int, str]]  # value field -> (column, heading)
    unit_figures: dict[str, tuple[int, str]]  # budget field -> (column, heading) of the unit's
    bureau_figures: dict[str, tuple[int, str]]  # budget field -> (column, heading) of the bureau's
    goal_col: int  # 实际完成情况
    reason_col: int  # 预算执行偏低原因's text
    expected_col: int | None = None
    categories: dict[str, int] = field(default_factory=dict)
    likelihoods: dict[str, int] = field(default_factory=dict)


LABEL_COL, ACTUAL_COL = 4, 6
LAYOUTS = {
    RoundKind.SELF_EVALUATION: Layout(
        first_offset=1,
        texts={"shortfall_reason": (9, "偏差原因分析及改进措施")},
        unit_figures={"executed": (6, "全年执行数")},
        bureau_figures={"initial_budget": (4, "年初预算数"), "annual_budget": (5, "全年预算数")},
        goal_col=6,
        reason_col=4,
    ),
    RoundKind.MONITORING: Layout(
        first_offset=2,
        texts={
            "deviation_reason": (monitoring_table.REASON_COL, "原因说明"),
            "corrective_measure": (monitoring_table.MEASURE_COL, "完成目标采取的措施"),
        },
        unit_figures={"executed": (7, "执行数"), "expected": (13, "全年预计执行数")},
        bureau_figures={"initial_budget": (5, "年初预算数"), "annual_budget": (6, "全年预算数")},
        goal_col=8,
        reason_col=5,
        expected_col=7,
        categories=monitoring_table.CATEGORY_COLS,
        likelihoods=monitoring_table.LIKELIHOOD_COLS,
    ),
}


def is_evaluation_sheet(grid: Grid) -> bool:
    return grid.text(1, 1) in TITLES


def sheet_report(grid: Grid, source: dict | None, user) -> tuple[Report | None, int | None, str]:
    """The report the sheet was exported from, its version then, or why it cannot be told."""
    entry = ((source or {}).get("sheets") or {}).get(grid.name) or {}
    report = Report.objects.select_related("round__project", "unit").filter(pk=entry.get("report") or 0).first()
    if report is None or report.round.kind != TITLES[grid.text(1, 1)]:
        return None, None, "无法确定该表属于哪份报告：请使用本系统“下载自评表/监控表”得到的文件填写，勿改工作表名"
    if not policy.can_view_report(user, report):
        return None, None, "没有找到该表所属的报告"
    if report.status not in EDITABLE or not policy.can_edit_report(user, report):
        return None, None, f"{report.owner_label}的报告当前不可修改（{report.get_status_display()}）"
    if not may_after_deadline(user, report, SAVE):
        return None, None, f"{report.owner_label}的报告已过本轮截止时间，不能再导入；如需延期请联系省局审核员"
    return report, entry.get("version"), ""


def _find(grid: Grid, text: str, col: int = 1) -> int | None:
    return next((r for r in range(1, len(grid.rows) + 1) if grid.text(r, col) == text), None)


def _formula(grid: Grid, r: int, c: int, plan: ImportPlan, label: str) -> bool:
    """A formula is refused as in every layout (reading.read_value): its text is no value, and
    openpyxl or a script saves no result for it."""
    cell = grid.cell(r, c)
    if cell.formula:
        plan.errors.append(Issue(grid.name, r, c, f"“{label}”是公式（{cell.value}），请填写内容而不是公式"))
    return cell.formula


def _number(grid: Grid, r: int, c: int, plan: ImportPlan, label: str, field: str = "executed") -> Decimal | None:
    if _formula(grid, r, c, plan, label):
        return None
    text = grid.text(r, c)
    if text in ("", common.NOT_APPLICABLE, common.DASH):
        return None
    try:
        return read_number(text, f"“{label}”", ReportBudget._meta.get_field(field), negative=False)
    except ValidationError as exc:
        plan.errors.append(Issue(grid.name, r, c, exc.messages[0]))
        return None


def _ticked(grid: Grid, r: int, c: int, plan: ImportPlan, label: str) -> bool:
    """A tick box of the 监控表: √ (or ✓, v, 是) or blank; anything else names its cell."""
    if _formula(grid, r, c, plan, label):
        return False
    text = grid.text(r, c)
    if text and text not in TICKS:
        plan.errors.append(Issue(grid.name, r, c, f"“{label}”请打“√”或留空，而不是“{text}”"))
        return False
    return bool(text)


def plan_evaluation_sheet(grid: Grid, report: Report, version: int | None) -> ImportPlan:
    plan = ImportPlan(sheets=[grid.name])
    layout = LAYOUTS[report.round.kind]
    update = ReportUpdate(report_id=report.pk, version=report.version, values={}, budget={}, texts={})
    if version is not None and version != report.version:
        plan.warnings.append(Issue(grid.name, 1, 1, "导出后该报告已被修改：导入将以文件为准覆盖其中的值"))
    _plan_values(grid, report, layout, plan, update)
    _plan_budget(grid, report, layout, plan, update)
    goal = _find(grid, common.GOAL_LABEL)
    texts = [("实际完成情况", "goal_achievement", goal + 1 if goal else None, layout.goal_col)]
    reason = _find(grid, common.BUDGET_REASON)
    texts.append((common.BUDGET_REASON, "budget_reason", reason, layout.reason_col))
    for label, name, r, col in texts:
        if r is None or _formula(grid, r, col, plan, label):
            continue
        _plan_text(grid.text(r, col), report, name, label, plan, update)
    if plan.ok and (update.values or update.budget or update.texts):
        plan.reports.append(update)
    return plan


def _plan_text(text: str, report: Report, name: str, label: str, plan: ImportPlan, update: ReportUpdate) -> None:
    if text != getattr(report, name):
        update.texts[name] = text
        plan.changes.append(CellChange(f"{report.owner_label} · {label}", getattr(report, name), text))
    else:
        plan.unchanged += 1


def _indicator_rows(grid: Grid, first: int) -> list[int]:
    """The rows of the indicators, from `first` down to the first row with no 三级指标 (the 自评表's
    小计 rows skipped)."""
    rows, r = [], first
    while grid.text(r, LABEL_COL) or grid.text(r, 3) == self_evaluation.SUBTOTAL:
        if grid.text(r, 3) != self_evaluation.SUBTOTAL:
            rows.append(r)
        r += 1
    return rows


def _plan_values(grid: Grid, report: Report, layout: Layout, plan: ImportPlan, update: ReportUpdate) -> None:
    header = _find(grid, "一级指标", col=2)
    if header is None:
        plan.errors.append(Issue(grid.name, None, None, "找不到指标表的表头（一级指标）"))
        return
    values = list(report.values.order_by("order", "pk"))
    rows = _indicator_rows(grid, header + layout.first_offset)
    for offset, value in enumerate(values):
        r = rows[offset] if offset < len(rows) else header + layout.first_offset + offset
        if grid.text(r, LABEL_COL) not in (common.indicator_label(value), value.label):
            plan.errors.append(Issue(grid.name, r, LABEL_COL, f"此处应为指标“{value.label}”：请勿增删或调换指标行"))
            return
        fields = _value_fields(grid, r, value, layout, plan)
        if fields is None:
            continue
        for name, (before, after, title) in fields.items():
            created = name == "raw" and not before
            plan.changes.append(CellChange(f"{report.owner_label} · {value.label} · {title}", before, after, created))
        if fields:
            update.values[str(value.pk)] = {name: after for name, (_, after, _) in fields.items()}
        else:
            plan.unchanged += 1
    if len(rows) > len(values):
        extra = rows[len(values)]
        plan.errors.append(Issue(grid.name, extra, LABEL_COL, "此处多出一行指标：请勿增删或调换指标行"))


def _value_fields(grid: Grid, r: int, value: ReportValue, layout: Layout, plan: ImportPlan) -> dict | None:
    """{field: (before, after, heading)} of what the row changes; None where a cell is refused."""
    where = f"{value.label}”的“"
    errors = len(plan.errors)
    readings = [("raw", ACTUAL_COL, "完成值")]
    if layout.expected_col:
        readings.append(("expected", layout.expected_col, "全年预计完成值"))
    fields = {}
    for name, col, title in readings:
        if _formula(grid, r, col, plan, f"{where}{title}"):
            continue
        text = grid.text(r, col)
        if text != getattr(value, name):
            try:
                _read_actual(value, text, title)
            except ValidationError as exc:
                plan.errors.append(Issue(grid.name, r, col, "；".join(exc.messages)))
                continue
            fields[name] = (getattr(value, name), text, title)
    for name, (col, title) in layout.texts.items():
        if not _formula(grid, r, col, plan, f"{where}{title}") and grid.text(r, col) != getattr(value, name):
            fields[name] = (getattr(value, name), grid.text(r, col), title)
    _ticks(grid, r, value, layout, plan, fields)
    return None if len(plan.errors) > errors else fields


def _ticks(grid: Grid, r: int, value: ReportValue, layout: Layout, plan: ImportPlan, fields: dict) -> None:
    """The 偏差原因 categories (any) and the 完成目标可能性 (at most one) ticked on the 监控表."""
    if not layout.categories:
        return
    where = f"{value.label}”的“"
    chosen = [
        code
        for code, col in layout.categories.items()
        if _ticked(grid, r, col, plan, f"{where}{DeviationCategory(code).label}")
    ]
    if chosen != value.category_codes:
        labels = "、".join(DeviationCategory(code).label for code in chosen)
        fields["deviation_categories"] = ("、".join(value.category_labels), labels, "偏差原因类别")
    ticked = [
        (code, col)
        for code, col in layout.likelihoods.items()
        if _ticked(grid, r, col, plan, f"{where}{Likelihood(code).label}")
    ]
    if len(ticked) > 1:
        plan.errors.append(Issue(grid.name, r, ticked[1][1], f"“{value.label}”的完成目标可能性只能选一项"))
        return
    likelihood = ticked[0][0] if ticked else ""
    if likelihood != value.likelihood:
        fields["likelihood"] = (value.likelihood, likelihood, "完成目标可能性")


def _plan_budget(grid: Grid, report: Report, layout: Layout, plan: ImportPlan, update: ReportUpdate) -> None:
    """The unit's figures per source; a changed budget (the bureau's) is a warning, not imported."""
    lines = {line.source: line for line in report.budget.lines}
    for source in FundSource:
        r = _find(grid, ROW_LABELS[source], col=2)
        if r is None:
            continue
        line, name_of = lines[source.value], f"{report.owner_label} · {source.label}"
        for name, (col, heading) in layout.unit_figures.items():
            number = _number(grid, r, col, plan, f"{source.label}的{heading}", name)
            if number != getattr(line, name):
                update.budget.setdefault(source.value, {})[name] = "" if number is None else str(number)
                plan.changes.append(CellChange(f"{name_of} · {heading}", _text(getattr(line, name)), _text(number)))
        for name, (col, heading) in layout.bureau_figures.items():
            number = _number(grid, r, col, plan, f"{source.label}的{heading}", name)
            if number != getattr(line, name):
                message = f"{source.label}的{heading}由省局设定，文件中的“{_text(number)}”未导入（现为“{_text(getattr(line, name))}”）"
                plan.warnings.append(Issue(grid.name, r, col, message))


def _text(number: Decimal | None) -> str:
    return "" if number is None else f"{number}"

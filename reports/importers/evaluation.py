"""The 项目支出绩效自评表 and the 绩效运行监控表 filled offline: the unit's 完成值, reasons, budget
figures and texts, read back into its report through `monitoring.services.report_save` (the same
validation as the report page).

The report a sheet belongs to travels in the export's provenance ({"report": id, "version": v},
see reports.provenance); its indicator rows are matched to the report's values in order, by their
三级指标. Every 完成值 is read in the preview with the service's own reader, so an error names its cell."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from monitoring.deadlines import SAVE, may_after_deadline
from monitoring.models import Report, RoundKind
from monitoring.services import _read_actual
from targets.review import EDITABLE
from units import policy
from units.inputs import read_number

from .files import Grid
from .plan import CellChange, ImportPlan, Issue, ReportUpdate

TITLES = {"项目支出绩效自评表": RoundKind.SELF_EVALUATION, "绩效运行监控表": RoundKind.MONITORING}
# columns of the indicator table: 三级指标, 完成值, and the texts by field
COLUMNS = {
    RoundKind.SELF_EVALUATION: (3, 7, {"shortfall_reason": (10, "未完成原因分析")}),
    RoundKind.MONITORING: (3, 6, {"deviation_reason": (10, "偏差原因"), "corrective_measure": (11, "纠偏措施")}),
}
# columns of the budget figures, in the row under 预算执行情况
BUDGET_COLUMNS = {RoundKind.SELF_EVALUATION: (5, 6), RoundKind.MONITORING: (5, 7)}
REPORT_TEXTS = {
    "评价结论": "conclusion",
    "存在问题": "problems",
    "改进措施": "improvements",
    "执行偏低原因": "budget_reason",
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


def _number(grid: Grid, r: int, c: int, plan: ImportPlan, label: str, field: str) -> Decimal | None:
    if _formula(grid, r, c, plan, label):
        return None
    text = grid.text(r, c)
    if text == "不适用":
        return None
    try:
        return read_number(text, f"“{label}”", Report._meta.get_field(field), negative=False)
    except ValidationError as exc:
        plan.errors.append(Issue(grid.name, r, c, exc.messages[0]))
        return None


def plan_evaluation_sheet(grid: Grid, report: Report, version: int | None) -> ImportPlan:
    plan = ImportPlan(sheets=[grid.name])
    kind = report.round.kind
    update = ReportUpdate(report_id=report.pk, version=report.version, values={}, budget={}, texts={})
    if version is not None and version != report.version:
        plan.warnings.append(Issue(grid.name, 1, 1, "导出后该报告已被修改：导入将以文件为准覆盖其中的值"))
    _plan_values(grid, report, kind, plan, update)
    _plan_budget(grid, report, kind, plan, update)
    for label, name in REPORT_TEXTS.items():
        r = _find(grid, label)
        if r is None or _formula(grid, r, 3, plan, label):
            continue
        text = grid.text(r, 3)
        if text != getattr(report, name):
            update.texts[name] = text
            plan.changes.append(CellChange(f"{report.owner_label} · {label}", getattr(report, name), text))
        else:
            plan.unchanged += 1
    if plan.ok and (update.values or update.budget or update.texts):
        plan.reports.append(update)
    return plan


def _plan_values(grid: Grid, report: Report, kind: str, plan: ImportPlan, update: ReportUpdate) -> None:
    label_col, actual_col, texts = COLUMNS[kind]
    header = _find(grid, "一级指标")
    if header is None:
        plan.errors.append(Issue(grid.name, None, None, "找不到指标表的表头（一级指标）"))
        return
    for offset, value in enumerate(report.values.order_by("order", "pk")):
        r = header + 1 + offset
        if grid.text(r, label_col) != value.label:
            plan.errors.append(Issue(grid.name, r, label_col, f"此处应为指标“{value.label}”：请勿增删或调换指标行"))
            return
        fields = {}
        where = f"{value.label}”的“"
        formulas = [_formula(grid, r, actual_col, plan, f"{where}完成值")]
        formulas += [_formula(grid, r, col, plan, f"{where}{title}") for col, title in texts.values()]
        if any(formulas):
            continue
        raw = grid.text(r, actual_col)
        if raw != value.raw:
            try:
                _read_actual(value, raw)
            except ValidationError as exc:
                plan.errors.append(Issue(grid.name, r, actual_col, "；".join(exc.messages)))
                continue
            fields["raw"] = raw
            plan.changes.append(
                CellChange(f"{report.owner_label} · {value.label} · 完成值", value.raw, raw, not value.raw)
            )
        for name, (col, title) in texts.items():
            text = grid.text(r, col)
            if text != getattr(value, name):
                fields[name] = text
                plan.changes.append(
                    CellChange(f"{report.owner_label} · {value.label} · {title}", getattr(value, name), text)
                )
        if fields:
            update.values[str(value.pk)] = fields
        else:
            plan.unchanged += 1


def _plan_budget(grid: Grid, report: Report, kind: str, plan: ImportPlan, update: ReportUpdate) -> None:
    head = _find(grid, "预算执行情况")
    if head is None or not report.budget_applicable:
        return
    adjusted_col, executed_col = BUDGET_COLUMNS[kind]
    r = head + 1
    shown_adjusted = report.adjusted_budget if report.adjusted_budget is not None else report.annual_budget
    for name, col, label, shown in (
        ("adjusted_budget", adjusted_col, "调整后预算数", shown_adjusted),
        ("executed", executed_col, "预算执行数", report.executed),
    ):
        number = _number(grid, r, col, plan, label, name)
        if number != shown:
            update.budget[name] = str(number) if number is not None else ""
            plan.changes.append(CellChange(f"{report.owner_label} · {label}", f"{shown or ''}", f"{number or ''}"))

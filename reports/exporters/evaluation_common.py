"""What the 项目支出绩效自评表 and the 绩效运行监控表 share, as the Ministry of Finance prints them: a
label column on the left (项目名称, 项目资金（万元）, 年度总体目标, 绩效指标), the header block, the 项目
资金 block (年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金), 年度总体目标 (预期目标 |
实际完成情况), the indicators' category columns (一级/二级 merged over their runs), the evidence list
and the signature lines.

Every figure comes from `monitoring.selectors.report_page` (the one read of a report): the forms
print what the page shows, never a recomputation. The offline import (`reports.importers.evaluation`)
reads the filled form back by the labels written here."""

from __future__ import annotations

from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from monitoring.budget import BudgetLine
from monitoring.models import Report
from monitoring.selectors import report_page, unit_shown
from targets.values import direction_symbol

from .base import SheetWriter

MONEY = "#,##0.00"
POINTS = "0.00"
NOT_APPLICABLE = "不适用"
DASH = "—"
# The left column's labels (the import finds the blocks by them).
PROJECT_NAME = "项目名称"
BUDGET_LABEL = "项目资金（万元）"
GOAL_LABEL = "年度总体目标"
INDICATORS_LABEL = "绩效指标"
BUDGET_REASON = "预算执行偏低原因"
EVIDENCE = "佐证材料"


class RoundWeights:
    """A report form's layout; `with_weights` gives it the round's weights read once, for the
    forms of many reports of one round (reports.unit_forms)."""

    weights: dict | None = None

    def with_weights(self, weights: dict):
        chosen = copy(self)
        chosen.weights = weights
        return chosen


def report_context(report: Report, user, weights: dict | None = None) -> dict:
    """The report's page context, refetched so that the export reads the stored values."""
    report = Report.objects.select_related("round__project__competent_department", "unit", "submitted_by").get(
        pk=report.pk
    )
    return report_page(report, user, weights)


def owner_unit(report: Report) -> str:
    """实施单位: the unit, or for the project's own report its competent department."""
    if report.unit_id:
        return report.unit.name
    department = report.round.project.competent_department
    return department.name if department else ""


def categories(value) -> tuple[str, str]:
    """(一级指标, 二级指标) of a value as kept when the round opened."""
    category = value.category
    if category is None:
        return "", ""
    if category.parent_id:
        return category.parent.name, category.name
    return category.name, ""


def indicator_label(value) -> str:
    """三级指标 as printed: the name, with its 度量单位 where the target (a bare 500) does not write it."""
    unit = unit_shown(value)
    return f"{value.label}（{unit}）" if unit else value.label


def nature(value) -> str:
    """指标性质 as the MoF form prints it: ≥ (正向), ≤ (反向), ＝, 区间, 定性 — the bureau's choice for
    the indicator, else the target's own (`targets.values.direction_symbol`)."""
    return direction_symbol(value.direction, value.target)


def merge_runs(sheet: SheetWriter, col: int, first: int, keys: list) -> None:
    """Merge vertically consecutive rows that share a category."""
    start = 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            if index - start > 1 and keys[start] != "":
                sheet.merge(first + start, col, first + index - 1, col)
            start = index


def header(sheet: SheetWriter, context: dict, title: str, subtitle: str, unit_col: int) -> int:
    """Title and subtitle; 项目名称; 主管部门 and 实施单位 (its label at `unit_col`). Returns the next row."""
    report, project = context["report"], context["project"]
    cols = sheet.columns
    sheet.title(1, title, size=18)
    sheet.merge(2, 1, 2, cols, subtitle, box=False)
    sheet.merge(3, 1, 3, 1, PROJECT_NAME, bold=True)
    sheet.merge(3, 2, 3, cols, project.name, align="left")
    department = project.competent_department.name if project.competent_department else ""
    sheet.merge(4, 1, 4, 1, "主管部门", bold=True)
    sheet.merge(4, 2, 4, unit_col - 1, department, align="left")
    sheet.merge(4, unit_col, 4, unit_col, "实施单位", bold=True)
    sheet.merge(4, unit_col + 1, 4, cols, owner_unit(report), align="left")
    return 5


@dataclass(frozen=True)
class Figure:
    """A column of the 项目资金 block: its heading, its columns, and its cell for a line (the total
    line is told by `line.source == "total"`)."""

    heading: str
    first: int
    last: int
    cell: Callable[[BudgetLine, dict], object]
    number_format: str | None = None


def amount(name: str) -> Callable[[BudgetLine, dict], object]:
    def cell(line: BudgetLine, context: dict):
        number = getattr(line, name)
        return None if number is None else Decimal(number)

    return cell


def rate(line: BudgetLine, context: dict) -> str:
    if not context["budget"].applicable and line.source == "total":
        return NOT_APPLICABLE
    return "" if line.rate_pct is None else f"{line.rate_pct:.2f}%"


def budget_block(
    sheet: SheetWriter, context: dict, r: int, label_cols: tuple[int, int], figures: list[Figure], without: str
) -> int:
    """项目资金（万元）: a heading row, then 年度资金总额 and each source; `without` (what the form says
    where there is no budget), else the row of the reason for a low execution. Returns the next row."""
    budget = context["budget"]
    rows = budget.rows
    sheet.merge(r, 1, r + len(rows), 1, BUDGET_LABEL, bold=True)
    sheet.merge(r, label_cols[0], r, label_cols[1], "", bold=True)
    for figure in figures:
        sheet.merge(r, figure.first, r, figure.last, figure.heading, bold=True)
    for offset, line in enumerate(rows, start=1):
        # 年度资金总额 centred; 其中：当年财政拨款 at the left, the other sources under its 当年
        style = {"align": "center"} if line.source == "total" else {"align": "left", "indent": 0 if offset == 2 else 3}
        sheet.merge(r + offset, label_cols[0], r + offset, label_cols[1], line.label, **style)
        for figure in figures:
            sheet.merge(r + offset, figure.first, r + offset, figure.last, None)
            value = figure.cell(line, context)
            fmt = figure.number_format if isinstance(value, Decimal) else None
            sheet.put(r + offset, figure.first, value, number_format=fmt, measure=figure.first == figure.last)
    r += len(rows) + 1
    if not budget.applicable:
        sheet.merge(r, 1, r, sheet.columns, without, align="left")
        return r + 1
    sheet.merge(r, 1, r, label_cols[1], BUDGET_REASON, bold=True)
    sheet.merge(r, label_cols[1] + 1, r, sheet.columns, context["report"].budget_reason, align="left")
    return r + 1


def goals(sheet: SheetWriter, context: dict, r: int, split: int, done_heading: str) -> int:
    """年度总体目标: 预期目标 (columns 2 to `split`) | 实际完成情况 (the unit's words, the rest)."""
    cols = sheet.columns
    sheet.merge(r, 1, r + 1, 1, GOAL_LABEL, bold=True)
    sheet.merge(r, 2, r, split, "预期目标", bold=True)
    sheet.merge(r, split + 1, r, cols, done_heading, bold=True)
    sheet.merge(r + 1, 2, r + 1, split, context["expected_goal"], align="left")
    sheet.merge(r + 1, split + 1, r + 1, cols, context["report"].goal_achievement, align="left")
    return r + 2


TALL_MERGE = 250  # points: a merged run this tall may be split by a page break


def fit_heights(sheet: SheetWriter, first: int, last: int) -> None:
    """Row heights for the wrapped texts, with a line to spare on the rows that wrap: the estimate
    counts characters, and a printer's fallback for 仿宋 may set them wider (a last line cut off).
    A tall merged run (一级指标 over many long rows) has its text at its top: centred, it may fall
    on a page break and be cut in two."""
    sheet.fit_heights(first, last)
    for r in range(first, last + 1):
        if sheet.heights.get(r, 0) > 20:
            sheet.heights[r] += 15
    for r1, c1, r2, _ in sheet.merges:
        if r2 > r1 >= first and sum(sheet.heights.get(r, 20) for r in range(r1, r2 + 1)) > TALL_MERGE:
            value, props = sheet.cells.get((r1, c1), (None, {}))
            sheet.cells[(r1, c1)] = (value, {**(props or {}), "valign": "top"})


def evidence_names(context: dict) -> list[str]:
    """Every evidence file's name: the report's own, then each value's, in order."""
    names = [f.original_name for f in context["evidence"]]
    for line in context["lines"]:
        names.extend(f"{line.value.label}：{f.original_name}" for f in line.value.files)
    return names


def evidence_row(sheet: SheetWriter, context: dict, r: int) -> int:
    names = evidence_names(context)
    sheet.merge(r, 1, r, 1, EVIDENCE, bold=True)
    sheet.merge(r, 2, r, sheet.columns, "；".join(names) if names else "无", align="left")
    return r + 1


def note(sheet: SheetWriter, text: str, r: int) -> int:
    sheet.merge(r, 1, r, sheet.columns, text, align="left", box=False, size=10)
    return r + 1


def signatures(sheet: SheetWriter, context: dict, r: int) -> int:
    """项目负责人, 财务负责人, 填报人, 填报日期, 单位（盖章）: lines to sign, without boxes."""
    report = context["report"]
    cols = sheet.columns
    third = cols // 3
    filled_by = report.submitted_by.get_full_name() or report.submitted_by.username if report.submitted_by else ""
    # The day in the bureau's time zone: stored in UTC, a submission before 08:00 is yesterday's there.
    filled_on = f"{timezone.localtime(report.submitted_at):%Y年%m月%d日}" if report.submitted_at else ""
    sheet.heights[r] = 8
    r += 1
    for row in (
        (
            ("项目负责人：", 1, third),
            ("财务负责人：", third + 1, 2 * third),
            (f"填报人：{filled_by}", 2 * third + 1, cols),
        ),
        ((f"填报日期：{filled_on}", 1, 2 * third), ("单位（盖章）：", 2 * third + 1, cols)),
    ):
        for text, first, last in row:
            sheet.merge(r, first, r, last, text, align="left", box=False)
        sheet.heights[r] = 30
        r += 1
    return r

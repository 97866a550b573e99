"""What the 自评表 and the 绩效运行监控表 share: the header block, the indicator rows' category
columns (merged runs, as the forms do), the evidence list, the texts and the signature lines.

Every figure comes from `monitoring.selectors.report_page` (the one read of a report): the forms
print what the page shows, never a recomputation."""

from __future__ import annotations

from copy import copy
from decimal import Decimal

from django.utils import timezone

from monitoring.models import Report
from monitoring.selectors import report_page
from targets.values import direction_symbol

from .base import SheetWriter

MONEY = "#,##0.00"
POINTS = "0.00"
NOT_APPLICABLE = "不适用"


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


def nature(value) -> str:
    """指标性质 as the MoF form prints it: ≥ (正向), ≤ (反向), ＝, 区间, 定性 — the bureau's choice for
    the indicator, else the target's own (`targets.values.direction_symbol`)."""
    return direction_symbol(value.direction, value.target)


def target_text(value) -> str:
    """指标值 without its unit (the 度量单位 column has it): ≥500, 200000, 显著增长."""
    target = value.target
    if target.number is None:
        return value.target_raw
    number = target.number.normalize()
    number = format(number, "f")
    return f"{target.comparator or ''}{number}"


def merge_runs(sheet: SheetWriter, col: int, first: int, keys: list) -> None:
    """Merge vertically consecutive rows that share a category."""
    start = 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            if index - start > 1 and keys[start] != "":
                sheet.merge(first + start, col, first + index - 1, col)
            start = index


def header(sheet: SheetWriter, context: dict, title: str, r: int) -> int:
    """Title, year, money unit, 项目名称, 主管部门 / 实施单位; returns the next row."""
    report, round_, project = context["report"], context["round"], context["project"]
    cols = sheet.columns
    sheet.title(r, title)
    subtitle = (
        f"（{round_.year}年度）" if not round_.is_monitoring else f"（监控时点：{round_.reference_date:%Y年%m月%d日}）"
    )
    sheet.merge(r + 1, 1, r + 1, cols, subtitle, box=False)
    sheet.merge(r + 2, 1, r + 2, cols, f"金额单位：{project.money_unit}", align="right", box=False)
    r += 3
    sheet.merge(r, 1, r, 2, "项目名称", bold=True)
    sheet.merge(r, 3, r, cols, project.name, align="left")
    r += 1
    half = 2 + (cols - 2) // 2
    department = project.competent_department.name if project.competent_department else ""
    sheet.merge(r, 1, r, 2, "主管部门", bold=True)
    sheet.merge(r, 3, r, half, department, align="left")
    sheet.merge(r, half + 1, r, half + 1, "实施单位", bold=True)
    sheet.merge(r, half + 2, r, cols, owner_unit(report), align="left")
    return r + 1


def goals(sheet: SheetWriter, context: dict, summary: str, r: int) -> int:
    """年度目标 and 完成情况 side by side; returns the next row."""
    cols = sheet.columns
    half = 2 + (cols - 2) // 2
    sheet.merge(r, 1, r + 1, 2, "年度总体目标", bold=True)
    sheet.merge(r, 3, r, half, "预期目标", bold=True)
    sheet.merge(r, half + 1, r, cols, "实际完成情况", bold=True)
    sheet.merge(r + 1, 3, r + 1, half, context["project"].overall_goal, align="left")
    sheet.merge(r + 1, half + 1, r + 1, cols, summary, align="left")
    return r + 2


def evidence_names(context: dict) -> list[str]:
    """Every evidence file's name: the report's own, then each value's, in order."""
    names = [f.original_name for f in context["evidence"]]
    for line in context["lines"]:
        names.extend(f"{line.value.label}：{f.original_name}" for f in line.value.files)
    return names


def texts(sheet: SheetWriter, rows: list[tuple[str, str]], r: int) -> int:
    """Label over two columns, text over the rest, one row each; returns the next row."""
    for label, text in rows:
        sheet.merge(r, 1, r, 2, label, bold=True)
        sheet.merge(r, 3, r, sheet.columns, text, align="left")
        r += 1
    return r


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


def number_or_blank(value: Decimal | None):
    return None if value is None else Decimal(value)

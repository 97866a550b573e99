"""项目支出绩效自评表 (DESIGN §8 step 5): one unit's 自评 (or the project's own), as the form prints.

Header (项目名称, 主管部门, 实施单位), the 预算执行情况 block, 年度总体目标 and 完成情况, the
indicator table `一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 |
未完成原因分析` with merged category cells, the total and grade, 评价结论, 存在问题, 改进措施, the
佐证材料 and the signature lines. Scores are `monitoring.selectors.report_page`'s, to two decimals."""

from __future__ import annotations

from decimal import Decimal

from monitoring.models import Report, RoundKind
from monitoring.scoring import BUDGET_POINTS

from . import evaluation_common as common
from .base import Exporter, SheetWriter

COLS = 10
INDICATOR_HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
    "完成值",
    "权重",
    "得分",
    "未完成原因分析",
)
SCALED_NOTE = "本单位无预算资金，预算执行 10 分不适用，总分按指标得分折算为百分制（指标得分 × 100 ÷ 90）。"


def completion_summary(context: dict) -> str:
    lines = context["lines"]
    met = sum(1 for line in lines if line.score is not None and line.score.full)
    scores = context["scores"]
    grade = scores["grade"] or "待评定"
    return f"共{len(lines)}项绩效指标，全部完成{met}项；自评得分{scores['total']:.2f}分，等级：{grade}。"


class SelfEvaluationExporter(common.RoundWeights, Exporter):
    identifier = "self_evaluation"
    title = "项目支出绩效自评表"
    takes = "report"
    permission = "view_report"

    def applies_to(self, report: Report) -> bool:
        return report.round.kind == RoundKind.SELF_EVALUATION

    def sheet_title(self, report: Report) -> str:
        return f"{report.owner_label}自评表"

    def render(self, ws, report: Report, user) -> None:
        context = common.report_context(report, user, self.weights)
        sheet = SheetWriter(ws, COLS)
        r = common.header(sheet, context, "项目支出绩效自评表", 1)
        r = budget_block(sheet, context, r)
        r = common.goals(sheet, context, completion_summary(context), r)
        first_indicator = r
        r = indicator_table(sheet, context, r)
        r = total_rows(sheet, context, r)
        names = common.evidence_names(context)
        report = context["report"]
        r = common.texts(
            sheet,
            [
                ("评价结论", report.conclusion),
                ("存在问题", report.problems),
                ("改进措施", report.improvements),
                ("佐证材料", "；".join(names) if names else "无"),
            ],
            r,
        )
        sheet.set_widths(
            minimum={1: 10, 2: 10, 3: 22, 4: 8, 5: 10, 6: 8, 7: 12, 8: 8, 9: 8, 10: 22},
            maximum={3: 30, 10: 30},
        )
        sheet.fit_heights(4, r - 1)
        common.signatures(sheet, context, r)
        sheet.print_setup(title_rows=(first_indicator, first_indicator), landscape=True)


def budget_block(sheet: SheetWriter, context: dict, r: int) -> int:
    """预算执行情况: 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分."""
    report, scores = context["report"], context["scores"]
    sheet.merge(r, 1, r + 1, 2, "预算执行情况", bold=True)
    heads = (("年初预算", 3, 4), ("调整后预算数", 5, 5), ("预算执行数", 6, 7), ("预算执行率", 8, 8))
    heads += (("权重", 9, 9), ("得分", 10, 10))
    for text, first, last in heads:
        sheet.merge(r, first, r, last, text, bold=True)
    r += 1
    if not report.budget_applicable:
        for _, first, last in heads:
            sheet.merge(r, first, r, last, common.NOT_APPLICABLE)
        sheet.merge(r + 1, 1, r + 1, COLS, SCALED_NOTE, align="left")
        return r + 2
    adjusted = report.adjusted_budget if report.adjusted_budget is not None else report.annual_budget
    sheet.merge(r, 3, r, 4, None)
    sheet.put(r, 3, common.number_or_blank(report.annual_budget), number_format=common.MONEY)
    sheet.put(r, 5, common.number_or_blank(adjusted), number_format=common.MONEY)
    sheet.merge(r, 6, r, 7, None)
    sheet.put(r, 6, common.number_or_blank(report.executed), number_format=common.MONEY)
    rate = context["rate_pct"]
    sheet.put(r, 8, f"{rate:.2f}%" if rate is not None else "")
    sheet.put(r, 9, BUDGET_POINTS, number_format=common.POINTS)
    points = scores["budget_points"]
    sheet.put(r, 10, points if points is not None else "", number_format=common.POINTS)
    r += 1
    if report.budget_reason:
        sheet.merge(r, 1, r, 2, "执行偏低原因", bold=True)
        sheet.merge(r, 3, r, COLS, report.budget_reason, align="left")
        r += 1
    return r


def indicator_table(sheet: SheetWriter, context: dict, r: int) -> int:
    """The indicator rows under their header; 一级/二级 merged over their runs."""
    for col, text in enumerate(INDICATOR_HEADERS, start=1):
        sheet.put(r, col, text, bold=True)
    r += 1
    first = r
    keys1, keys2 = [], []
    for line in context["lines"]:
        value = line.value
        level1, level2 = common.categories(value)
        keys1.append(level1)
        keys2.append((level1, level2) if level2 else "")
        sheet.put(r, 1, level1)
        sheet.put(r, 2, level2)
        sheet.put(r, 3, value.label, align="left")
        sheet.put(r, 4, common.nature(value))
        sheet.put(r, 5, common.target_text(value))
        sheet.put(r, 6, value.target_unit)
        sheet.put(r, 7, value.raw)
        sheet.put(r, 8, line.weight, number_format=common.POINTS)
        sheet.put(r, 9, line.score.points if line.score else "待评定", number_format=common.POINTS)
        sheet.comment(r, 9, line.explanation)  # which rule, which numbers (monitoring.scoring.assess)
        sheet.put(r, 10, value.shortfall_reason, align="left")
        r += 1
    common.merge_runs(sheet, 1, first, keys1)
    common.merge_runs(sheet, 2, first, keys2)
    return r


def total_rows(sheet: SheetWriter, context: dict, r: int) -> int:
    """指标得分 (with the scaling said), 总分 and 等级."""
    scores = context["scores"]
    note = "指标得分"
    if scores["scaled"]:
        note += f"（适用指标权重合计 {scores['weight_total']:.2f}，总分按 90 分折算）"
    sheet.merge(r, 1, r, 7, note, bold=True)
    sheet.put(r, 8, scores["weight_total"], number_format=common.POINTS)
    sheet.put(r, 9, scores["indicator_points"], number_format=common.POINTS)
    sheet.put(r, 10, "")
    r += 1
    sheet.merge(r, 1, r, 7, "总分", bold=True)
    sheet.put(r, 8, Decimal(100), number_format=common.POINTS)
    sheet.put(r, 9, scores["total"], number_format=common.POINTS)
    sheet.put(r, 10, f"等级：{scores['grade'] or '待评定'}")
    return r + 1

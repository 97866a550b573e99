"""项目支出绩效自评表 (DESIGN §8 step 5), one unit's 自评 (or the project's own) as the Ministry of
Finance prints it:

    项目名称 | 主管部门 | 实施单位
    项目资金（万元） 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
                    年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金 (分值 10 and 得分 on the total)
    年度总体目标     预期目标 | 实际完成情况 (the unit's own words)
    绩效指标         一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
                    (一级/二级 merged over their runs, a 小计 per 一级指标)
    总分 100 | the total | 等级
    佐证材料, then the signature lines.

Targets and 完成值 are printed as written. Scores are `monitoring.selectors.report_page`'s, to two
decimals."""

from __future__ import annotations

from decimal import Decimal
from itertools import groupby

from monitoring.models import Report, RoundKind
from monitoring.scoring import BUDGET_POINTS

from . import evaluation_common as common
from .base import Exporter, SheetWriter

TITLE = "项目支出绩效自评表"
COLS = 9
INDICATOR_HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)
SUBTOTAL = "小计"
PENDING = "待评定"
WITHOUT_BUDGET = (
    "本报告无预算资金（全年预算数为空）：预算执行 10 分不适用，总分按指标得分折算为百分制（指标得分 × 100 ÷ 90）。"
)


def _budget_points(line, context):
    if line.source != "total":
        return common.DASH
    if not context["budget"].applicable:
        return common.NOT_APPLICABLE
    points = context["scores"]["budget_points"]
    return "" if points is None else points


def _budget_weight(line, context):
    if line.source != "total":
        return common.DASH
    return BUDGET_POINTS if context["budget"].applicable else common.NOT_APPLICABLE


FIGURES = [
    common.Figure("年初预算数", 4, 4, common.amount("initial_budget"), common.MONEY),
    common.Figure("全年预算数", 5, 5, common.amount("annual_budget"), common.MONEY),
    common.Figure("全年执行数", 6, 6, common.amount("executed"), common.MONEY),
    common.Figure("分值", 7, 7, _budget_weight, common.POINTS),
    common.Figure("执行率", 8, 8, common.rate),
    common.Figure("得分", 9, 9, _budget_points, common.POINTS),
]


class SelfEvaluationExporter(common.RoundWeights, Exporter):
    identifier = "self_evaluation"
    title = TITLE
    takes = "report"
    permission = "view_report"

    def applies_to(self, report: Report) -> bool:
        return report.round.kind == RoundKind.SELF_EVALUATION

    def sheet_title(self, report: Report) -> str:
        return f"{report.owner_label}自评表"

    def render(self, ws, report: Report, user) -> None:
        context = common.report_context(report, user, self.weights)
        sheet = SheetWriter(ws, COLS)
        r = common.header(sheet, context, TITLE, f"（{context['round'].year}年度）", unit_col=5)
        r = common.budget_block(sheet, context, r, (2, 3), FIGURES, WITHOUT_BUDGET)
        r = common.goals(sheet, context, r, split=5, done_heading="实际完成情况")
        first_indicator = r
        r = indicator_table(sheet, context, r)
        r = total_rows(sheet, context, r)
        r = common.evidence_row(sheet, context, r)
        sheet.set_widths(
            minimum={1: 17, 2: 10, 3: 12, 4: 24, 5: 14, 6: 14, 7: 9, 8: 9, 9: 26},
            maximum={1: 17, 2: 12, 3: 14, 4: 38, 5: 20, 6: 20, 9: 32},
        )
        common.fit_heights(sheet, 3, r - 1)
        common.signatures(sheet, context, r)
        sheet.print_setup(title_rows=(first_indicator, first_indicator), landscape=True)


def _subtotal(sheet: SheetWriter, r: int, lines: list) -> None:
    weights = sum((line.weight for line in lines), Decimal(0))
    scored = all(line.score is not None for line in lines)
    points = sum((line.score.points for line in lines if line.score is not None), Decimal(0))
    sheet.merge(r, 3, r, 6, SUBTOTAL, bold=True)
    sheet.put(r, 7, weights, number_format=common.POINTS, bold=True)
    sheet.put(r, 8, points if scored else PENDING, number_format=common.POINTS, bold=True)
    sheet.put(r, 9, "")


def _indicator_row(sheet: SheetWriter, r: int, line) -> None:
    value = line.value
    level1, level2 = common.categories(value)
    sheet.put(r, 2, level1)
    sheet.put(r, 3, level2)
    sheet.put(r, 4, common.indicator_label(value), align="left")
    sheet.put(r, 5, value.target_raw)
    sheet.put(r, 6, value.raw)
    sheet.put(r, 7, line.weight, number_format=common.POINTS)
    sheet.put(r, 8, line.score.points if line.score else PENDING, number_format=common.POINTS)
    # Which rule and which numbers (monitoring.scoring.assess), with the 指标性质 it was read by.
    sheet.comment(r, 8, f"指标性质：{common.nature(value)}；{line.explanation}" if line.explanation else "")
    sheet.put(r, 9, value.shortfall_reason, align="left")


def indicator_table(sheet: SheetWriter, context: dict, r: int) -> int:
    """The header, then per 一级指标 its indicators and a 小计; 一级 merged over the run and its 小计,
    二级 over its run; 绩效指标 down the left. Returns the next row."""
    head = r
    for col, text in enumerate(INDICATOR_HEADERS, start=2):
        sheet.put(r, col, text, bold=True)
    r += 1
    for level1, run in groupby(context["lines"], key=lambda line: common.categories(line.value)[0]):
        run = list(run)
        first = r
        keys2 = []
        for line in run:
            _indicator_row(sheet, r, line)
            level2 = common.categories(line.value)[1]
            keys2.append((level1, level2) if level2 else "")
            r += 1
        common.merge_runs(sheet, 3, first, keys2)
        _subtotal(sheet, r, run)
        sheet.merge(first, 2, r, 2, level1)
        r += 1
    sheet.merge(head, 1, r - 1, 1, common.INDICATORS_LABEL, bold=True)
    return r


def total_rows(sheet: SheetWriter, context: dict, r: int) -> int:
    """总分 (分值 100) with its 等级; the scaling said where it applies."""
    scores = context["scores"]
    sheet.merge(r, 1, r, 6, "总分", bold=True)
    sheet.put(r, 7, Decimal(100), number_format=common.POINTS, bold=True)
    sheet.put(r, 8, scores["total"], number_format=common.POINTS, bold=True)
    sheet.put(r, 9, f"等级：{scores['grade'] or PENDING}", bold=True)
    r += 1
    if scores["scaled"]:
        text = f"适用指标分值合计 {scores['weight_total']:.2f}（指标值为空的指标不计分），指标得分按 90 分折算。"
        sheet.merge(r, 1, r, COLS, text, align="left")
        r += 1
    return r

"""绩效运行监控表 (DESIGN §8 step 4), one unit's mid-year monitoring (or the project's own) in the
layout of the Ministry of Finance's 项目支出绩效目标执行监控表 (财预〔2019〕136号):

    项目名称 | 主管部门 | 实施单位
    项目资金（万元） 年初预算数 | 全年预算数 | 1-N月执行数 | 执行率 | 全年预计执行数
                    年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金
    年度总体目标     预期目标 | 1-N月执行情况 (the unit's own words)
    绩效指标         一级指标 | 二级指标 | 三级指标 | 年度指标值 | 1-N月执行情况 | 全年预计完成值 |
                    偏差原因分析 (经费保障 | 制度保障 | 人员保障 | 硬件条件保障 | 其他 ticked √, 原因说明) |
                    完成目标可能性 (确定能 | 有可能 | 完全不可能 ticked √) | 完成目标采取的措施
    the note on how to fill it, 佐证材料, then the signature lines.

Targets and values are printed as written; the rates are `monitoring.selectors.report_page`'s."""

from __future__ import annotations

from monitoring.models import DeviationCategory, Likelihood, Report, RoundKind

from . import evaluation_common as common
from .base import Exporter, SheetWriter

TITLE = "绩效运行监控表"
COLS = 17
TICK = "√"
CATEGORY_COLS = {code: col for col, code in enumerate(DeviationCategory.values, start=8)}  # 8-12
REASON_COL = 13
LIKELIHOOD_COLS = {code: col for col, code in enumerate(Likelihood.values, start=14)}  # 14-16
MEASURE_COL = 17
# The tick columns: narrow, their headings wrapped two characters a line (经费/保障).
TICK_WIDTHS = dict.fromkeys([*CATEGORY_COLS.values(), *LIKELIHOOD_COLS.values()], 5)
WITHOUT_BUDGET = "本报告无预算资金（全年预算数为空）：预算执行情况不适用。"
NOTE = (
    "注：1. 偏差原因分析：在对应的原因栏打“√”（可多选），并在“原因说明”中简要说明；"
    "2. 完成目标可能性：在“确定能”“有可能”“完全不可能”中选一栏打“√”；"
    "3. 进度落后于时间进度超过偏差阈值的指标，须填写原因说明和完成目标采取的措施。"
)


def _figures(period: str) -> list[common.Figure]:
    return [
        common.Figure("年初预算数", 5, 5, common.amount("initial_budget"), common.MONEY),
        common.Figure("全年预算数", 6, 6, common.amount("annual_budget"), common.MONEY),
        common.Figure(f"{period}执行数", 7, 7, common.amount("executed"), common.MONEY),
        common.Figure("执行率", 8, 12, common.rate),
        common.Figure("全年预计执行数", 13, 17, common.amount("expected"), common.MONEY),
    ]


def subtitle(context: dict) -> str:
    round_ = context["round"]
    day = round_.reference_date
    return (
        f"（{round_.year}年度 · 监控时点：{day.year}年{day.month}月{day.day}日 · 时间进度 {context['elapsed']:.2f}%）"
    )


class MonitoringTableExporter(common.RoundWeights, Exporter):
    identifier = "monitoring_table"
    title = TITLE
    takes = "report"
    permission = "view_report"

    def applies_to(self, report: Report) -> bool:
        return report.round.kind == RoundKind.MONITORING

    def sheet_title(self, report: Report) -> str:
        return f"{report.owner_label}监控表"

    def render(self, ws, report: Report, user) -> None:
        context = common.report_context(report, user, self.weights)
        period = context["period"]
        sheet = SheetWriter(ws, COLS)
        r = common.header(sheet, context, TITLE, subtitle(context), unit_col=7)
        r = common.budget_block(sheet, context, r, (2, 4), _figures(period), WITHOUT_BUDGET)
        r = common.goals(sheet, context, r, split=7, done_heading=f"{period}执行情况")
        first_indicator = r
        r = indicator_table(sheet, context, r)
        r = common.note(sheet, NOTE, r)
        r = common.evidence_row(sheet, context, r)
        sheet.set_widths(
            minimum={1: 17, 2: 8, 3: 10, 4: 20, 5: 11, 6: 13, 7: 16, 13: 16, 17: 16} | TICK_WIDTHS,
            maximum={1: 17, 2: 10, 3: 12, 4: 36, 5: 16, 6: 16, 7: 18, 13: 30, 17: 28} | TICK_WIDTHS,
        )
        common.fit_heights(sheet, 3, r - 1)
        common.signatures(sheet, context, r)
        sheet.print_setup(title_rows=(first_indicator, first_indicator + 1), landscape=True)


def _heading(sheet: SheetWriter, r: int, period: str) -> None:
    """Two rows: the plain headings over both, the 偏差原因分析 and 完成目标可能性 groups over their
    categories."""
    for col, text in ((2, "一级指标"), (3, "二级指标"), (4, "三级指标"), (5, "年度指标值")):
        sheet.merge(r, col, r + 1, col, text, bold=True)
    sheet.merge(r, 6, r + 1, 6, f"{period}执行情况", bold=True)
    sheet.merge(r, 7, r + 1, 7, "全年预计完成值", bold=True)
    sheet.merge(r, 8, r, REASON_COL, "偏差原因分析", bold=True)
    for code, col in CATEGORY_COLS.items():
        sheet.put(r + 1, col, DeviationCategory(code).label, bold=True, measure=False)
    sheet.put(r + 1, REASON_COL, "原因说明", bold=True)
    sheet.merge(r, 14, r, 16, "完成目标可能性", bold=True)
    for code, col in LIKELIHOOD_COLS.items():
        sheet.put(r + 1, col, Likelihood(code).label, bold=True, measure=False)
    sheet.merge(r, MEASURE_COL, r + 1, MEASURE_COL, "完成目标采取的措施", bold=True)


def indicator_table(sheet: SheetWriter, context: dict, r: int) -> int:
    head = r
    _heading(sheet, r, context["period"])
    r += 2
    first = r
    keys1, keys2 = [], []
    for line in context["lines"]:
        value = line.value
        level1, level2 = common.categories(value)
        keys1.append(level1)
        keys2.append((level1, level2) if level2 else "")
        sheet.put(r, 2, level1)
        sheet.put(r, 3, level2)
        sheet.put(r, 4, common.indicator_label(value), align="left")
        sheet.put(r, 5, value.target_raw)
        sheet.put(r, 6, value.raw)
        sheet.put(r, 7, value.expected)
        chosen = set(value.category_codes)
        for code, col in CATEGORY_COLS.items():
            sheet.put(r, col, TICK if code in chosen else "", measure=False)
        sheet.put(r, REASON_COL, value.deviation_reason, align="left")
        for code, col in LIKELIHOOD_COLS.items():
            sheet.put(r, col, TICK if value.likelihood == code else "", measure=False)
        sheet.put(r, MEASURE_COL, value.corrective_measure, align="left")
        r += 1
    common.merge_runs(sheet, 2, first, keys1)
    common.merge_runs(sheet, 3, first, keys2)
    sheet.merge(head, 1, max(r - 1, head + 1), 1, common.INDICATORS_LABEL, bold=True)
    return max(r, head + 2)

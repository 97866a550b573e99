"""绩效运行监控表 (DESIGN §8 step 4): one unit's mid-year monitoring report (or the project's own).

Header, the budget block (全年预算数, 调整后预算数, 执行数, 执行率, 时间进度), 年度总体目标 and 完成
情况, the indicator table `一级指标 | 二级指标 | 三级指标 | 指标值 | 度量单位 | 完成值 | 完成进度 |
时间进度 | 偏差 | 偏差原因 | 纠偏措施`, the 佐证材料 and the signature lines. Progress and 偏差 are
`monitoring.selectors.report_page`'s."""

from __future__ import annotations

from monitoring.models import Report, RoundKind

from . import evaluation_common as common
from .base import Exporter, SheetWriter

COLS = 11
HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "度量单位",
    "完成值",
    "完成进度",
    "时间进度",
    "偏差",
    "偏差原因",
    "纠偏措施",
)


def pct(value) -> str:
    return "" if value is None else f"{value:.2f}%"


def progress_summary(context: dict) -> str:
    lines = context["lines"]
    lagging = [line.value.label for line in lines if line.lagging]
    text = f"共{len(lines)}项绩效指标，时间进度{pct(context['elapsed'])}。"
    return text + (f"进度滞后：{'、'.join(lagging)}。" if lagging else "无明显滞后指标。")


class MonitoringTableExporter(common.RoundWeights, Exporter):
    identifier = "monitoring_table"
    title = "绩效运行监控表"
    takes = "report"
    permission = "view_report"

    def applies_to(self, report: Report) -> bool:
        return report.round.kind == RoundKind.MONITORING

    def sheet_title(self, report: Report) -> str:
        return f"{report.owner_label}监控表"

    def render(self, ws, report: Report, user) -> None:
        context = common.report_context(report, user, self.weights)
        sheet = SheetWriter(ws, COLS)
        r = common.header(sheet, context, "绩效运行监控表", 1)
        r = budget_block(sheet, context, r)
        r = common.goals(sheet, context, progress_summary(context), r)
        first_indicator = r
        r = indicator_table(sheet, context, r)
        names = common.evidence_names(context)
        r = common.texts(sheet, [("佐证材料", "；".join(names) if names else "无")], r)
        sheet.set_widths(
            minimum={1: 10, 2: 10, 3: 22, 4: 10, 5: 8, 6: 12, 7: 9, 8: 9, 9: 9, 10: 20, 11: 20},
            maximum={3: 30, 10: 26, 11: 26},
        )
        sheet.fit_heights(4, r - 1)
        common.signatures(sheet, context, r)
        sheet.print_setup(title_rows=(first_indicator, first_indicator), landscape=True)


def budget_block(sheet: SheetWriter, context: dict, r: int) -> int:
    report = context["report"]
    sheet.merge(r, 1, r + 1, 2, "预算执行情况", bold=True)
    heads = (("全年预算数", 3, 4), ("调整后预算数", 5, 6), ("执行数", 7, 8), ("执行率", 9, 9), ("时间进度", 10, 11))
    for text, first, last in heads:
        sheet.merge(r, first, r, last, text, bold=True)
    r += 1
    elapsed = pct(context["elapsed"])
    if not report.budget_applicable:
        for _, first, last in heads[:-1]:
            sheet.merge(r, first, r, last, common.NOT_APPLICABLE)
        sheet.merge(r, 10, r, 11, elapsed)
        return r + 1
    adjusted = report.adjusted_budget if report.adjusted_budget is not None else report.annual_budget
    for number, first, last in ((report.annual_budget, 3, 4), (adjusted, 5, 6), (report.executed, 7, 8)):
        sheet.merge(r, first, r, last, None)
        sheet.put(r, first, common.number_or_blank(number), number_format=common.MONEY)
    sheet.put(r, 9, pct(context["rate_pct"]))
    sheet.merge(r, 10, r, 11, elapsed)
    r += 1
    if report.budget_reason:
        sheet.merge(r, 1, r, 2, "执行偏低原因", bold=True)
        sheet.merge(r, 3, r, COLS, report.budget_reason, align="left")
        r += 1
    return r


def indicator_table(sheet: SheetWriter, context: dict, r: int) -> int:
    for col, text in enumerate(HEADERS, start=1):
        sheet.put(r, col, text, bold=True)
    r += 1
    first = r
    elapsed = pct(context["elapsed"])
    keys1, keys2 = [], []
    for line in context["lines"]:
        value = line.value
        level1, level2 = common.categories(value)
        keys1.append(level1)
        keys2.append((level1, level2) if level2 else "")
        cells = (
            level1,
            level2,
            value.label,
            common.target_text(value),
            value.target_unit,
            value.raw,
            pct(line.progress),
            elapsed,
            pct(line.deviation),
            value.deviation_reason,
            value.corrective_measure,
        )
        for col, text in enumerate(cells, start=1):
            sheet.put(r, col, text, align="left" if col in (3, 10, 11) else "center")
        r += 1
    common.merge_runs(sheet, 1, first, keys1)
    common.merge_runs(sheet, 2, first, keys2)
    return r

"""绩效自评（监控）汇总表: one row per unit of a round — total, grade, budget execution rate and
the indicators not met (lagging, in a monitoring round). Figures of `monitoring.summary`."""

from __future__ import annotations

from monitoring.models import Round
from monitoring.summary import round_summary

from .base import Exporter, SheetWriter

POINTS = "0.00"


class RoundSummaryExporter(Exporter):
    identifier = "round_summary"
    title = "绩效自评汇总表"
    takes = "round"
    permission = "view_rounds"

    def sheet_title(self, round_: Round) -> str:
        return "自评汇总表" if round_.kind == "self_evaluation" else "监控汇总表"

    def render(self, ws, round_: Round, user) -> None:
        summary = round_summary(round_)
        evaluation = summary["evaluation"]
        heads = ["序号", "单位", "状态"] + (["总分", "等级"] if evaluation else [])
        heads += ["预算执行率", "未完成指标" if evaluation else "进度滞后指标"]
        sheet = SheetWriter(ws, len(heads))
        kind = "绩效自评汇总表" if evaluation else "绩效运行监控汇总表"
        sheet.title(1, f"{round_.project.name}{round_.year}年度{kind}")
        for col, text in enumerate(heads, start=1):
            sheet.put(2, col, text, bold=True)
        r = 3
        for number, row in enumerate(summary["rows"], start=1):
            report = row.report
            cells = [number, report.owner_label, report.get_status_display()]
            if evaluation:
                cells += [row.scores["total"], row.scores["grade"] or "待评定"]
            if not report.budget_applicable:
                rate = "不适用"
            else:
                rate = f"{row.rate_pct:.2f}%" if row.rate_pct is not None else ""
            cells += [rate, row.short_labels or "无"]
            for col, value in enumerate(cells, start=1):
                left = col in (2, len(cells))
                fmt = POINTS if evaluation and col == 4 else None
                sheet.put(r, col, value, align="left" if left else "center", number_format=fmt)
            r += 1
        sheet.set_widths(minimum={2: 24, len(heads): 40}, maximum={len(heads): 50})
        sheet.fit_heights(2, r - 1)
        sheet.print_setup(title_rows=(1, 2), landscape=True)

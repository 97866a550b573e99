"""任务书 五、经费来源及预算安排: sources with shares, the allocation, the expense lines."""

from decimal import Decimal

from projects.agreements.selectors import stored_budget
from projects.models import Agreement, BudgetSourceKind

from .base import Exporter, SheetWriter, agreement_owner, number_value


class AgreementBudgetExporter(Exporter):
    identifier = "agreement_budget"
    title = "任务书 经费来源及预算安排"
    takes = "agreement"
    permission = "view_agreement"

    def applies_to(self, agreement: Agreement) -> bool:
        return agreement.undertaker_id is not None

    def sheet_title(self, agreement: Agreement) -> str:
        return f"经费·{agreement_owner(agreement)}"

    def render(self, ws, agreement: Agreement, user) -> None:
        sheet = SheetWriter(ws, 4)
        sheet.title(1, "五、经费来源及预算安排", size=14)
        sheet.merge(2, 1, 2, 4, "单位：万元", align="right", box=False)
        sources, allocations, expenses, figures = stored_budget(agreement)
        r = 3
        for col, text in enumerate(("项目资金来源", "资金来源", "金  额", "占总额比重（%）"), start=1):
            sheet.put(r, col, text, bold=True)
        first = r
        rows = [("合  计", figures["total"], Decimal(100) if figures["total"] else None)]
        rows += [
            (f"{n}.{k.label}", sources.get(k), figures["shares"].get(k))
            for n, k in enumerate(BudgetSourceKind, start=1)
        ]
        for label, amount, share in rows:
            r += 1
            sheet.put(r, 2, label, align="left")
            sheet.put(r, 3, number_value(amount), number_format="#,##0.00")
            sheet.put(r, 4, number_value(share))
        sheet.merge(first, 1, r, 1, "项目资金来源")
        for heading, lines, total_label, total in (
            ("财政经费分配", [(a.party, a.amount, "") for a in allocations], "合 计", figures["allocated"]),
            ("专项经费支出预算", [(e.content, e.amount, e.explanation) for e in expenses], "合计", figures["expensed"]),
        ):
            r += 1
            start = r
            sheet.put(r, 2, "经费开支内容" if heading.startswith("专项") else "单位", bold=True)
            sheet.put(r, 3, "预算金额" if heading.startswith("专项") else "金  额", bold=True)
            sheet.put(r, 4, "说  明" if heading.startswith("专项") else None, bold=True)
            for label, amount, note in lines:
                r += 1
                sheet.put(r, 2, label, align="left")
                sheet.put(r, 3, number_value(amount), number_format="#,##0.00")
                sheet.put(r, 4, note or None, align="left")
            r += 1
            sheet.put(r, 2, total_label)
            sheet.put(r, 3, number_value(total), number_format="#,##0.00")
            sheet.put(r, 4, None)
            sheet.merge(start, 1, r, 1, heading)
        sheet.set_widths(minimum={1: 16, 2: 30, 3: 14, 4: 30})
        sheet.fit_heights(3, r)
        sheet.print_setup(title_rows=(1, 3), landscape=False)

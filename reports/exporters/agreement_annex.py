"""任务书 附表 子平台年度绩效目标量化汇总表: metrics down, years across, then 合计.

合计 sums quantities and money; growth rates (%) are not summed and their 合计 stays blank.
"""

from projects.agreements.selectors import metric_totals
from projects.models import Agreement

from .base import Exporter, SheetWriter, agreement_owner, number_value


class AgreementAnnexExporter(Exporter):
    identifier = "agreement_annex"
    title = "任务书附表 子平台年度绩效目标量化汇总表"
    takes = "agreement"
    permission = "view_agreement"

    def sheet_title(self, agreement: Agreement) -> str:
        # One per 任务书 in a bundle: the tab says whose (the blank form is the 格式).
        return f"附表·{agreement_owner(agreement)}"

    def render(self, ws, agreement: Agreement, user) -> None:
        years = agreement.years
        width = 2 + len(years) + 1
        sheet = SheetWriter(ws, width)
        sheet.title(1, "附表：  子平台年度绩效目标量化汇总表", size=14)
        sheet.merge(2, 1, 2, 2, "年     度", bold=True)
        for index, year in enumerate(years, start=3):
            sheet.put(2, index, str(year), bold=True)
        sheet.put(2, width, "合计", bold=True)
        r = 3
        rows = metric_totals(agreement)
        index = 0
        while index < len(rows):
            group = rows[index]["metric"].group
            members = [rows[index]]
            while group and index + len(members) < len(rows) and rows[index + len(members)]["metric"].group == group:
                members.append(rows[index + len(members)])
            if group:
                sheet.merge(r, 1, r, width, group, bold=True, align="left")
                r += 1
            for item in members:
                metric = item["metric"]
                if group:
                    sheet.put(r, 1, None)
                    sheet.put(r, 2, metric.label, align="left")
                else:
                    sheet.merge(r, 1, r, 2, metric.label, align="left")
                for col, value in enumerate(item["values"], start=3):
                    sheet.put(r, col, number_value(value))
                sheet.put(r, width, number_value(item["total"]))
                r += 1
            index += len(members)
        sheet.set_widths(minimum={1: 6, 2: 30, **{c: 12 for c in range(3, width + 1)}})
        sheet.fit_heights(2, r - 1)
        sheet.print_setup(title_rows=(1, 2), landscape=False)

"""区域/高校院所/运营中心/平台类 绩效目标表: the per-unit tables with their grouped header."""

from openpyxl.utils import get_column_letter

from targets.layout import header_cells
from targets.models import TargetTable, ValueKind
from targets.selectors import grid_rows, table_columns

from .base import Exporter, SheetWriter, display_width, number_value


class UnitTableExporter(Exporter):
    identifier = "unit_table"
    title = "分解目标表（市州/高校院所/运营中心/平台类）"
    takes = "table"

    def sheet_title(self, table: TargetTable) -> str:
        return table.title.split("-")[-1].split("（")[0] or table.title

    def render(self, ws, table: TargetTable, user) -> None:
        columns = table_columns(table)
        rows = grid_rows(table, user)  # only the rows this user may see
        width = len(columns) + 2
        sheet = SheetWriter(ws, width)
        sheet.title(1, table.title)
        depth, cells = header_cells(columns)
        for cell in cells:
            sheet.merge(2 + cell.row, 1 + cell.col, 1 + cell.row + cell.rowspan, cell.col + cell.colspan, cell.text,
                        bold=True, size=10)
        first = 2 + depth
        numeric = {c.pk for c in columns if c.value_kind == ValueKind.NUMBER}
        for offset, row in enumerate(rows):
            r = first + offset
            sheet.put(r, 1, row.seq)
            sheet.put(r, 2, row.unit_label, align="left" if row.unit.designation else "center")
            if row.narrative:
                sheet.merge(r, 3, r, width, row.narrative, align="left")
                continue
            values = {c.column_id: c for c in row.cells.all()}
            for index, column in enumerate(columns, start=3):
                cell = values.get(column.pk)
                if cell is None or cell.raw == "":
                    sheet.put(r, index, None)
                elif column.pk in numeric and cell.number is not None:
                    sheet.put(r, index, number_value(cell.number), number_format="0")
                else:
                    sheet.put(r, index, cell.raw, align="left" if len(cell.raw) > 12 else "center")
        sheet.set_widths(minimum={1: 6, 2: 16}, maximum={2: 34})
        for index, column in enumerate(columns, start=3):
            # Wide enough for half its header per line (the header wraps onto two lines).
            letter = get_column_letter(index)
            wanted = min(max(display_width(column.header) // 2 + 3, 12), 20)
            ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width, wanted)
        if not columns or len(columns) == 1:
            ws.column_dimensions["C"].width = 80
        sheet.fit_heights(2, first + len(rows) - 1)
        sheet.print_setup(title_rows=(1, first - 1), landscape=len(columns) > 3)

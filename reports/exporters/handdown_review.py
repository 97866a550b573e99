"""下达值 | 申报值 对照表: a handed-down table for the bureau's own review, not an official form.

Each column of the table prints three: what the bureau handed down, what the unit holds
(confirmed, or proposed), and the unit's reason; a unit's value that differs from the
下达值 is marked ≠ so that the printout shows it without colour. The official layout
(unit_table) prints the approved values as for any table."""

from __future__ import annotations

from targets.handdown_selectors import ASSIGNED, REPORTED
from targets.layout import unit_label
from targets.models import AssignedValue, Cell, TableRow, TargetTable
from targets.selectors import table_columns
from units import policy

from .base import Exporter, SheetWriter

REASON = "调整理由"
DIFFERS = "#FFF4D6"  # the grid's tint for a value that differs from the 下达值


def _by_row(queryset) -> dict[int, dict[int, tuple]]:
    found: dict[int, dict[int, tuple]] = {}
    for row_id, column_id, *rest in queryset:
        found.setdefault(row_id, {})[column_id] = tuple(rest)
    return found


class HanddownReviewExporter(Exporter):
    identifier = "handdown_review"
    title = "下达值与申报值对照表"
    takes = "table"
    permission = "open_grid"
    bundled = False  # the bureau's working sheet: not one of the 全部附件

    def applies_to(self, table: TargetTable) -> bool:
        return table.is_handed_down

    def sheet_title(self, table: TargetTable) -> str:
        return "下达值对照"

    def render(self, ws, table: TargetTable, user) -> None:
        """Four queries whatever the size: columns, rows, 下达值, the units' values."""
        columns = table_columns(table)
        rows = list(
            TableRow.objects.filter(table=table)
            .filter(policy.visible_rows_filter(user))
            .order_by("seq")
            .values_list("pk", "seq", "unit__name", "unit__designation", "funding")
        )
        ids = [r[0] for r in rows]
        assigned = _by_row(
            AssignedValue.objects.filter(row_id__in=ids).values_list("row_id", "column_id", "raw", "reason")
        )
        reported = _by_row(Cell.objects.filter(row_id__in=ids).values_list("row_id", "column_id", "raw"))
        out = SheetWriter(ws, 2 + 3 * len(columns))
        out.title(1, f"{table.title}（{self.title}）")
        _header(out, columns)
        for line, (row_id, seq, name, designation, funding) in enumerate(rows, start=4):
            out.put(line, 1, seq)
            out.put(line, 2, unit_label(name, designation, funding), align="left")
            for index, column in enumerate(columns):
                given, reason = assigned.get(row_id, {}).get(column.pk, ("", ""))
                (held,) = reported.get(row_id, {}).get(column.pk, ("",))
                first = 3 + 3 * index
                out.put(line, first, given)
                differs = bool(held) and held != given
                out.put(line, first + 1, f"≠ {held}" if differs else held, fill=DIFFERS if differs else None)
                out.put(line, first + 2, reason, align="left")
        out.set_widths(minimum={1: 6, 2: 16}, maximum={2: 30})
        out.fit_heights(2, 3 + len(rows))
        out.print_setup(title_rows=(1, 3), landscape=True)


def _header(out: SheetWriter, columns) -> None:
    """序号 and 单位名称 over two rows; each column's header over its 下达值 | 申报值 | 调整理由."""
    out.merge(2, 1, 3, 1, "序号", bold=True)
    out.merge(2, 2, 3, 2, "单位名称", bold=True)
    for index, column in enumerate(columns):
        first = 3 + 3 * index
        out.merge(2, first, 2, first + 2, column.label, bold=True)
        for offset, text in enumerate((ASSIGNED, REPORTED, REASON)):
            out.put(3, first + offset, text, bold=True)

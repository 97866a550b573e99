"""区域/高校院所/运营中心/平台类 绩效目标表: the per-unit tables with their grouped header.

Written row by row, so the same code fills a normal worksheet (in a bundle) or a
write-only one (a single table: constant memory, near the library's own speed). Rows and
cells are read in chunks, two queries per chunk, whatever the table's size. Cells share a
few named styles instead of carrying their own.
"""

from __future__ import annotations

import re
from copy import copy
from functools import lru_cache

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from targets.layout import header_cells, unit_label
from targets.models import Cell, TableRow, TargetTable, ValueKind
from targets.selectors import table_columns
from units import policy

from .base import (
    BODY_FONT,
    BOX,
    HEADER_FONT,
    TITLE_FONT,
    Exporter,
    display_width,
    guard_formula,
    number_value,
    print_setup,
    xml_safe,
)

CHUNK = 2000
DEFAULT_HEIGHT = 20
STYLES = {
    "jx-title": dict(font=Font(name=TITLE_FONT, size=16), alignment=Alignment(horizontal="center", vertical="center")),
    "jx-head": dict(
        font=Font(name=HEADER_FONT, size=10),
        border=BOX,
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    ),
    "jx-cell": dict(
        font=Font(name=BODY_FONT, size=11),
        border=BOX,
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    ),
    "jx-text": dict(
        font=Font(name=BODY_FONT, size=11),
        border=BOX,
        alignment=Alignment(horizontal="left", vertical="center", wrap_text=True),
    ),
    "jx-number": dict(
        font=Font(name=BODY_FONT, size=11),
        border=BOX,
        number_format="0",
        alignment=Alignment(horizontal="center", vertical="center"),
    ),
}


def _ensure_styles(workbook) -> None:
    existing = set(workbook.named_styles)
    for name, parts in STYLES.items():
        if name not in existing:
            workbook.add_named_style(NamedStyle(name=name, **parts))


class _Rows:
    """Appends styled rows to a normal or a write-only worksheet.

    Each named style is resolved once into a style array; cells get a copy of it, which
    is what openpyxl would store anyway, without looking the name up per cell."""

    def __init__(self, ws):
        self.ws = ws
        self.streaming = isinstance(ws, WriteOnlyWorksheet)
        self.row = 0
        self.arrays = {}
        for name in STYLES:
            probe = WriteOnlyCell(ws)
            probe.style = name
            self.arrays[name] = probe._style

    def append(self, cells: list[tuple[object, str]], height: float | None = None):
        self.row += 1
        if height and height != DEFAULT_HEIGHT:
            # Only rows that differ keep a dimension object: a 100,000-row sheet of one-line
            # rows would otherwise hold 100,000 of them until it is saved.
            self.ws.row_dimensions[self.row].height = height
        if self.streaming:
            out = []
            for value, style in cells:
                value = xml_safe(value)
                cell = WriteOnlyCell(self.ws, value=value)
                self._style(cell, value, style)
                out.append(cell)
            self.ws.append(out)
        else:
            for col, (value, style) in enumerate(cells, start=1):
                value = xml_safe(value)
                cell = self.ws.cell(row=self.row, column=col, value=value)
                self._style(cell, value, style)

    def _style(self, cell, value, style):
        cell._style = copy(self.arrays[style])
        guard_formula(cell, value)

    def merge(self, first_row, first_col, last_row, last_col):
        if (first_row, first_col) != (last_row, last_col):
            ref = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
            if self.streaming:
                self.ws.merged_cells.add(ref)
            else:
                self.ws.merge_cells(ref)


@lru_cache(maxsize=4096)
def _lines(text: str, width: int) -> int:
    """Printed lines of a wrapped cell (values repeat a lot: 显著增长, ≥500条)."""
    return sum(max(1, -(-display_width(part) // max(width - 1, 1))) for part in text.split("\n"))


def short_name(title: str) -> str:
    """The table's kind, as the bureau calls it: 运营中心类 from
    湖北省…绩效目标表-运营中心类（2023-2024年度）. The trailing bracketed years are dropped
    before splitting, since they may hold a dash of their own."""
    text = title.strip()
    while text and text[-1] in "）)":
        opener = "（" if text[-1] == "）" else "("
        cut = text.rfind(opener)
        if cut <= 0:
            break
        text = text[:cut].rstrip()
    kind = re.split("[-－—]", text)[-1].strip()
    return kind or title


class UnitTableExporter(Exporter):
    identifier = "unit_table"
    title = "分解目标表（市州/高校院所/运营中心/平台类）"
    takes = "table"
    permission = "open_grid"
    streams = True

    def sheet_title(self, table: TargetTable) -> str:
        return short_name(table.title)

    def render(self, ws, table: TargetTable, user) -> None:
        _ensure_styles(ws.parent)
        columns = table_columns(table)
        # Only the rows this user may see: id, unit and label parts, in one query.
        rows = list(
            TableRow.objects.filter(table=table)
            .filter(policy.visible_rows_filter(user))
            .order_by("seq")
            .values_list("pk", "seq", "unit__name", "unit__designation", "funding", "narrative")
        )
        widths = _column_widths(ws, columns, rows)
        depth, header = header_cells(columns)
        print_setup(ws, landscape=len(columns) > 3, title_rows=(1, depth + 1))
        ws.sheet_format.defaultRowHeight = DEFAULT_HEIGHT
        ws.sheet_format.customHeight = True
        out = _Rows(ws)
        _write_header(out, table.title, len(columns) + 2, depth, header)
        numeric = {c.pk for c in columns if c.value_kind == ValueKind.NUMBER}
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            values: dict[int, dict[int, tuple]] = {}
            for row_id, column_id, raw, number in Cell.objects.filter(row_id__in=[r[0] for r in chunk]).values_list(
                "row_id", "column_id", "raw", "number"
            ):
                values.setdefault(row_id, {})[column_id] = (raw, number)
            for row in chunk:
                _write_row(out, row, values.get(row[0], {}), columns, numeric, widths)


def _column_widths(ws, columns, rows) -> dict[int, int]:
    """Set and return the widths: 序号, 单位名称 after the longest name, each column after its header."""
    widths = {1: 6, 2: min(max([16] + [display_width(r[2]) + 2 for r in rows]), 34)}
    for index, column in enumerate(columns, start=3):
        widths[index] = min(max(display_width(column.header) // 2 + 3, 12), 20)
    if len(columns) <= 1:
        widths[3] = 80
    for index, value in widths.items():
        ws.column_dimensions[get_column_letter(index)].width = value
    return widths


def _write_header(out: _Rows, title: str, width: int, depth: int, header) -> None:
    """The title across the sheet, then the grouped header (targets.layout) with its merges."""
    out.append([(title, "jx-title")] + [(None, "jx-title")] * (width - 1), height=30)
    out.merge(1, 1, 1, width)
    grid = [[None] * width for _ in range(depth)]
    for cell in header:
        grid[cell.row][cell.col] = cell.text
        out.merge(2 + cell.row, 1 + cell.col, 1 + cell.row + cell.rowspan, cell.col + cell.colspan)
    for line in grid:
        out.append([(text, "jx-head") for text in line], height=40 if any(line) else None)


def _write_row(out: _Rows, row: tuple, cells: dict, columns, numeric: set[int], widths: dict[int, int]) -> None:
    """One unit's line: its values, or its narrative across every value column; the height
    fits the tallest wrapped text."""
    _row_id, seq, name, designation, funding, narrative = row
    width = len(columns) + 2
    label = unit_label(name, designation, funding)
    line = [(seq, "jx-cell"), (label, "jx-text" if designation else "jx-cell")]
    if narrative:
        line += [(narrative, "jx-text")] + [(None, "jx-text")] * (len(columns) - 1)
        texts = [(narrative, sum(widths[c] for c in range(3, width + 1)))]
    else:
        texts = []
        for index, column in enumerate(columns, start=3):
            raw, number = cells.get(column.pk, ("", None))
            if raw == "":
                line.append((None, "jx-cell"))
            elif column.pk in numeric and number is not None:
                line.append((number_value(number), "jx-number"))
            else:
                line.append((raw, "jx-text" if len(raw) > 12 else "jx-cell"))
                texts.append((raw, widths[index]))
    texts.append((label, widths[2]))
    lines = max(_lines(text, w) for text, w in texts)
    out.append(line, height=max(20, 15 * lines + 4))
    if narrative:
        out.merge(out.row, 3, out.row, width)

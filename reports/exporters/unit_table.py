"""区域/高校院所/运营中心/平台类 绩效目标表: the per-unit tables with their grouped header.

Streams (xlsx.StreamingSheet, XlsxWriter in constant-memory mode): the title, the grouped
header and its merges first, then each unit's row once, in order, so memory stays flat
however large the table. Rows and cells are read in chunks, two queries per chunk,
whatever the table's size. Cells share a few formats instead of carrying their own.
"""

from __future__ import annotations

import re
from copy import copy
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import FloatField, Q
from django.db.models.functions import Cast

from targets.adjustment_selectors import versions_in_force
from targets.layout import header_cells, unit_label
from targets.models import Cell, TableRow, TargetTable, ValueKind
from targets.selectors import table_columns
from units import policy

from .base import BODY_FONT, BOX, HEADER_FONT, TITLE_FONT, Exporter, display_width
from .xlsx import StreamingSheet

CHUNK = 500
DEFAULT_HEIGHT = 20
CENTRE = {"align": "center", "valign": "vcenter"}
TITLE = {"font_name": TITLE_FONT, "font_size": 16, **CENTRE}
HEAD = {"font_name": HEADER_FONT, "font_size": 10, **BOX, **CENTRE, "text_wrap": True}
CELL = {"font_name": BODY_FONT, "font_size": 11, **BOX, **CENTRE, "text_wrap": True}
TEXT = {**CELL, "align": "left"}
NUMBER = {"font_name": BODY_FONT, "font_size": 11, **BOX, **CENTRE, "num_format": "0"}


@lru_cache(maxsize=4096)
def _lines(text: str, width: int) -> int:
    """Printed lines of a wrapped cell (values repeat a lot: 显著增长, ≥500条)."""
    if 2 * len(text) < width and "\n" not in text:
        return 1  # fits whatever its characters: none is wider than two columns
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

    as_of = None  # a date: each row's 批复 version in force that day instead of its cells

    def at(self, as_of):
        """This layout printing each row's approved version in force on `as_of` (a date)."""
        dated = copy(self)
        dated.as_of = as_of
        return dated

    def sheet_title(self, table: TargetTable) -> str:
        return short_name(table.title)

    def render(self, ws: StreamingSheet, table: TargetTable, user) -> None:
        columns = table_columns(table)
        # Only the rows this user may see.
        visible = TableRow.objects.filter(table=table).filter(policy.visible_rows_filter(user))
        widths = _column_widths(ws, columns, visible)
        depth, header = header_cells(columns)
        ws.print_setup(landscape=len(columns) > 3, title_rows=(1, depth + 1))
        # Only rows that differ carry a height: constant memory keeps no per-row record.
        ws.set_default_height(DEFAULT_HEIGHT)
        out = ws
        title = table.title if self.as_of is None else f"{table.title}（批复值，截至{self.as_of:%Y年%m月%d日}）"
        _write_header(out, title, len(columns) + 2, depth, header)
        # (column id, numeric, width) once, not per cell
        plan = [(c.pk, c.value_kind == ValueKind.NUMBER, widths[i]) for i, c in enumerate(columns, start=3)]
        for chunk in _row_chunks(visible):
            if self.as_of is not None:
                chunk, values = dated_values(chunk, columns, self.as_of)
            else:
                values = _chunk_values([r[0] for r in chunk])
            for row in chunk:
                _write_row(out, row, values.get(row[0], {}), plan, widths)


def _row_chunks(rows):
    """The rows in order, CHUNK at a time (keyset on seq and id): id, unit and label parts,
    never the whole table in memory."""
    query = rows.order_by("seq", "pk").values_list(
        "pk", "seq", "unit__name", "unit__designation", "funding", "narrative"
    )
    chunk = list(query[:CHUNK])
    while chunk:
        yield chunk
        pk, seq = chunk[-1][0], chunk[-1][1]
        chunk = list(query.filter(Q(seq__gt=seq) | Q(seq=seq, pk__gt=pk))[:CHUNK]) if len(chunk) == CHUNK else []


def _chunk_values(row_ids: list[int]) -> dict[int, dict[int, tuple]]:
    """{row id: {column id: (raw, number)}} in one query. The number comes as a float (what
    the sheet stores) and the rows straight from the cursor: 200,000 cells need no Decimal
    nor a converter call each."""
    query = Cell.objects.filter(row_id__in=row_ids).values_list(
        "row_id", "column_id", "raw", Cast("number", FloatField())
    )
    sql, params = query.query.sql_with_params()
    values: dict[int, dict[int, tuple]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row_id, column_id, raw, number in cursor.fetchall():
            values.setdefault(row_id, {})[column_id] = (raw, number)
    return values


NOT_APPROVED = "（截至该日尚无批复版本）"


def dated_values(chunk: list[tuple], columns, as_of) -> tuple[list[tuple], dict[int, dict[int, tuple]]]:
    """Each row's values in its 批复 version in force on `as_of` (one query per chunk). A row not
    approved by then prints NOT_APPROVED across its value columns, in place of a 文字目标."""
    in_force = versions_in_force([r[0] for r in chunk], as_of)
    kinds = {c.pk: c for c in columns}
    rows, values = [], {}
    for row in chunk:
        version = in_force.get(row[0])
        if version is None:
            rows.append((*row[:5], NOT_APPROVED))
            continue
        rows.append((*row[:5], version.narrative))
        values[row[0]] = {
            int(key): (raw, _number(kinds.get(int(key)), raw)) for key, raw in version.values.items() if raw
        }
    return rows, values


def _number(column, raw: str):
    """The number a kept value reads as in its column, or None (printed as written)."""
    if column is None or column.value_kind != ValueKind.NUMBER:
        return None
    try:
        number = column.parse(raw).number
        return None if number is None else float(number)
    except ValidationError:
        return None


def _column_widths(ws, columns, rows) -> dict[int, int]:
    """Set and return the widths: 序号, 单位名称 after the longest name, each column after its header."""
    names = rows.values_list("unit__name", flat=True).iterator(chunk_size=CHUNK)
    widths = {1: 6, 2: min(max([16] + [display_width(name) + 2 for name in names]), 34)}
    for index, column in enumerate(columns, start=3):
        widths[index] = min(max(display_width(column.header) // 2 + 3, 12), 20)
    if len(columns) <= 1:
        widths[3] = 80
    for index, value in widths.items():
        ws.set_width(index, value)
    return widths


def _write_header(out: StreamingSheet, title: str, width: int, depth: int, header) -> None:
    """The title across the sheet, then the grouped header (targets.layout) with its merges."""
    out.append([(title, TITLE)] + [(None, TITLE)] * (width - 1), height=30)
    out.merge(1, 1, 1, width)
    grid = [[None] * width for _ in range(depth)]
    for cell in header:
        grid[cell.row][cell.col] = cell.text
        out.merge(2 + cell.row, 1 + cell.col, 1 + cell.row + cell.rowspan, cell.col + cell.colspan)
    for line in grid:
        out.append([(text, HEAD) for text in line], height=40 if any(line) else None)


def _write_row(out: StreamingSheet, row: tuple, cells: dict, plan: list, widths: dict[int, int]) -> None:
    """One unit's line: its values, or its narrative across every value column; the height
    fits the tallest wrapped text."""
    _row_id, seq, name, designation, funding, narrative = row
    width = len(plan) + 2
    label = unit_label(name, designation, funding)
    line = [(seq, CELL), (label, TEXT if designation else CELL)]
    lines = _lines(label, widths[2])
    if narrative:
        line += [(narrative, TEXT)] + [(None, TEXT)] * (len(plan) - 1)
        lines = max(lines, _lines(narrative, sum(widths[c] for c in range(3, width + 1))))
    else:
        empty = ("", None)
        for column_id, numeric, column_width in plan:
            raw, number = cells.get(column_id, empty)
            if raw == "":
                line.append((None, CELL))
            elif numeric and number is not None:
                line.append((number, NUMBER))
            else:
                line.append((raw, TEXT if len(raw) > 12 else CELL))
                lines = max(lines, _lines(raw, column_width))
    height = max(20, 15 * lines + 4)
    out.append(line, height=None if height == DEFAULT_HEIGHT else height)
    if narrative:
        out.merge(out.row, 3, out.row, width)

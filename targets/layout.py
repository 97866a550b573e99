"""The grouped header of a per-unit table, as the official form draws it.

一级指标 over 二级指标 over 三级指标（单位）, with 序号 and 单位名称 spanning all header
rows. Consecutive columns under the same category share one merged cell. A column
with no 三级 name lets its 二级 cell reach down; a column filed directly under a 一级
category lets that cell reach down. Used by the grid page and by the exporters, so the
screen and the printed form agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from .values import format_number


def unit_label(name: str, designation: str, funding) -> str:
    """单位名称 as printed on the page and in the export: the name, its funding `（160万）`,
    its designation on a new line."""
    label = name
    if funding is not None:
        label += f"（{format_number(funding)}万）"
    if designation:
        label += f"\n（{designation}）"
    return label


@dataclass(frozen=True)
class HeaderCell:
    text: str
    row: int  # 0-based header row
    col: int  # 0-based column, counting 序号 and 单位名称
    rowspan: int = 1
    colspan: int = 1


LEADING = ("序号", "单位名称")


def _groups(keys: list) -> list[tuple[object, int, int]]:
    """Runs of equal consecutive keys: (key, start, length)."""
    runs: list[tuple[object, int, int]] = []
    for index, key in enumerate(keys):
        if runs and runs[-1][0] == key:
            runs[-1] = (key, runs[-1][1], runs[-1][2] + 1)
        else:
            runs.append((key, index, 1))
    return runs


def header_cells(columns, leading: tuple[str, ...] = LEADING) -> tuple[int, list[HeaderCell]]:
    """(number of header rows, cells) for columns with `category` (and its parent) loaded."""
    columns = list(columns)
    has_third = any(c.header for c in columns)
    depth = 3 if has_third else 2
    offset = len(leading)
    cells = [HeaderCell(text, 0, i, rowspan=depth) for i, text in enumerate(leading)]

    level1 = [c.category.level1 for c in columns]
    for _category, start, length in _groups([c.pk for c in level1]):
        name = level1[start].name
        direct = all(columns[i].category.level2 is None for i in range(start, start + length))
        if direct and length == 1 and not columns[start].header:
            cells.append(HeaderCell(name, 0, offset + start, rowspan=depth))
        else:
            cells.append(HeaderCell(name, 0, offset + start, colspan=length))

    level2_keys = [(c.category.pk if c.category.level2 else None, c.category.level1.pk) for c in columns]
    for key, start, length in _groups(level2_keys):
        column = columns[start]
        if key[0] is None:
            continue  # under a 一级 directly: its 三级 cell reaches up (or the 一级 reaches down)
        rowspan = 1 if has_third and any(columns[i].header for i in range(start, start + length)) else depth - 1
        cells.append(HeaderCell(column.category.name, 1, offset + start, rowspan=rowspan, colspan=length))

    if has_third:
        for index, column in enumerate(columns):
            if column.category.level2 is None:
                if column.header:
                    cells.append(HeaderCell(column.header, 1, offset + index, rowspan=2))
            elif column.header or _group_has_header(columns, index):
                cells.append(HeaderCell(column.header, 2, offset + index))
    return depth, sorted(cells, key=lambda cell: (cell.row, cell.col))


def _group_has_header(columns, index: int) -> bool:
    """Whether the 二级 group around `index` draws a 三级 row (so a blank cell is needed)."""
    key = columns[index].category.pk
    start = index
    while start > 0 and columns[start - 1].category.pk == key:
        start -= 1
    end = index
    while end + 1 < len(columns) and columns[end + 1].category.pk == key:
        end += 1
    return any(columns[i].header for i in range(start, end + 1))


def header_rows(columns, leading: tuple[str, ...] = LEADING) -> list[list[HeaderCell]]:
    depth, cells = header_cells(columns, leading)
    return [[cell for cell in cells if cell.row == row] for row in range(depth)]

"""Finding a unit table's columns in an uploaded sheet by their leaf headers.

A bureau's own copy of a form (re-typed, or saved from Word into Excel) keeps the leaf
headers (三级指标 with its unit) but often merges the group rows above them (一级, 二级) over
other spans. Columns are therefore matched by their leaf header, compared without spaces,
line breaks or the width of brackets; a column with no leaf of its own (a 二级 reaching down
over several columns) stays at its printed position. Group rows that differ are a note in
the preview, not an error: what a value means is said by its leaf header.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from targets.layout import LEADING, header_cells

from .grids import Grid
from .plan import Issue

FIRST_COL = len(LEADING) + 1  # 1-based sheet column of the first indicator column


def fold(text: str) -> str:
    """`收集中小微企业专利技术需求 (条)` and `收集中小微企业专利技术需求（条）` are one header."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass
class HeaderMatch:
    positions: dict[int, int] = field(default_factory=dict)  # column pk -> 1-based sheet column
    errors: list[Issue] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)


def match_header(grid: Grid, columns: list) -> tuple[int, HeaderMatch]:
    """(header depth, where each column is in the sheet, what is wrong, what differs but is read)."""
    depth, cells = header_cells(columns)
    match = HeaderMatch()
    own_leaf = _own_leaves(cells, depth, len(columns))
    for cell in cells:
        if cell.col < len(LEADING):
            _check_leading(grid, cell, match)
    found = _file_leaves(grid, depth, len(columns))
    # Columns with no leaf of their own stay where the form prints them; the rest are found by name.
    for index, column in enumerate(columns):
        if index not in own_leaf:
            match.positions[column.pk] = FIRST_COL + index
    taken: set[int] = set(match.positions.values())
    missing: set[int] = set()
    for index, column in enumerate(columns):
        printed = FIRST_COL + index
        leaf = own_leaf.get(index)
        if leaf is None:
            continue
        candidates = [c for c, text in found.items() if text == fold(leaf.text) and c not in taken]
        if not candidates:
            actual = grid.text(2 + leaf.row, printed)
            match.errors.append(Issue(grid.name, 2 + leaf.row, printed, f"表头应为“{leaf.text}”，实际为“{actual}”"))
            missing.add(printed)
            continue
        position = printed if printed in candidates else candidates[0]
        taken.add(position)
        match.positions[column.pk] = position
    _unknown_columns(grid, depth, found, set(match.positions.values()), missing, match)
    if not match.errors:
        _group_notes(grid, cells, own_leaf, match)
    return depth, match


def _own_leaves(cells, depth: int, n: int) -> dict:
    """The header cell that names each column alone (0-based column index), where there is one."""
    leaves = {}
    for index in range(n):
        covering = [c for c in cells if c.col <= len(LEADING) + index < c.col + c.colspan]
        lowest = max(covering, key=lambda c: c.row + c.rowspan, default=None)
        if lowest is not None and lowest.colspan == 1 and lowest.text and lowest.row + lowest.rowspan == depth:
            leaves[index] = lowest
    return leaves


def _file_leaves(grid: Grid, depth: int, n: int) -> dict[int, str]:
    """The lowest text in the header rows of each sheet column: its leaf header, however the
    groups above it are merged. Every column of the header is looked at, for added ones."""
    width = max((len(grid.rows[r]) for r in range(1, 1 + depth) if r < len(grid.rows)), default=0)
    found = {}
    for col in range(FIRST_COL, max(width, FIRST_COL + n) + 1):
        texts = [grid.text(2 + row, col) for row in range(depth)]
        lowest = next((t for t in reversed(texts) if t), "")
        if lowest:
            found[col] = fold(lowest)
    return found


def _check_leading(grid: Grid, cell, match: HeaderMatch) -> None:
    actual = grid.text(2 + cell.row, 1 + cell.col)
    if fold(actual) != fold(cell.text):
        match.errors.append(Issue(grid.name, 2 + cell.row, 1 + cell.col, f"表头应为“{cell.text}”，实际为“{actual}”"))


def _unknown_columns(
    grid: Grid, depth: int, found: dict[int, str], used: set[int], missing: set[int], match: HeaderMatch
) -> None:
    """A leaf header in the file that no column of the table has: its values would be lost."""
    for col in found:
        if col in used or col in missing:
            continue
        row = next(2 + r for r in reversed(range(depth)) if grid.text(2 + r, col))
        match.errors.append(
            Issue(
                grid.name, row, col, f"表头“{grid.text(row, col)}”不是该目标表的列，请删除该列，或使用本系统导出的模板"
            )
        )


def _group_notes(grid: Grid, cells, own_leaf: dict, match: HeaderMatch) -> None:
    """Group rows (一级, 二级) compared cell by cell with the printed layout; differences are noted."""
    leaves = {id(cell) for cell in own_leaf.values()}
    expected: dict[tuple[int, int], str] = {}
    for cell in cells:
        if cell.col < len(LEADING) or id(cell) in leaves:
            continue
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                expected[(2 + r, 1 + c)] = cell.text if (r, c) == (cell.row, cell.col) else ""
    differences = [
        f"第{r}行第{c}列应为“{text}”，实际为“{grid.text(r, c)}”"
        for (r, c), text in sorted(expected.items())
        if fold(grid.text(r, c)) != fold(text)
    ]
    if differences:
        shown = "；".join(differences[:3]) + (f"；另有 {len(differences) - 3} 处" if len(differences) > 3 else "")
        match.notes.append(
            Issue(
                grid.name,
                None,
                None,
                f"表头分组（一级、二级指标）的合并方式与本系统的版式不同（{shown}）："
                "已按三级指标（列名）对应各列，请核对分组无误",
            )
        )

"""上年值: beside each cell of a copied table (复制到新年度), last year's approved value.

A copied table knows the table it was copied from, and each copied column its column there
(`copied_from`). Last year's value of a cell is the value of the same unit in that column, if
that unit's row was approved; otherwise (not approved, no such unit or column, blank) it is "—".
"""

from __future__ import annotations

from .models import Cell, TableColumn, TableRow, TargetTable
from .review import ReviewStatus

NONE = "—"


def approved_values(table: TargetTable, unit_ids) -> dict[tuple[int, int], str]:
    """(unit id, last year's column id) → the approved value, for these units (one query;
    none for a table that was not copied)."""
    if not table.copied_from_id:
        return {}
    cells = Cell.objects.filter(
        row__table_id=table.copied_from_id,
        row__unit_id__in=list(unit_ids),
        row__status=ReviewStatus.APPROVED,
        row__removed_at__isnull=True,
    ).exclude(raw="")
    return {
        (unit_id, column_id): raw for unit_id, column_id, raw in cells.values_list("row__unit_id", "column_id", "raw")
    }


def value_of(values: dict, row: TableRow, column: TableColumn) -> str:
    return values.get((row.unit_id, column.copied_from_id), NONE) if column.copied_from_id else NONE


def rows_annotate(table: TargetTable, rows: list[TableRow], columns: list[TableColumn]) -> None:
    """The grid: `row.last_year` = {column id: 上年值} on each row of a copied table (one query)."""
    if not table.copied_from_id:
        return
    values = approved_values(table, {row.unit_id for row in rows})
    for row in rows:
        row.last_year = {column.pk: value_of(values, row, column) for column in columns}


def cells_annotate(row: TableRow, cells) -> bool:
    """The row page: `item.last_year` on each cell view of a copied table's row (one query).
    True when the table was copied (the page shows the column)."""
    table = row.table
    if not table.copied_from_id:
        return False
    values = approved_values(table, [row.unit_id])
    for item in cells:
        item.last_year = value_of(values, row, item.column)
    return True

"""上年值 and 上年实际值: beside each cell of a copied table (复制到新年度), last year's approved value
and what was achieved against it.

A copied table knows the table it was copied from, and each copied column its column there
(`copied_from`). Last year's value of a cell is the value of the same unit in that column, if
that unit's row was approved; otherwise (not approved, no such unit or column, blank) it is "—".
Last year's 完成值 is the one that unit reported for that cell in the latest approved 自评 of last
year's project. The 自评 lives in `monitoring`, above this app: it registers, when it starts, the
expression that reads the 完成值 of a cell (`actual_register`), so the approved values and their
完成值 come in one query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import CharField, Expression, Value

from review.engine import ReviewStatus

from .models import Cell, TableColumn, TableRow, TargetTable

NONE = "—"

# `factory()` → an expression over a last-year Cell (OuterRef("pk")): its 完成值 text, or NULL.
_ACTUAL: list[Callable[[], Expression]] = []


def actual_register(factory: Callable[[], Expression]) -> None:
    """`factory()` gives the expression of a cell's last 完成值 (monitoring registers it)."""
    if factory not in _ACTUAL:
        _ACTUAL.append(factory)


def _actual_expression() -> Expression:
    return _ACTUAL[0]() if _ACTUAL else Value("", output_field=CharField())


@dataclass(frozen=True)
class LastYear:
    """Last year's approved value of one cell (as written, with the unit it was read in) and its 完成值."""

    raw: str
    measure_unit: str
    actual: str = ""


def approved_cells(table_ids: Iterable[int], unit_ids: Iterable[int]) -> dict[tuple[int, int], LastYear]:
    """(unit id, last year's column id) → its approved value and 完成值, for these units in these
    tables of last year (one query; none without tables)."""
    table_ids = [pk for pk in set(table_ids) if pk]
    if not table_ids:
        return {}
    cells = (
        Cell.objects.filter(
            row__table_id__in=table_ids,
            row__unit_id__in=list(set(unit_ids)),
            row__status=ReviewStatus.APPROVED,
            row__removed_at__isnull=True,
        )
        .exclude(raw="")
        .annotate(actual=_actual_expression())
    )
    return {
        (unit_id, column_id): LastYear(raw, unit, actual or "")
        for unit_id, column_id, raw, unit, actual in cells.values_list(
            "row__unit_id", "column_id", "raw", "measure_unit", "actual"
        )
    }


def approved_values(table: TargetTable, unit_ids) -> dict[tuple[int, int], LastYear]:
    """(unit id, last year's column id) → the approved value, for these units (one query; none
    for a table that was not copied)."""
    return approved_cells([table.copied_from_id], unit_ids)


def found(values: dict, row: TableRow, column: TableColumn) -> LastYear | None:
    return values.get((row.unit_id, column.copied_from_id)) if column.copied_from_id else None


def value_of(values: dict, row: TableRow, column: TableColumn) -> str:
    last = found(values, row, column)
    return last.raw if last else NONE


def actual_of(values: dict, row: TableRow, column: TableColumn) -> str:
    last = found(values, row, column)
    return last.actual if last and last.actual else NONE


def rows_annotate(table: TargetTable, rows: list[TableRow], columns: list[TableColumn]) -> dict:
    """The grid: `row.last_year` = {column id: 上年值} and `row.last_year_actual` = {column id:
    上年实际值} on each row of a copied table (one query). Returns what was read, for the review aids."""
    if not table.copied_from_id:
        return {}
    values = approved_values(table, {row.unit_id for row in rows})
    for row in rows:
        row.last_year = {column.pk: value_of(values, row, column) for column in columns}
        row.last_year_actual = {column.pk: actual_of(values, row, column) for column in columns}
    return values


def cells_annotate(row: TableRow, cells) -> dict | None:
    """The row page: `item.last_year` and `item.last_year_actual` on each cell view of a copied
    table's row (one query). None when the table was not copied (the page shows no column), else
    what was read, for the review aids."""
    table = row.table
    if not table.copied_from_id:
        return None
    values = approved_values(table, [row.unit_id])
    for item in cells:
        item.last_year = value_of(values, row, item.column)
        item.last_year_actual = actual_of(values, row, item.column)
    return values

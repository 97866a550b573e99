"""Reads for handed-down tables (下达): the 下达值 beside the unit's value, on the grid and the
row page. Each states its query count; none grows with rows."""

from __future__ import annotations

from dataclasses import dataclass

from units import policy

from .layout import LEADING, HeaderCell, header_cells
from .models import AssignedState, AssignedValue, Cell, TableColumn, TableRow

ASSIGNED, REPORTED = "下达值", "申报值"


@dataclass
class HandedDownCell:
    """One cell of a handed-down table: what the bureau handed down and what the unit holds."""

    column: TableColumn
    assigned: AssignedValue | None
    cell: Cell | None

    @property
    def assigned_raw(self) -> str:
        return self.assigned.raw if self.assigned else ""

    @property
    def reported_raw(self) -> str:
        return self.cell.raw if self.cell else ""

    @property
    def state(self) -> str:
        return self.assigned.state if self.assigned else ""

    @property
    def state_label(self) -> str:
        return AssignedState(self.assigned.state).label if self.assigned else "未下达"

    @property
    def pending(self) -> bool:
        return self.state == AssignedState.PENDING

    @property
    def reason(self) -> str:
        return self.assigned.reason if self.assigned else ""

    @property
    def differs(self) -> bool:
        """The unit's value is not the 下达值 (a value not yet answered and still blank is not a difference)."""
        if self.assigned is None or self.reported_raw == self.assigned_raw:
            return False
        return not (self.pending and self.reported_raw == "")


def _assigned_by_row(rows) -> dict[int, dict[int, AssignedValue]]:
    found: dict[int, dict[int, AssignedValue]] = {}
    for assigned in AssignedValue.objects.filter(row__in=[r.pk for r in rows]):
        found.setdefault(assigned.row_id, {})[assigned.column_id] = assigned
    return found


def grid_rows_attach(rows: list[TableRow], columns: list[TableColumn], table, user) -> dict:
    """Give each grid row its handed-down cells and what this user may do (one query). Returns
    the 下达值 by row and column id (the review aids read them too).

    The grid's editable cells are the 下达值: editable by who may hand down; the unit answers
    on the row page, or confirms the whole row at once here."""
    assigned = _assigned_by_row(rows)
    hands_down = policy.can_hand_down(user, table)
    for row in rows:
        cells = {c.column_id: c for c in row.cells.all()}
        mine = assigned.get(row.pk, {})
        row.handdown_cells = [HandedDownCell(c, mine.get(c.pk), cells.get(c.pk)) for c in columns]
        row.can_edit = row.is_editable and hands_down
        row.pending_count = sum(1 for item in row.handdown_cells if item.pending)
        row.differ_count = sum(1 for item in row.handdown_cells if item.differs)
        row.can_confirm_all = bool(row.pending_count and row.is_editable and policy.can_answer_hand_down(user, row))
    return assigned


def grid_header_rows(columns) -> list[list[HeaderCell]]:
    """The grouped header with each column split into 下达值 | 申报值 underneath."""
    depth, cells = header_cells(columns)
    offset = len(LEADING)
    wide = []
    for cell in cells:
        if cell.col < offset:
            wide.append(HeaderCell(cell.text, cell.row, cell.col, rowspan=cell.rowspan + 1, colspan=cell.colspan))
        else:
            col = offset + 2 * (cell.col - offset)
            wide.append(HeaderCell(cell.text, cell.row, col, rowspan=cell.rowspan, colspan=2 * cell.colspan))
    rows = [[c for c in wide if c.row == r] for r in range(depth)]
    rows.append(
        [
            HeaderCell(text, depth, offset + 2 * i + k)
            for i in range(len(columns))
            for k, text in enumerate((ASSIGNED, REPORTED))
        ]
    )
    return rows


def row_page(row: TableRow, cells, user, typed=None, assigned=None) -> dict:
    """The row page's handed-down part (one query; none for a unit-filled table): each
    column's 下达值 beside the unit's value, and whether this user may answer. `typed`: the
    answers of a refused form by column id, shown again so nothing typed is lost. `assigned`:
    the row's 下达值 by column id, when the caller read them (then no query)."""
    if not row.table.is_handed_down:
        return {}
    if assigned is None:
        assigned = _assigned_by_row([row]).get(row.pk, {})
    items = [HandedDownCell(view.column, assigned.get(view.column.pk), view.cell) for view in cells]
    may_answer = row.is_editable and policy.can_answer_hand_down(user, row)
    typed = typed or {}
    for view, item in zip(cells, items, strict=True):
        item.answerable = may_answer and item.assigned is not None and row.column_is_editable(item.column.pk)
        item.typed = typed.get(item.column.pk)
        item.aid = getattr(view, "aid", None)  # the plausibility flag beside the unit's value
    return {
        "handdown_cells": items,
        "handdown_can_answer": any(item.answerable for item in items),
        "handdown_differ_count": sum(1 for item in items if item.differs),
        "handdown_pending_count": sum(1 for item in items if item.pending),
    }

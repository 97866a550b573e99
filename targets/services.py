"""Writes to target tables. Each function is one transaction and checks the rules itself."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, ForeignObjectRel, Value, When
from django.utils import timezone

from review.engine import STARTS_EDITING, ReviewStatus
from units import policy
from units.bulk import insert_many
from units.inputs import check_text
from units.models import AuditEntry

from .audit_actions import TargetAction
from .models import AssignedValue, Cell, TableColumn, TableMode, TableRow, TargetTable


@dataclass
class RowEdit:
    row_id: int
    values: dict[int, str]  # column id -> text as typed
    expected_version: int
    narrative: str | None = None


def row_cells_update(
    *,
    row_id: int,
    values: dict[int, str],
    expected_version: int,
    actor=None,
    narrative: str | None = None,
    columns: dict | None = None,
) -> TableRow:
    """Write typed values into one row's cells: all of them or none (see rows_cells_update,
    whose transaction this is: no savepoint of its own, two statements fewer per save).
    The actor must be allowed to edit the row (`policy.can_edit_row`, asked of the locked row);
    `actor=None` is the system (seeds, a migration), which no rule is about.
    `columns`: the row's table's columns by id, when the caller has them (the grid's view)."""
    edits = [RowEdit(row_id, values, expected_version, narrative)]
    check = None if actor is None else _editor_check(actor)
    return rows_cells_update(edits=edits, actor=actor, check=check, columns=columns)[0]


def _editor_check(actor):
    """`check` for rows_cells_update: refuses the batch if the actor may not edit one of its rows."""

    def check(rows):
        if not all(policy.can_edit_row(actor, row) for row in rows):
            raise PermissionDenied("您没有修改该行的权限")

    return check


BATCH = 1000


@transaction.atomic
def rows_cells_update(*, edits: list[RowEdit], actor=None, check=None, columns=None) -> list[TableRow]:
    """Write typed values into many rows: all of them or none, a constant number of
    queries per batch of rows.

    Each row must still be at its `expected_version` (no one saved it meanwhile) and
    editable (not submitted or approved; after a partial reopen, only the reopened
    columns). Every value must suit its column. Each changed cell is recorded in the
    audit log; a changed row's version goes up by one and a row not started or
    returned becomes 填报中.

    `check(rows)`, when given, sees each batch's rows once they are locked (with their
    tables and projects) and raises to refuse them: an import re-asks its permissions there.
    """
    result = []
    for start in range(0, len(edits), BATCH):
        result += _update_batch(edits[start : start + BATCH], actor, check, columns)
    return result


def _update_batch(edits: list[RowEdit], actor, check, columns) -> list[TableRow]:
    rows = _locked_rows(edits)
    if check is not None:
        check(list(rows.values()))
    table_ids = {r.table_id for r in rows.values()}
    column_ids = {c for e in edits for c in e.values}
    if columns is None or not column_ids <= set(columns):
        columns = TableColumn.objects.filter(pk__in=column_ids, table_id__in=table_ids).select_related("category")
        columns = {c.pk: c for c in columns}
    # (id, text) of the cells there are: a changed one is replaced, so no model object is needed.
    existing = {
        (r, c): (pk, raw)
        for pk, r, c, raw in Cell.objects.filter(row_id__in=rows, column_id__in=column_ids).values_list(
            "pk", "row_id", "column_id", "raw"
        )
    }

    errors, to_create, to_update, entries, bumped = [], [], [], [], []
    for edit in edits:
        row = rows[edit.row_id]
        row.check_editable(edit.expected_version)
        changed = _cell_edits(row, edit, columns, existing, actor, errors, to_create, to_update)
        changed += _narrative_edit(row, edit, actor, errors)
        if changed:
            entries += changed
            started_from = row.mark_edited()
            if started_from:
                entries.append(
                    _audit(actor, TargetAction.ROW_STARTED, row, {"status": started_from}, {"status": row.status})
                )
            bumped.append(row)
    if errors:
        raise ValidationError(errors)
    _write_batch(edits, to_create, to_update, bumped, entries)
    return [rows[e.row_id] for e in edits]


def _locked_rows(edits: list[RowEdit]) -> dict[int, TableRow]:
    """The edited rows, locked in id order (two batches never wait on each other in a circle)."""
    # Only the rows are locked (not their units or tables).
    locked = TableRow.objects.select_for_update(of=("self",)).filter(pk__in=[e.row_id for e in edits]).order_by("pk")
    if len(edits) == 1:  # a grid save: the table comes in the same query
        rows = {r.pk: r for r in locked.select_related("unit", "table__project")}
    else:
        # An import's thousand rows share a table or a few: one object each, read after the rows,
        # instead of a table and a project built for every row (a third of the batch's time).
        rows = {r.pk: r for r in locked.select_related("unit")}
        tables = TargetTable.objects.select_related("project").in_bulk({r.table_id for r in rows.values()})
        for row in rows.values():
            row.table = tables[row.table_id]
    if len(rows) != len({e.row_id for e in edits}):
        raise ValidationError("要修改的行不存在或已被删除")
    return rows


def _cell_edits(row, edit: RowEdit, columns, existing, actor, errors, to_create, to_update) -> list[tuple]:
    """Parse the row's typed values; cells that change go to `to_create` / `to_update`, problems
    to `errors`. Returns the audit entries of the changes."""
    changed = []
    if edit.values and row.table.mode == TableMode.HANDED_DOWN:
        # A unit's value in a handed-down table is an answer to the 下达值 (targets.handdown).
        errors.append(f"《{row.table.title}》是下达表：请在“{row.unit.name}”的填报页逐项确认下达值或提出调整")
        return changed
    for column_id, raw in edit.values.items():
        column = columns.get(column_id)
        if column is None or column.table_id != row.table_id:
            raise ValidationError("提交的列不属于该目标表")
        try:
            value = column.parse_once(raw)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        current = existing.get((row.pk, column_id))
        if current is not None and current[1] == value.raw:
            continue
        if not row.column_is_editable(column_id):
            errors.append(f"“{column.label}”未被重新打开，不能修改")
            continue
        before = current[1] if current else ""
        cell = (row.pk, column_id, value.raw, value.kind.value, value.comparator.value, value.number)
        cell += (value.measure_unit, value.text)
        if current is None:
            to_create.append(cell)
        else:
            to_update.append((current[0], cell))
        label = f"{row.unit.name} · {column.label}"[:300]
        changed.append(_audit(actor, TargetAction.CELL_CHANGED, row, {"raw": before}, {"raw": value.raw}, label))
    return changed


def _narrative_edit(row: TableRow, edit: RowEdit, actor, errors) -> list[tuple]:
    """The row's 文字目标, when sent and different: checked, set on `row`, its audit entry returned."""
    if edit.narrative is None or edit.narrative == row.narrative:
        return []
    if not row.narrative_is_editable:
        errors.append("文字目标未被重新打开，不能修改")
        return []
    try:
        check_text(edit.narrative, f"“{row.unit.name}”的文字目标")
    except ValidationError as exc:
        errors.extend(exc.messages)
        return []
    entry = _audit(
        actor, TargetAction.ROW_NARRATIVE_CHANGED, row, {"narrative": row.narrative}, {"narrative": edit.narrative}
    )
    row.narrative = edit.narrative
    return [entry]


CELL_FIELDS = ("row", "column", "raw", "kind", "comparator", "number", "measure_unit", "text")
AUDIT_FIELDS = ("at", "actor", "action", "object_type", "object_id", "object_label", "before", "after", "comment")


def _audit(actor, action: TargetAction, row: TableRow, before: dict, after: dict, label: str = "") -> tuple:
    """An audit entry as the values `insert_many` writes (AUDIT_FIELDS): thousands per import."""
    actor = _actor(actor)
    action = TargetAction(action)  # refuses a code without a Chinese label
    label = label or row.unit.name
    return (
        timezone.now(),
        actor.pk if actor else None,
        action.value,
        "targets.TableRow",
        str(row.pk),
        label,
        before,
        after,
        "",
    )


# Up to this many changed cells (a grid save) are updated in place, one statement each;
# more (an import) are replaced in bulk.
IN_PLACE = 20


def _write_batch(edits, to_create, to_update, bumped, entries) -> None:
    _replace_cells(to_update)
    insert_many(Cell, CELL_FIELDS, to_create + [cell for _, cell in to_update if cell is not None])
    # The rows are locked and their versions were checked: one statement moves them all on,
    # and starts 填报中 where the row had not started or was returned.
    TableRow.objects.filter(pk__in=[r.pk for r in bumped]).update(
        version=F("version") + 1,
        status=Case(When(status__in=STARTS_EDITING, then=Value(ReviewStatus.DRAFT)), default=F("status")),
    )
    moved = {r.pk for r in bumped}
    for edit in edits:  # narratives change rarely: a statement each
        if edit.narrative is not None and edit.row_id in moved:
            TableRow.objects.filter(pk=edit.row_id).update(narrative=edit.narrative)
    insert_many(AuditEntry, AUDIT_FIELDS, entries)


def _replace_cells(to_update: list) -> None:
    """Changed cells: updated in place (a few, or one another record points at, such as a
    monitoring value, protected), or deleted to be inserted again: a DELETE and an INSERT
    beat Django's bulk_update (a CASE per row) by an order of magnitude. A cell updated
    here is set to None in `to_update`, so that it is not inserted."""
    if not to_update:
        return
    kept = {pk for pk, _ in to_update} if len(to_update) <= IN_PLACE else _referenced_cells([pk for pk, _ in to_update])
    for index, (pk, cell) in enumerate(to_update):
        if pk in kept:
            Cell.objects.filter(pk=pk).update(**dict(zip(CELL_FIELDS[2:], cell[2:], strict=True)))
            to_update[index] = (pk, None)
    replaced = [pk for pk, cell in to_update if cell is not None]
    if replaced:
        Cell.objects.filter(pk__in=replaced)._raw_delete(Cell.objects.db)


def _referenced_cells(ids: list[int]) -> set[int]:
    """Of these cells, those a row of another model refers to (one query per such relation)."""
    kept: set[int] = set()
    # Hidden relations too (a ForeignKey with related_name="+" still protects the cell).
    relations = [f for f in Cell._meta.get_fields(include_hidden=True) if isinstance(f, ForeignObjectRel)]
    for relation in relations if ids else ():
        field = relation.field
        kept.update(
            relation.related_model._base_manager.filter(**{f"{field.name}__in": ids}).values_list(
                field.attname, flat=True
            )
        )
    return kept


def _actor(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def table_cells_reparse(*, table_id: int) -> int:
    """Re-derive every cell's parsed parts from its text, e.g. after a column's unit changed.

    The written text is never touched. Returns how many cells changed.
    """
    table = TargetTable.objects.select_for_update().get(pk=table_id)
    cells = list(Cell.objects.filter(row__table=table).select_related("column__category"))
    changed = []
    for cell in cells:
        before = cell.value_fields()
        try:
            cell.set_value(cell.column.parse(cell.raw))
        except ValidationError:
            continue  # an old value the column no longer accepts is kept as written
        if cell.value_fields() != before:
            changed.append(cell)
    Cell.objects.bulk_update(changed, ["kind", "comparator", "number", "measure_unit", "text"])
    return len(changed) + _assigned_reparse(table)


def _assigned_reparse(table: TargetTable) -> int:
    """The same for the 下达值 of a handed-down table (targets.handdown)."""
    assigned = list(AssignedValue.objects.filter(row__table=table).select_related("column__category"))
    changed = []
    for value in assigned:
        before = value.value_fields()
        try:
            value.set_value(value.column.parse(value.raw))
        except ValidationError:
            continue
        if value.value_fields() != before:
            changed.append(value)
    AssignedValue.objects.bulk_update(changed, ["kind", "comparator", "number", "measure_unit", "text"])
    return len(changed)

"""Writes to target tables. Each function is one transaction and checks the rules itself."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from units.audit import audit_record

from .models import Cell, RowStatus, TableColumn, TableRow, TargetTable


class RowLocked(ValidationError):
    pass


class StaleRow(ValidationError):
    """The row changed since the editor loaded it; nothing was saved."""


@transaction.atomic
def row_cells_update(
    *, row_id: int, values: dict[int, str], expected_version: int, actor=None, narrative: str | None = None
) -> TableRow:
    """Write typed values into one row's cells: all of them or none.

    `values` maps column id to the text as typed. The row must still be at
    `expected_version` (no one saved it meanwhile) and editable (not submitted or
    approved; after a partial reopen, only the reopened columns). Every value must
    suit its column. Each changed cell is recorded in the audit log; the version goes
    up by one and a row not started or returned becomes 填报中.
    """
    row = TableRow.objects.select_for_update().select_related("table", "unit").get(pk=row_id)
    if not row.is_editable:
        raise RowLocked(f"该行状态为“{row.get_status_display()}”，不能修改")
    if row.version != expected_version:
        raise StaleRow(f"该行已被他人修改（当前版本 {row.version}，您编辑的是版本 {expected_version}），请刷新后再保存")

    columns = {c.pk: c for c in TableColumn.objects.filter(table_id=row.table_id, pk__in=values).select_related("category")}
    unknown = set(values) - set(columns)
    if unknown:
        raise ValidationError("提交的列不属于该目标表")
    errors, parsed = [], {}
    for column_id, raw in values.items():
        try:
            parsed[column_id] = columns[column_id].parse(raw)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)

    existing = {c.column_id: c for c in Cell.objects.filter(row=row, column_id__in=values)}
    to_create, to_update, changes = [], [], []
    for column_id, value in parsed.items():
        cell = existing.get(column_id)
        before = cell.raw if cell else ""
        if cell is not None and cell.raw == value.raw:
            continue
        if not row.column_is_editable(column_id):
            errors.append(f"“{columns[column_id].label}”未被重新打开，不能修改")
            continue
        if cell is None:
            cell = Cell(row=row, column=columns[column_id])
            to_create.append(cell)
        else:
            to_update.append(cell)
        cell.set_value(value)
        changes.append((columns[column_id], before, value.raw))
    if errors:
        raise ValidationError(errors)
    narrative_changed = narrative is not None and narrative != row.narrative
    if not changes and not narrative_changed:
        return row

    Cell.objects.bulk_create(to_create)
    Cell.objects.bulk_update(to_update, ["raw", "kind", "comparator", "number", "measure_unit", "text"])
    fields = {"version": expected_version + 1}
    if narrative_changed:
        fields["narrative"] = narrative
    if row.status in (RowStatus.NOT_STARTED, RowStatus.RETURNED):
        fields["status"] = RowStatus.DRAFT
    updated = TableRow.objects.filter(pk=row.pk, version=expected_version).update(**fields)
    assert updated == 1, "row version moved under a row lock"

    for column, before, after in changes:
        audit_record(
            actor=actor, action="targets.cell.changed", obj=row, before={"raw": before}, after={"raw": after},
            label=f"{row.unit.name} · {column.label}",
        )
    if narrative_changed:
        audit_record(actor=actor, action="targets.row.narrative_changed", obj=row,
                     before={"narrative": row.narrative}, after={"narrative": narrative}, label=row.unit.name)
    if "status" in fields:
        audit_record(actor=actor, action="targets.row.started", obj=row, before={"status": row.status},
                     after={"status": fields["status"]}, label=row.unit.name)
    for name, value in fields.items():
        setattr(row, name, value)
    return row


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
    return len(changed)

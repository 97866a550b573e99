"""Handed-down tables (下达): the bureau writes each unit's 下达值, the unit confirms it or
proposes another value with a reason, cell by cell (DESIGN §8.1).

The unit's value stays in `Cell`, so review, exports and snapshots read it as in a
unit-filled table; the 下达值 and the unit's answer are `AssignedValue`s beside it. Each
write is one transaction, locks the row, checks its version like a cell save (a stale
page never overwrites silently) and writes the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from units import policy
from units.audit import audit_record
from units.inputs import check_text
from units.models import AuditEntry

from .audit_actions import TargetAction
from .models import AssignedState, AssignedValue, Cell, TableColumn, TableMode, TableRow, TargetTable

CONFIRM = "confirm"
PROPOSE = "propose"


@dataclass
class Answer:
    """The unit's answer to one 下达值: confirm it, or propose `raw` because of `reason`."""

    decision: str  # CONFIRM or PROPOSE
    raw: str = ""
    reason: str = ""


def _locked_row(row_id: int) -> TableRow:
    row = (
        TableRow.objects.select_for_update(of=("self",))
        .select_related("table__project", "unit")
        .filter(pk=row_id)
        .first()
    )
    if row is None:
        raise ValidationError("要修改的行不存在或已被删除")
    if row.table.mode != TableMode.HANDED_DOWN:
        raise ValidationError(f"“{row.table.title}”不是下达表")
    return row


def _columns(row: TableRow, column_ids) -> dict[int, TableColumn]:
    columns = {c.pk: c for c in TableColumn.objects.filter(table_id=row.table_id).select_related("category")}
    if set(column_ids) - set(columns):
        raise ValidationError("提交的列不属于该目标表")
    return columns


def _entry(actor, action: TargetAction, row: TableRow, column: TableColumn, before: dict, after: dict) -> AuditEntry:
    return AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=TargetAction(action),
        object_type="targets.TableRow",
        object_id=str(row.pk),
        object_label=f"{row.unit.name} · {column.label}"[:300],
        before=before,
        after=after,
    )


@transaction.atomic
def row_assigned_update(*, row_id: int, values: dict[int, str], expected_version: int, actor) -> TableRow:
    """The bureau writes 下达值 of one row (column id → text): all of them or none.

    A changed 下达值 waits for the unit's answer again. The row's version goes up; its
    status stays (the unit has not started because the bureau wrote)."""
    row = _locked_row(row_id)
    if actor is not None and not policy.can_hand_down(actor, row.table):
        raise PermissionDenied("只有省局管理员或本项目的审核员可以填写下达值")
    row.check_editable(expected_version)
    columns = _columns(row, values)
    existing = {a.column_id: a for a in AssignedValue.objects.filter(row=row, column_id__in=values)}
    errors, changed, entries = [], [], []
    for column_id, raw in values.items():
        column = columns[column_id]
        try:
            value = column.parse(raw)
        except ValidationError as exc:
            errors += [f"{row.unit.name}：{m}" for m in exc.messages]
            continue
        assigned = existing.get(column_id) or AssignedValue(row=row, column=column)
        if assigned.pk and assigned.raw == value.raw:
            continue
        if not row.column_is_editable(column_id):
            errors.append(f"“{column.label}”未被重新打开，不能修改")
            continue
        before = assigned.raw if assigned.pk else ""
        assigned.set_value(value)
        assigned.state, assigned.reason = AssignedState.PENDING, ""
        changed.append(assigned)
        entries.append(_entry(actor, TargetAction.CELL_HANDED_DOWN, row, column, {"raw": before}, {"raw": value.raw}))
    if errors:
        raise ValidationError(errors)
    for assigned in changed:
        assigned.save()
    if changed:
        row.version += 1
        TableRow.objects.filter(pk=row.pk).update(version=row.version)
        AuditEntry.objects.bulk_create(entries)
    return row


def _answer_value(column: TableColumn, assigned: AssignedValue, answer: Answer):
    """The unit's value for one answer (the 下达值 itself when confirming), or a ValidationError."""
    if answer.decision == CONFIRM:
        return column.parse(assigned.raw)
    if answer.decision != PROPOSE:
        raise ValidationError(f"“{column.label}”的操作无效")
    value = column.parse(answer.raw)
    if not (answer.reason or "").strip():
        raise ValidationError(f"“{column.label}”提出调整时必须填写理由")
    check_text(answer.reason, f"“{column.label}”的调整理由")
    if value.raw == assigned.raw:
        raise ValidationError(f"“{column.label}”提出的值与下达值相同，请选择“确认”")
    return value


@transaction.atomic
def row_assigned_answer(*, row_id: int, answers: dict[int, Answer], expected_version: int, actor) -> TableRow:
    """The unit confirms 下达值 or proposes others with a reason (column id → Answer): all or none.

    Confirming copies the 下达值 into the unit's cell; proposing writes the proposed value
    there. A changed row goes up one version and becomes 填报中 like any edit."""
    row = _locked_row(row_id)
    if actor is not None and not policy.can_answer_hand_down(actor, row):
        raise PermissionDenied("您没有确认该行下达值的权限")
    row.check_editable(expected_version)
    columns = _columns(row, answers)
    assigned = {a.column_id: a for a in AssignedValue.objects.filter(row=row, column_id__in=answers)}
    cells = {c.column_id: c for c in Cell.objects.filter(row=row, column_id__in=answers)}
    errors, writes, entries = [], [], []
    for column_id, answer in answers.items():
        column = columns[column_id]
        given = assigned.get(column_id)
        if given is None:
            errors.append(f"“{column.label}”尚未下达，不能确认或提出调整")
            continue
        try:
            value = _answer_value(column, given, answer)
        except ValidationError as exc:
            errors += exc.messages
            continue
        state = AssignedState.CONFIRMED if answer.decision == CONFIRM else AssignedState.PROPOSED
        reason = "" if state == AssignedState.CONFIRMED else answer.reason.strip()
        cell = cells.get(column_id) or Cell(row=row, column=column)
        if cell.pk and cell.raw == value.raw and given.state == state and given.reason == reason:
            continue
        if not row.column_is_editable(column_id):
            errors.append(f"“{column.label}”未被重新打开，不能修改")
            continue
        action = TargetAction.CELL_CONFIRMED if state == AssignedState.CONFIRMED else TargetAction.CELL_PROPOSED
        before = {"raw": cell.raw if cell.pk else "", "state": given.state}
        after = {"raw": value.raw, "reason": reason} if reason else {"raw": value.raw}
        entries.append(_entry(actor, action, row, column, before, after))
        cell.set_value(value)
        given.state, given.reason = state, reason
        writes.append((cell, given))
    if errors:
        raise ValidationError(errors)
    if writes:
        _write_answers(row, writes, entries, actor)
    return row


def _write_answers(row: TableRow, writes, entries, actor) -> None:
    for cell, given in writes:
        cell.save()
        given.save(update_fields=["state", "reason"])
    started_from = row.mark_edited()
    TableRow.objects.filter(pk=row.pk).update(version=row.version, status=row.status)
    AuditEntry.objects.bulk_create(entries)
    if started_from:
        audit_record(
            actor=actor,
            action=TargetAction.ROW_STARTED,
            obj=row,
            before={"status": started_from},
            after={"status": row.status},
            label=row.unit.name,
        )


@transaction.atomic
def row_assigned_confirm_all(*, row_id: int, expected_version: int, actor) -> int:
    """The unit confirms every 下达值 of the row still waiting for an answer. Returns how many."""
    pending = AssignedValue.objects.filter(row_id=row_id, state=AssignedState.PENDING).values_list(
        "column_id", flat=True
    )
    answers = {column_id: Answer(CONFIRM) for column_id in pending}
    if not answers:
        raise ValidationError("该行没有待确认的下达值")
    row_assigned_answer(row_id=row_id, answers=answers, expected_version=expected_version, actor=actor)
    return len(answers)


@transaction.atomic
def table_hand_down(*, table_id: int, actor) -> int:
    """Convert a unit-filled table into a handed-down one: every value written so far becomes the
    下达值 of its cell, already confirmed (the unit wrote it). Returns how many values were kept.

    Every row's version goes up, so a page opened before the change cannot save over it."""
    table = TargetTable.objects.select_for_update().select_related("project").get(pk=table_id)
    if actor is not None and not policy.can_change_table_mode(actor, table):
        raise PermissionDenied("只有省局管理员可以改为下达表")
    if table.mode == TableMode.HANDED_DOWN:
        raise ValidationError(f"“{table.title}”已是下达表")
    cells = list(Cell.objects.filter(row__table=table))
    AssignedValue.objects.filter(row__table=table).delete()  # none expected; never two per cell
    AssignedValue.objects.bulk_create(
        AssignedValue(row_id=c.row_id, column_id=c.column_id, state=AssignedState.CONFIRMED, **c.value_fields())
        for c in cells
    )
    table.mode = TableMode.HANDED_DOWN
    table.save(update_fields=["mode"])
    TableRow.all_objects.filter(table=table).update(version=F("version") + 1)
    audit_record(
        actor=actor,
        action=TargetAction.TABLE_HANDED_DOWN,
        obj=table,
        before={"mode": TableMode.UNIT_FILLED},
        after={"mode": TableMode.HANDED_DOWN, "cells": len(cells)},
    )
    return len(cells)


def row_unanswered(row: TableRow) -> list[str]:
    """Labels of the columns whose 下达值 the unit has not yet answered (one query; none when
    the table is unit-filled)."""
    if row.table.mode != TableMode.HANDED_DOWN:
        return []
    pending = (
        AssignedValue.objects.filter(row=row, state=AssignedState.PENDING)
        .select_related("column__category")
        .order_by("column__order")
    )
    return [a.column.label for a in pending]

"""The row workflow and the table's filling window, as service functions.

未填报 → 填报中 → 已提交 → (已退回 → 填报中 …) → 已通过 (locked; an admin may reopen).

Each transition locks the row, refuses an illegal step with a message and no change,
writes the audit entry (who, when, before, after, comment) and a snapshot of the values,
and notifies people once the transaction has committed. Who may ask for a transition
is the policy module's question, asked by the caller.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from units.audit import AuditAction, audit_record
from units.inputs import check_text
from units.models import NotificationKind
from units.notifications import notify, unit_fillers
from units.policy import deadline_passed

from .models import NARRATIVE, Cell, Indicator, RowEvent, RowSnapshot, RowStatus, TableRow, TableStatus, TargetTable


class TransitionRefused(ValidationError):
    pass


SUBMITTABLE = (RowStatus.NOT_STARTED, RowStatus.DRAFT, RowStatus.RETURNED)


def _locked_row(row_id: int) -> TableRow:
    return TableRow.objects.select_for_update().select_related("table__project", "unit").get(pk=row_id)


def _snapshot(row: TableRow, event: str, actor) -> RowSnapshot:
    values = {str(column_id): raw for column_id, raw in Cell.objects.filter(row=row).values_list("column_id", "raw")}
    return RowSnapshot.objects.create(
        row=row,
        event=event,
        version=row.version,
        values=values,
        narrative=row.narrative,
        actor=actor if actor and actor.is_authenticated else None,
    )


def _move(obj, *, allowed: tuple, to: str, action: str, actor, comment: str = "", label: str = "", **fields):
    """One workflow step for anything with a `status` (a table row, a 任务书): check, move,
    audit, and snapshot a row's values. The caller holds the object's row lock."""
    is_row = isinstance(obj, TableRow)
    label = label or (obj.unit.name if is_row else str(obj))
    check_text(comment, "“意见（原因）”")
    if obj.status not in allowed:
        allowed_labels = "、".join(RowStatus(s).label for s in allowed)
        noun = "行" if is_row else obj._meta.verbose_name
        raise TransitionRefused(
            f"“{label}”当前为“{RowStatus(obj.status).label}”，只有{allowed_labels}的{noun}才能{RowEvent(action).label}"
        )
    before = obj.status
    # The object is locked; the conditional update still guards against a stale copy.
    updated = type(obj)._base_manager.filter(pk=obj.pk, status=before).update(status=to, **fields)
    assert updated == 1, "status moved under a row lock"
    obj.status = to
    for name, value in fields.items():
        setattr(obj, name, value)
    code = "targets.row" if is_row else f"{obj._meta.app_label}.{obj._meta.model_name}"
    audit_record(
        actor=actor,
        action=AuditAction(f"{code}.{action}"),
        obj=obj,
        before={"status": before},
        after={"status": to, "version": obj.version},
        comment=comment,
        label=label,
    )
    if is_row:
        _snapshot(obj, action, actor)
    return obj


def _row_link(row: TableRow) -> str:
    return reverse("targets:row", args=[row.pk])


@transaction.atomic
def row_submit(*, row_id: int, actor, now=None) -> TableRow:
    row = _locked_row(row_id)
    table = row.table
    if table.status != TableStatus.OPEN:
        raise TransitionRefused(f"“{table.title}”{table.get_status_display()}，不能提交")
    if deadline_passed(table, now):
        raise TransitionRefused(
            f"已过截止时间（{timezone.localtime(table.deadline):%Y-%m-%d %H:%M}），不能提交；如需延期请联系省局管理员"
        )
    row = _move(
        row,
        allowed=SUBMITTABLE,
        to=RowStatus.SUBMITTED,
        action=RowEvent.SUBMITTED,
        actor=actor,
        submitted_at=timezone.now(),
        submitted_by=actor,
    )
    from guardian.shortcuts import get_users_with_perms

    reviewers = get_users_with_perms(table.project, only_with_perms_in=["review_project"], with_group_users=False)
    notify(
        recipients=reviewers,
        kind=NotificationKind.ROW_SUBMITTED,
        title=f"{row.unit.name} 已提交《{table.title}》",
        body=f"请审核 {row.unit.name} 提交的填报（版本 {row.version}）。",
        link=_row_link(row),
    )
    return row


@transaction.atomic
def row_return(*, row_id: int, actor, comment: str) -> TableRow:
    comment = (comment or "").strip()
    if not comment:
        raise TransitionRefused("退回时必须填写退回意见")
    # A return reopens the whole row, whatever an earlier partial reopen limited it to.
    row = _move(
        _locked_row(row_id),
        allowed=(RowStatus.SUBMITTED,),
        to=RowStatus.RETURNED,
        action=RowEvent.RETURNED,
        actor=actor,
        comment=comment,
        reviewed_at=timezone.now(),
        reviewed_by=actor,
        review_comment=comment,
        reopened_column_ids=None,
    )
    notify(
        recipients=unit_fillers([row.unit_id]),
        kind=NotificationKind.ROW_RETURNED,
        title=f"《{row.table.title}》的填报被退回",
        body=f"退回意见：{comment}",
        link=_row_link(row),
    )
    return row


def _approve(row: TableRow, actor) -> TableRow:
    row = _move(
        row,
        allowed=(RowStatus.SUBMITTED,),
        to=RowStatus.APPROVED,
        action=RowEvent.APPROVED,
        actor=actor,
        reviewed_at=timezone.now(),
        reviewed_by=actor,
        review_comment="",
        reopened_column_ids=None,
    )
    notify(
        recipients=unit_fillers([row.unit_id]),
        kind=NotificationKind.ROW_APPROVED,
        title=f"《{row.table.title}》的填报已通过",
        body=f"版本 {row.version} 已审核通过。",
        link=_row_link(row),
    )
    return row


@transaction.atomic
def row_approve(*, row_id: int, actor) -> TableRow:
    return _approve(_locked_row(row_id), actor)


@transaction.atomic
def rows_approve(*, row_ids: list[int], actor) -> list[TableRow]:
    """Approve many submitted rows at once: all of them, or none with the reasons."""
    rows = list(
        TableRow.objects.select_for_update()
        .select_related("table__project", "unit")
        .filter(pk__in=row_ids)
        .order_by("pk")
    )
    if len(rows) != len(set(row_ids)):
        raise TransitionRefused("所选的行有的已不存在，请刷新后重试")
    not_ready = [r.unit.name for r in rows if r.status != RowStatus.SUBMITTED]
    if not_ready:
        raise TransitionRefused(f"以下单位的填报不是“已提交”状态，未做任何审核：{'、'.join(not_ready)}")
    return [_approve(row, actor) for row in rows]


@transaction.atomic
def row_reopen(
    *, row_id: int, actor, reason: str, column_ids: list[int] | None = None, narrative: bool = False
) -> TableRow:
    """An admin reopens one approved row, or only some of its cells (and its 文字目标 if
    `narrative`), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionRefused("重新打开时必须填写原因")
    row = _locked_row(row_id)
    if column_ids is not None:
        column_ids = sorted(set(column_ids))
        valid = set(row.table.columns.values_list("pk", flat=True))
        if not column_ids or not set(column_ids) <= valid:
            raise TransitionRefused("请选择该目标表中要重新打开的列")
        if narrative:
            column_ids.append(NARRATIVE)
    row = _move(
        row,
        allowed=(RowStatus.APPROVED,),
        to=RowStatus.RETURNED,
        action=RowEvent.REOPENED,
        actor=actor,
        comment=reason,
        reopened_column_ids=column_ids,
        review_comment=reason,
    )
    notify(
        recipients=unit_fillers([row.unit_id]),
        kind=NotificationKind.ROW_REOPENED,
        title=f"《{row.table.title}》的填报被重新打开",
        body=f"原因：{reason}",
        link=_row_link(row),
    )
    return row


# --- the table's filling window ----------------------------------------------------------


def _locked_table(table_id: int) -> TargetTable:
    return TargetTable.objects.select_for_update().select_related("project").get(pk=table_id)


@transaction.atomic
def table_open(*, table_id: int, actor, deadline) -> TargetTable:
    table = _locked_table(table_id)
    if deadline is not None and deadline <= timezone.now():
        raise TransitionRefused("截止时间必须晚于现在")
    if table.status == TableStatus.OPEN and table.deadline == deadline:
        return table
    before = {"status": table.status, "deadline": table.deadline.isoformat() if table.deadline else None}
    was_open = table.status == TableStatus.OPEN
    TargetTable.objects.filter(pk=table.pk).update(status=TableStatus.OPEN, deadline=deadline)
    table.status, table.deadline = TableStatus.OPEN, deadline
    action = AuditAction.TABLE_DEADLINE_CHANGED if was_open else AuditAction.TABLE_OPENED
    audit_record(
        actor=actor,
        action=action,
        obj=table,
        before=before,
        after={"status": table.status, "deadline": deadline.isoformat() if deadline else None},
    )
    if not was_open:
        unit_ids = TableRow.objects.filter(table=table).values_list("unit_id", flat=True)
        deadline_text = f"，截止时间 {timezone.localtime(deadline):%Y-%m-%d %H:%M}" if deadline else ""
        notify(
            recipients=unit_fillers(unit_ids),
            kind=NotificationKind.TABLE_OPENED,
            title=f"《{table.title}》开始填报",
            body=f"请登录填报本单位的绩效目标{deadline_text}。",
            link=reverse("home"),
        )
    return table


@transaction.atomic
def table_close(*, table_id: int, actor) -> TargetTable:
    table = _locked_table(table_id)
    if table.status != TableStatus.OPEN:
        raise TransitionRefused(f"“{table.title}”当前为“{table.get_status_display()}”，无需截止")
    TargetTable.objects.filter(pk=table.pk).update(status=TableStatus.CLOSED)
    audit_record(
        actor=actor,
        action=AuditAction.TABLE_CLOSED,
        obj=table,
        before={"status": table.status},
        after={"status": TableStatus.CLOSED},
    )
    table.status = TableStatus.CLOSED
    return table


# --- removal that can be undone ---------------------------------------------------------


@transaction.atomic
def row_remove(*, row_id: int, actor, reason: str) -> TableRow:
    row = TableRow.all_objects.select_for_update().select_related("unit").get(pk=row_id)
    if row.removed_at is None:
        row.removed_at = timezone.now()
        TableRow.all_objects.filter(pk=row.pk).update(removed_at=row.removed_at)
        audit_record(actor=actor, action=AuditAction.ROW_REMOVED, obj=row, comment=reason, label=row.unit.name)
    return row


@transaction.atomic
def row_restore(*, row_id: int, actor) -> TableRow:
    row = TableRow.all_objects.select_for_update().select_related("unit").get(pk=row_id)
    if row.removed_at is not None:
        TableRow.all_objects.filter(pk=row.pk).update(removed_at=None)
        row.removed_at = None
        audit_record(actor=actor, action=AuditAction.ROW_RESTORED, obj=row, label=row.unit.name)
    return row


@transaction.atomic
def indicator_remove(*, indicator_id: int, actor, reason: str = "") -> Indicator:
    indicator = Indicator.all_objects.select_for_update().get(pk=indicator_id)
    if indicator.removed_at is None:
        indicator.removed_at = timezone.now()
        Indicator.all_objects.filter(pk=indicator.pk).update(removed_at=indicator.removed_at)
        audit_record(actor=actor, action=AuditAction.INDICATOR_REMOVED, obj=indicator, comment=reason)
    return indicator


@transaction.atomic
def indicator_restore(*, indicator_id: int, actor) -> Indicator:
    indicator = Indicator.all_objects.select_for_update().get(pk=indicator_id)
    if indicator.removed_at is not None:
        Indicator.all_objects.filter(pk=indicator.pk).update(removed_at=None)
        indicator.removed_at = None
        audit_record(actor=actor, action=AuditAction.INDICATOR_RESTORED, obj=indicator)
    return indicator

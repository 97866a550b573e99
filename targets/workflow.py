"""The row workflow and the table's filling window, as service functions.

未填报 → 填报中 → 已提交 → (已退回 → 填报中 …) → 已通过 (locked; an admin may reopen).

Each step is one `review.engine.transition()` (lock, policy, audit, snapshot, notice);
this module adds what only rows have: the table's window and deadline, bulk approval,
the partial reopen.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from review.engine import Notice, ReviewEvent, ReviewStatus, TransitionRefused, lock, transition
from units import policy
from units.audit import audit_record
from units.inputs import check_text
from units.models import NotificationKind
from units.notifications import notify, unit_fillers

from .audit_actions import TargetAction
from .handdown import row_unanswered
from .models import NARRATIVE, Indicator, TableRow, TableStatus, TargetTable
from .permissions import deadline_passed
from .plausibility_services import row_check_confirmed, row_values_confirm
from .review_aids import row_aids


def _locked_row(row_id: int) -> TableRow:
    return lock(TableRow, row_id, related=("table__project", "unit"))


def _row_notice(row: TableRow, event: str, comment: str) -> Notice | None:
    """Who hears of a step of a target row and what they read (`review.engine.transition` sends it)."""
    link = reverse("targets:row", args=[row.pk])
    title = row.table.title
    if event == ReviewEvent.SUBMITTED:
        body = f"请审核 {row.unit.name} 提交的填报（版本 {row.version}）。"
        reviewers = policy.project_reviewers(row.table.project)
        return Notice(reviewers, NotificationKind.ROW_SUBMITTED, f"{row.unit.name} 已提交《{title}》", body, link)
    fillers = unit_fillers([row.unit_id])
    if event == ReviewEvent.RETURNED:
        return Notice(fillers, NotificationKind.ROW_RETURNED, f"《{title}》的填报被退回", f"退回意见：{comment}", link)
    if event == ReviewEvent.APPROVED:
        body = f"版本 {row.version} 已审核通过。"
        return Notice(fillers, NotificationKind.ROW_APPROVED, f"《{title}》的填报已通过", body, link)
    return Notice(fillers, NotificationKind.ROW_REOPENED, f"《{title}》的填报被重新打开", f"原因：{comment}", link)


@transaction.atomic
def row_submit(*, row_id: int, actor, now=None, reasons: dict[int, str] | None = None) -> TableRow:
    """Submit a row for review. A flagged value (targets.plausibility) needs the unit's reason:
    `reasons` (column id → text) are stored first; a flagged value left without one refuses the
    submission (UnconfirmedWarnings, naming each) and nothing is kept."""
    row = _locked_row(row_id)
    table = row.table
    if table.status != TableStatus.OPEN:
        raise TransitionRefused(f"“{table.title}”{table.get_status_display()}，不能提交")
    if deadline_passed(table, now):
        raise TransitionRefused(
            f"已过截止时间（{timezone.localtime(table.deadline):%Y-%m-%d %H:%M}），不能提交；如需延期请联系省局管理员"
        )
    unanswered = row_unanswered(row)
    if unanswered:
        raise TransitionRefused(f"还有 {len(unanswered)} 项下达值未确认或提出调整：{'、'.join(unanswered)}")
    aids = row_aids(row)
    if reasons:
        row_values_confirm(row=row, aids=aids, reasons=reasons, actor=actor)
    row_check_confirmed(row=row, aids=aids)
    return transition(row, event=ReviewEvent.SUBMITTED, actor=actor, notice=_row_notice)


@transaction.atomic
def row_return(*, row_id: int, actor, comment: str) -> TableRow:
    # A return reopens the whole row, whatever an earlier partial reopen limited it to.
    return transition(
        _locked_row(row_id),
        event=ReviewEvent.RETURNED,
        actor=actor,
        comment=comment,
        reopened_column_ids=None,
        notice=_row_notice,
    )


def _approve(row: TableRow, actor) -> TableRow:
    return transition(row, event=ReviewEvent.APPROVED, actor=actor, reopened_column_ids=None, notice=_row_notice)


@transaction.atomic
def row_approve(*, row_id: int, actor) -> TableRow:
    return _approve(_locked_row(row_id), actor)


@transaction.atomic
def rows_approve(*, row_ids: list[int], actor) -> list[TableRow]:
    """Approve many submitted rows at once: all of them, or none with the reasons."""
    rows = list(
        TableRow.objects.select_for_update(of=("self",))
        .select_related("table__project", "unit")
        .filter(pk__in=row_ids)
        .order_by("pk")
    )
    if len(rows) != len(set(row_ids)):
        raise TransitionRefused("所选的行有的已不存在，请刷新后重试")
    not_ready = [r.unit.name for r in rows if r.status != ReviewStatus.SUBMITTED]
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
    return transition(
        row,
        event=ReviewEvent.REOPENED,
        actor=actor,
        comment=reason,
        reopened_column_ids=column_ids,
        notice=_row_notice,
    )


# --- the table's filling window ----------------------------------------------------------


def table_manager_required(actor, table) -> None:
    """Opening, closing and removing rows are the table's managers' (`policy.can_manage_table`);
    `actor=None` is the system, which no rule is about."""
    if actor is not None and not policy.can_manage_table(actor, table):
        raise PermissionDenied("只有省局管理员可以管理该目标表")


def _locked_table(table_id: int, actor) -> TargetTable:
    table = TargetTable.objects.select_for_update().select_related("project").get(pk=table_id)
    table_manager_required(actor, table)
    return table


@transaction.atomic
def table_open(*, table_id: int, actor, deadline) -> TargetTable:
    table = _locked_table(table_id, actor)
    if deadline is not None and deadline <= timezone.now():
        raise TransitionRefused("截止时间必须晚于现在")
    if table.status == TableStatus.OPEN and table.deadline == deadline:
        return table
    before = {"status": table.status, "deadline": table.deadline.isoformat() if table.deadline else None}
    was_open = table.status == TableStatus.OPEN
    TargetTable.objects.filter(pk=table.pk).update(status=TableStatus.OPEN, deadline=deadline)
    table.status, table.deadline = TableStatus.OPEN, deadline
    action = TargetAction.TABLE_DEADLINE_CHANGED if was_open else TargetAction.TABLE_OPENED
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
    table = _locked_table(table_id, actor)
    if table.status != TableStatus.OPEN:
        raise TransitionRefused(f"“{table.title}”当前为“{table.get_status_display()}”，无需截止")
    TargetTable.objects.filter(pk=table.pk).update(status=TableStatus.CLOSED)
    audit_record(
        actor=actor,
        action=TargetAction.TABLE_CLOSED,
        obj=table,
        before={"status": table.status},
        after={"status": TableStatus.CLOSED},
    )
    table.status = TableStatus.CLOSED
    return table


# --- removal that can be undone ---------------------------------------------------------


def _locked_row_of_any_state(row_id: int, actor) -> TableRow:
    row = TableRow.all_objects.select_for_update(of=("self",)).select_related("unit", "table__project").get(pk=row_id)
    table_manager_required(actor, row.table)
    return row


@transaction.atomic
def row_remove(*, row_id: int, actor, reason: str) -> TableRow:
    row = _locked_row_of_any_state(row_id, actor)
    if row.removed_at is None:
        row.removed_at = timezone.now()
        TableRow.all_objects.filter(pk=row.pk).update(removed_at=row.removed_at)
        audit_record(actor=actor, action=TargetAction.ROW_REMOVED, obj=row, comment=reason, label=row.unit.name)
    return row


@transaction.atomic
def row_restore(*, row_id: int, actor) -> TableRow:
    row = _locked_row_of_any_state(row_id, actor)
    if row.removed_at is not None:
        TableRow.all_objects.filter(pk=row.pk).update(removed_at=None)
        row.removed_at = None
        audit_record(actor=actor, action=TargetAction.ROW_RESTORED, obj=row, label=row.unit.name)
    return row


@transaction.atomic
def indicator_remove(*, indicator_id: int, actor, reason: str = "") -> Indicator:
    check_text(reason, "“删除原因”")
    indicator = Indicator.all_objects.select_for_update().get(pk=indicator_id)
    if indicator.removed_at is None:
        indicator.removed_at = timezone.now()
        Indicator.all_objects.filter(pk=indicator.pk).update(removed_at=indicator.removed_at)
        audit_record(actor=actor, action=TargetAction.INDICATOR_REMOVED, obj=indicator, comment=reason)
    return indicator


@transaction.atomic
def indicator_restore(*, indicator_id: int, actor) -> Indicator:
    indicator = Indicator.all_objects.select_for_update().get(pk=indicator_id)
    if indicator.removed_at is not None:
        Indicator.all_objects.filter(pk=indicator.pk).update(removed_at=None)
        indicator.removed_at = None
        audit_record(actor=actor, action=TargetAction.INDICATOR_RESTORED, obj=indicator)
    return indicator

"""调整 (adjustment by request) of an approved row: ask, approve, refuse. Each is one transaction.

The row's cells are not touched until a request is approved: while it is pending, the approved
values are what every page and export prints. Approval locks the row, checks it is still the
version the request was made on, applies the requested values, moves the row's version on and
keeps the new 批复 version.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from review.engine import Notice, ReviewEvent, ReviewStatus, StaleVersion, TransitionRefused, lock, transition
from units import policy
from units.audit import audit_record
from units.inputs import check_text
from units.models import NotificationKind
from units.notifications import unit_fillers

from .audit_actions import TargetAction
from .models import (
    PENDING,
    AdjustmentRequest,
    Cell,
    RowSnapshot,
    TableColumn,
    TableRow,
    VersionSource,
    approved_version_record,
)


def _locked_row(row_id: int) -> TableRow:
    return lock(TableRow, row_id, related=("table__project", "unit"))


def _requested_values(row: TableRow, values: dict[int, str], current: dict[int, str]) -> dict[str, str]:
    """The typed values that differ from the approved ones, each read by its column; errors name the cell."""
    columns = {c.pk: c for c in TableColumn.objects.filter(table_id=row.table_id).select_related("category")}
    changes, errors = {}, []
    for column_id, raw in values.items():
        column = columns.get(column_id)
        if column is None:
            raise ValidationError("提交的列不属于该目标表")
        try:
            value = column.parse(raw)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if value.raw != current.get(column_id, ""):
            changes[str(column_id)] = value.raw
    if errors:
        raise ValidationError(errors)
    return changes


def _check_reason(reason: str, where: str, missing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise TransitionRefused(missing)
    check_text(reason, where)
    return reason


def _adjustment_notice(adjustment: AdjustmentRequest, event: str, comment: str) -> Notice | None:
    """Who hears of a step of a 调整申请 and what they read (`review.engine.transition` sends it)."""
    row = adjustment.row
    link = adjustment.get_absolute_url()
    title = row.table.title
    if event == ReviewEvent.SUBMITTED:
        reviewers = policy.project_reviewers(row.table.project)
        body = f"{row.unit.name} 申请调整已批复的目标，理由：{adjustment.reason}"
        return Notice(reviewers, NotificationKind.ROW_SUBMITTED, f"{row.unit.name} 申请调整《{title}》", body, link)
    fillers = unit_fillers([row.unit_id])
    if event == ReviewEvent.APPROVED:
        body = "调整已批准，新的批复值已生效。" + (f"意见：{comment}" if comment else "")
        return Notice(fillers, NotificationKind.ROW_APPROVED, f"《{title}》的调整申请已批准", body, link)
    return Notice(fillers, NotificationKind.ROW_RETURNED, f"《{title}》的调整申请未获批准", f"意见：{comment}", link)


@transaction.atomic
def adjustment_request(
    *, row_id: int, actor, values: dict[int, str], reason: str, expected_version: int, narrative: str | None = None
) -> AdjustmentRequest:
    """A unit asks to change some cells (and the 文字目标) of its approved row, with a reason.
    Only the values that differ from the approved ones are kept; nothing is saved on an error."""
    reason = _check_reason(reason, "“调整理由”", "申请调整时必须填写理由")
    row = _locked_row(row_id)
    if actor is not None and not policy.can_request_adjustment(actor, row):
        raise PermissionDenied("您没有执行此操作的权限")
    if row.status != ReviewStatus.APPROVED:
        raise TransitionRefused(f"“{row.unit.name}”当前为“{row.get_status_display()}”，只有已通过的行才能申请调整")
    if row.version != expected_version:
        raise StaleVersion(
            f"“{row.unit.name}”已被修改（当前版本 {row.version}，您申请时看到的是版本 {expected_version}），请刷新后再申请"
        )
    if AdjustmentRequest.objects.filter(row=row, status__in=PENDING).exists():
        raise TransitionRefused(f"“{row.unit.name}”已有一份待审核的调整申请，请等审核后再申请")
    current = dict(Cell.objects.filter(row=row).values_list("column_id", "raw"))
    changes = _requested_values(row, values, current)
    if narrative is not None and narrative == row.narrative:
        narrative = None
    if narrative is not None:
        check_text(narrative, f"“{row.unit.name}”的文字目标")
    if not changes and narrative is None:
        raise ValidationError("没有要调整的值：请至少修改一项")
    adjustment = AdjustmentRequest.objects.create(
        row=row,
        values=changes,
        narrative=narrative,
        reason=reason,
        base_version=row.version,
        before={key: current.get(int(key), "") for key in changes},
        before_narrative=row.narrative,
    )
    return transition(adjustment, event=ReviewEvent.SUBMITTED, actor=actor, comment=reason, notice=_adjustment_notice)


def _locked_adjustment(adjustment_id: int) -> tuple[AdjustmentRequest, TableRow]:
    """The request and its row, the row locked first (as a new request locks it)."""
    row_id = AdjustmentRequest.objects.values_list("row_id", flat=True).get(pk=adjustment_id)
    row = _locked_row(row_id)
    adjustment = lock(AdjustmentRequest, adjustment_id)
    adjustment.row = row
    return adjustment, row


def _check_decidable(adjustment: AdjustmentRequest, actor) -> None:
    if actor is not None and not policy.can_review_adjustment(actor, adjustment.row):
        raise PermissionDenied("您没有执行此操作的权限")
    if not adjustment.is_pending:
        raise TransitionRefused(f"该调整申请已{adjustment.decision_label}，不能再次审核")


@transaction.atomic
def adjustment_approve(*, adjustment_id: int, actor, comment: str = "") -> AdjustmentRequest:
    """Apply a pending request to its row and keep the new approved version."""
    adjustment, row = _locked_adjustment(adjustment_id)
    _check_decidable(adjustment, actor)
    if row.status != ReviewStatus.APPROVED:
        raise TransitionRefused(
            f"“{row.unit.name}”当前为“{row.get_status_display()}”（已不是已通过），不能按调整申请修改；请不予批准"
        )
    if row.version != adjustment.base_version:
        raise StaleVersion(
            f"申请之后“{row.unit.name}”已被修改（申请时版本 {adjustment.base_version}，现在版本 {row.version}），"
            "不能直接批准；请不予批准，由单位重新申请"
        )
    values = _apply_cells(row, adjustment, actor)
    now = timezone.now()
    row.version += 1
    row.reviewed_at, row.reviewed_by = now, actor
    TableRow.objects.filter(pk=row.pk).update(
        version=row.version, narrative=row.narrative, reviewed_at=now, reviewed_by=actor
    )
    transition(adjustment, event=ReviewEvent.APPROVED, actor=actor, comment=comment, notice=_adjustment_notice)
    snapshot = RowSnapshot.objects.create(
        row=row, event=ReviewEvent.APPROVED, version=row.version, values=values, narrative=row.narrative, actor=actor
    )
    approved_version_record(
        row=row,
        values=values,
        actor=actor,
        at=snapshot.at,
        source=VersionSource.ADJUSTMENT,
        reason=adjustment.reason,
        comment=adjustment.review_comment,
        adjustment=adjustment,
    )
    return adjustment


def _apply_cells(row: TableRow, adjustment: AdjustmentRequest, actor) -> dict[str, str]:
    """Write the requested values into the row's cells (read again by their columns, which may
    have changed since); the row's audit entry lists them. Returns every cell's value after."""
    cells = {c.column_id: c for c in Cell.objects.filter(row=row).select_related("column__category")}
    columns = {c.pk: c for c in TableColumn.objects.filter(table_id=row.table_id).select_related("category")}
    before, after = {}, {}
    for key, raw in adjustment.values.items():
        column = columns.get(int(key))
        if column is None:
            raise TransitionRefused("申请调整的列已从目标表中删除，不能批准；请不予批准，由单位重新申请")
        cell = cells.get(column.pk) or Cell(row=row, column=column)
        before[column.label], after[column.label] = cell.raw, raw
        cell.set_value(column.parse(raw))
        cell.save()
        cells[column.pk] = cell
    if adjustment.narrative is not None:
        before["文字目标"], after["文字目标"] = row.narrative, adjustment.narrative
        row.narrative = adjustment.narrative
    audit_record(
        actor=actor,
        action=TargetAction.ROW_ADJUSTED,
        obj=row,
        before=before,
        after=after,
        comment=adjustment.reason,
        label=row.unit.name,
    )
    return {str(column_id): cell.raw for column_id, cell in cells.items()}


@transaction.atomic
def adjustment_refuse(*, adjustment_id: int, actor, comment: str) -> AdjustmentRequest:
    """Refuse a pending request with a comment: the row keeps its approved values."""
    comment = _check_reason(comment, "“意见”", "不予批准时必须填写意见")
    adjustment, _row = _locked_adjustment(adjustment_id)
    _check_decidable(adjustment, actor)
    return transition(adjustment, event=ReviewEvent.RETURNED, actor=actor, comment=comment, notice=_adjustment_notice)

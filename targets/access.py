"""Fetch and authorise: the target tables and rows a view may touch, or a 404 (or a 403).

Every view of targets (and of the apps above) fetches rows and tables here; the rule
itself is the policy's (units.policy)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from units import policy
from units.access import visible_or_404

from .models import AdjustmentRequest, TableRow, TargetTable


def row_for_user(user, pk: int) -> TableRow:
    """The row, if this user may see it; another unit's row is a 404, not a 403."""
    rows = TableRow.objects.select_related("table__project", "unit", "submitted_by", "reviewed_by")
    return visible_or_404(rows, pk, user, policy.can_view_row, "没有找到该填报")


def table_for_user(user, pk: int) -> TargetTable:
    tables = TargetTable.objects.select_related("project")
    return visible_or_404(tables, pk, user, policy.can_view_table, "没有找到该目标表")


def table_for_manager(user, pk: int) -> TargetTable:
    table = table_for_user(user, pk)
    if not policy.can_manage_table(user, table):
        raise PermissionDenied("只有省局管理员可以编辑目标表")
    return table


def adjustment_for_user(user, pk: int):
    """An adjustment request, if this user may see its row; else a 404."""
    adjustments = AdjustmentRequest.objects.filter(row__removed_at__isnull=True).select_related(
        "row__table__project", "row__unit"
    )
    return visible_or_404(adjustments, pk, user, lambda u, a: policy.can_view_row(u, a.row), "没有找到该调整申请")

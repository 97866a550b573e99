"""Fetch and authorise: the target tables and rows a view may touch, or a 404 (or a 403).

Every view of targets (and of the apps above) fetches rows and tables here; the rule
itself is the policy's (units.policy)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from units import policy

from .models import TableRow, TargetTable


def row_for_user(user, pk: int) -> TableRow:
    """The row, if this user may see it; another unit's row is a 404, not a 403."""
    row = get_object_or_404(
        TableRow.objects.select_related("table__project", "unit", "submitted_by", "reviewed_by"), pk=pk
    )
    if not policy.can_view_row(user, row):
        raise Http404("没有找到该填报")
    return row


def table_for_user(user, pk: int) -> TargetTable:
    table = get_object_or_404(TargetTable.objects.select_related("project"), pk=pk)
    if not policy.can_view_table(user, table):
        raise Http404("没有找到该目标表")
    return table


def table_for_manager(user, pk: int) -> TargetTable:
    table = table_for_user(user, pk)
    if not policy.can_manage_table(user, table):
        raise PermissionDenied("只有省局管理员可以编辑目标表")
    return table

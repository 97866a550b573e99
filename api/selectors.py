"""Reads of the API's list and detail endpoints. Each says its query count; none grows with rows.

What a caller may see is the policy's answer (units.policy); filters narrow it further."""

from __future__ import annotations

from django.db.models import QuerySet

from projects.models import Project
from targets import review_aids
from targets.models import Cell, TableRow, TargetTable
from targets.selectors import project_indicator_tree, table_columns
from units import policy


def projects_for(user) -> QuerySet:
    """Visible projects (one query after the policy's); api.filters.ProjectFilter narrows them."""
    return policy.visible_projects(user, Project.objects.all()).order_by("order", "code")


def project_detail(project: Project) -> dict:
    """The indicator tree with its targets (two queries) and the funding (one, prefetched)."""
    return {"indicators": project_indicator_tree(project)}


def tables_for(user) -> QuerySet:
    """Visible tables (one query after the policy's); api.filters.TableFilter narrows them."""
    return policy.visible_tables(user, TargetTable.objects.all()).order_by("project__order", "order", "pk")


def table_with_columns(table: TargetTable) -> TargetTable:
    table.api_columns = table_columns(table)  # one query
    return table


def rows_for(user) -> QuerySet:
    """Visible rows with their units (one query a page after the policy's); api.filters.RowFilter
    narrows them."""
    return (
        TableRow.objects.filter(policy.visible_rows_filter(user))
        .select_related("unit")
        .order_by("table_id", "seq", "pk")
    )


def cells_for(user) -> QuerySet:
    """Cells of the visible rows (one query a page); api.filters.CellFilter narrows them."""
    return Cell.objects.filter(policy.visible_rows_filter(user, prefix="row__"), row__removed_at__isnull=True)


def row_detail(row: TableRow) -> dict:
    """The row's table columns (with their project targets) and its cells (two queries), and
    beside each value what a reviewer compares it with and its plausibility flags
    (targets.review_aids: last year's values of a copied table, the 下达值 of a handed-down one,
    the unit's reasons for flagged values: one query each, when there are any)."""
    columns = review_aids.table_columns(row.table)
    cells = list(Cell.objects.filter(row=row))
    aids = review_aids.row_aids(row, columns, cells={row.pk: {c.column_id: c for c in cells}})
    return {"columns": columns, "cells": cells, "aids": {aid.column.pk: aid for aid in aids}}

"""Reads of the API's list and detail endpoints. Each says its query count; none grows with rows.

What a caller may see is the policy's answer (units.policy); filters narrow it further."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from projects.models import Project
from targets import review_aids
from targets.models import Cell, TableRow, TargetTable
from targets.selectors import project_indicator_tree, table_columns
from units import policy
from units.inputs import parse_id


def _year_filter(year, prefix: str = "") -> Q:
    """Objects whose years include `year` (tables and projects both have start and end years)."""
    return Q(**{f"{prefix}start_year__lte": year, f"{prefix}end_year__gte": year})


def _int(value) -> int | None:
    return parse_id(value)


def projects_for(user, params) -> QuerySet:
    """Visible projects (one query after the policy's), filtered by `year`."""
    projects = policy.visible_projects(user, Project.objects.all())
    year = _int(params.get("year"))
    if year is not None:
        projects = projects.filter(Q(budget_year=year) | _year_filter(year))
    return projects.order_by("order", "code")


def project_detail(project: Project) -> dict:
    """The indicator tree with its targets (two queries) and the funding (one, prefetched)."""
    return {"indicators": project_indicator_tree(project)}


def tables_for(user, params) -> QuerySet:
    """Visible tables (one query after the policy's), filtered by `year`, `project`, `status`."""
    tables = policy.visible_tables(user, TargetTable.objects.all())
    year, project = _int(params.get("year")), _int(params.get("project"))
    if year is not None:
        tables = tables.filter(_year_filter(year))
    if project is not None:
        tables = tables.filter(project_id=project)
    if params.get("status"):
        tables = tables.filter(status=params["status"])
    return tables.order_by("project__order", "order", "pk")


def table_with_columns(table: TargetTable) -> TargetTable:
    table.api_columns = table_columns(table)  # one query
    return table


def _row_filters(params, prefix: str = "") -> Q:
    """`table`, `unit`, `status`, `year` on rows (or on a relation to them, via `prefix`)."""
    q = Q()
    for name in ("table", "unit"):
        value = _int(params.get(name))
        if value is not None:
            q &= Q(**{f"{prefix}{name}_id": value})
    if params.get("status"):
        q &= Q(**{f"{prefix}status": params["status"]})
    year = _int(params.get("year"))
    if year is not None:
        q &= _year_filter(year, f"{prefix}table__")
    return q


def rows_for(user, params) -> QuerySet:
    """Visible rows with their units (one query a page after the policy's)."""
    return (
        TableRow.objects.filter(policy.visible_rows_filter(user))
        .filter(_row_filters(params))
        .select_related("unit")
        .order_by("table_id", "seq", "pk")
    )


def cells_for(user, params) -> QuerySet:
    """Cells of the visible rows (one query a page), filtered like rows and by `row`, `column`."""
    cells = Cell.objects.filter(policy.visible_rows_filter(user, prefix="row__"), row__removed_at__isnull=True).filter(
        _row_filters(params, prefix="row__")
    )
    for name in ("row", "column"):
        value = _int(params.get(name))
        if value is not None:
            cells = cells.filter(**{f"{name}_id": value})
    return cells


def row_detail(row: TableRow) -> dict:
    """The row's table columns (with their project targets) and its cells (two queries), and
    beside each value what a reviewer compares it with and its plausibility flags
    (targets.review_aids: last year's values of a copied table, the 下达值 of a handed-down one,
    the unit's reasons for flagged values: one query each, when there are any)."""
    columns = review_aids.table_columns(row.table)
    cells = list(Cell.objects.filter(row=row))
    aids = review_aids.row_aids(row, columns, cells={row.pk: {c.column_id: c for c in cells}})
    return {"columns": columns, "cells": cells, "aids": {aid.column.pk: aid for aid in aids}}

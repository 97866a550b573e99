"""Who may do what to the objects of targets: tables, rows, their cells, hand-down and 调整.

The rules read the governance predicates of `units.policy` (who fills which unit, who reviews or
administers which project) and this app's models; `targets.apps` registers them with the policy,
so views ask `policy.can_edit_row(user, row)` as before. Whether a row's state allows a step is
the workflow's question (`review.engine`), not a rule's."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from units.policy import (
    filler_unit_ids,
    governed_filter,
    is_admin_of,
    overseen_bureau_ids,
    oversees,
    reviewed_project_ids,
    reviews_project,
    sees_everything,
)

from .models import TableStatus

# --- published tables ------------------------------------------------------------------
# A filler sees a table, and their row of it, only once it is published (opened for filling: 填报中
# or 已截止). A 未发布 table is the bureau's draft: a copied year's holds last year's values until
# the bureau has checked them (docs/year.md).


def published_filter(prefix: str = "") -> Q:
    """A filter on TargetTable (or on a relation to it, via `prefix`) for published tables."""
    return ~Q(**{f"{prefix}status": TableStatus.DRAFT})


def is_published(table) -> bool:
    return table.status != TableStatus.DRAFT


def filler_rows_filter(user, prefix: str = "") -> Q:
    """A filter on TableRow (or via `prefix`) for the user's own units' rows of published tables."""
    return Q(**{f"{prefix}unit_id__in": filler_unit_ids(user)}) & published_filter(f"{prefix}table__")


# --- what a user may see ---------------------------------------------------------


def visible_tables(user, tables: QuerySet) -> QuerySet:
    """The tables whose grid the user may open (can_open_grid, as a filter): bureau staff of the
    project, and a filler the published tables holding one of their rows."""
    if not user.is_authenticated:
        return tables.none()
    if sees_everything(user):
        return tables
    return tables.filter(
        Q(project_id__in=reviewed_project_ids(user))
        | (Q(rows__unit_id__in=filler_unit_ids(user)) & published_filter())
        | governed_filter(overseen_bureau_ids(user), "project__")
    ).distinct()


def visible_rows_filter(user, prefix: str = "") -> Q:
    """A filter on TableRow (or on a relation to it, via `prefix`) for the rows this user may see."""
    if sees_everything(user):
        return Q()
    return (
        filler_rows_filter(user, prefix)
        | Q(**{f"{prefix}table__project_id__in": reviewed_project_ids(user)})
        | governed_filter(overseen_bureau_ids(user), f"{prefix}table__project__")
    )


def can_view_row(user, row) -> bool:
    return (
        (row.unit_id in filler_unit_ids(user) and is_published(row.table))
        or oversees(user, row.table.project)
        or reviews_project(user, row.table.project)
    )


def can_view_table(user, table) -> bool:
    """The whole table (all units' rows): bureau staff of the project only."""
    return oversees(user, table.project) or reviews_project(user, table.project)


def can_open_grid(user, table) -> bool:
    """The grid shows a table to bureau staff of its project, and to a filler their own rows once
    the table is published."""
    return can_view_table(user, table) or table.rows.filter(filler_rows_filter(user)).exists()


# --- what a user may do ------------------------------------------------------------


def can_edit_row(user, row) -> bool:
    if reviews_project(user, row.table.project):
        return True  # the bureau (its admin, the project's reviewer) may edit on a unit's behalf
    return row.unit_id in filler_unit_ids(user) and row.table.status == TableStatus.OPEN


def can_submit_row(user, row) -> bool:
    if is_admin_of(user, row.table.project):
        return True
    return row.unit_id in filler_unit_ids(user)


def deadline_passed(table, now=None) -> bool:
    return table.deadline is not None and (now or timezone.now()) > table.deadline


def can_review_row(user, row) -> bool:
    return reviews_project(user, row.table.project)


def can_reopen_row(user, row) -> bool:
    return is_admin_of(user, row.table.project)


def can_manage_table(user, table) -> bool:
    """Open, close, extend the deadline; remove and restore rows."""
    return is_admin_of(user, table.project)


def can_remind_table(user, table) -> bool:
    """催报: the bureau reminds the units that have not submitted (its admin, the project's reviewer)."""
    return reviews_project(user, table.project)


def can_edit_row_funding(user, table) -> bool:
    """A row's funding (资金（万元）) is the bureau's: the project's admin or reviewer, never the unit."""
    return reviews_project(user, table.project)


def can_import_into(user, table) -> bool:
    """The table's fill-in template and its import: users who may edit a row of it."""
    return reviews_project(user, table.project) or table.rows.filter(filler_rows_filter(user)).exists()


# --- handed-down tables (下达) ------------------------------------------------------------


def can_hand_down(user, table) -> bool:
    """Write a handed-down table's 下达值: the bureau's admin, or a reviewer of its project."""
    return is_admin_of(user, table.project) or reviews_project(user, table.project)


def can_answer_hand_down(user, row) -> bool:
    """Confirm a 下达值 or propose another: whoever may edit the row (its unit, or the bureau for it)."""
    return can_edit_row(user, row)


def can_change_table_mode(user, table) -> bool:
    """Turn a unit-filled table into a handed-down one: the bureau's admin."""
    return can_manage_table(user, table)


# --- 调整 (adjustment by request) of an approved row ------------------------------------------


def can_request_adjustment(user, row) -> bool:
    """Ask to change an approved row's values: the row's own unit's filler, or the bureau's admin."""
    return (row.unit_id in filler_unit_ids(user) and is_published(row.table)) or is_admin_of(user, row.table.project)


def can_review_adjustment(user, row) -> bool:
    """Approve or refuse an adjustment request: the reviewers of the row's project (and the admin)."""
    return reviews_project(user, row.table.project)


def can_submit_adjustment(user, adjustment) -> bool:
    """An AdjustmentRequest's submit step: who may request one for its row."""
    return can_request_adjustment(user, adjustment.row)


def can_decide_adjustment(user, adjustment) -> bool:
    """An AdjustmentRequest's return and approve steps: who may review one for its row."""
    return can_review_adjustment(user, adjustment.row)


RULES = (
    published_filter,
    is_published,
    filler_rows_filter,
    visible_tables,
    visible_rows_filter,
    can_view_row,
    can_view_table,
    can_open_grid,
    can_edit_row,
    can_submit_row,
    deadline_passed,
    can_review_row,
    can_reopen_row,
    can_manage_table,
    can_remind_table,
    can_edit_row_funding,
    can_import_into,
    can_hand_down,
    can_answer_hand_down,
    can_change_table_mode,
    can_request_adjustment,
    can_review_adjustment,
    can_submit_adjustment,
    can_decide_adjustment,
)
EXPORTS = {
    "view_table": can_view_table,  # the whole table's units: the project's bureau staff
    "open_grid": can_open_grid,
}

"""Reads for the target pages. Each states its query count; none grows with rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from units import policy
from units.audit import audit_entries_for

from .models import (
    Cell,
    Indicator,
    ReviewEvent,
    ReviewStatus,
    RowSnapshot,
    TableColumn,
    TableReminder,
    TableRow,
    Target,
    TargetPeriod,
    TargetPeriods,
    TargetTable,
)
from .rollup import CellFigure, RollupLine, cell_number, rollup_lines

# The 注's one-to-one rule: every annual target has its long-term one and vice versa. The
# project editor also flags a break as it is typed: it asks the server (pairing_problem).
PAIRING_PROBLEMS = {
    "no_annual": "有长期目标，缺少对应的年度目标",
    "no_long_term": "有年度目标，缺少对应的长期目标",
}


def pairing_problem(project, *, long_term: bool, annual: bool) -> str:
    """What the one-to-one rule says of an indicator of `project` with (or without) each target."""
    if project.target_periods != TargetPeriods.LONG_TERM_AND_ANNUAL or long_term == annual:
        return ""
    return PAIRING_PROBLEMS["no_annual"] if long_term else PAIRING_PROBLEMS["no_long_term"]


def project_indicator_tree(project) -> list[Indicator]:
    """The project's indicators in order, each with its targets side by side and what the
    one-to-one rule says about it (two queries)."""
    indicators = list(
        Indicator.objects.filter(project=project)
        .select_related("category__parent")
        .prefetch_related("targets")
        .order_by("order")
    )
    for indicator in indicators:
        targets = {t.period: t for t in indicator.targets.all()}
        indicator.long_term = targets.get(TargetPeriod.LONG_TERM)
        indicator.annual = targets.get(TargetPeriod.ANNUAL)
        indicator.pairing_problem = pairing_problem(
            project, long_term=indicator.long_term is not None, annual=indicator.annual is not None
        )
    return indicators


def table_columns(table: TargetTable) -> list[TableColumn]:
    """The table's columns with their 一级/二级 categories (one query)."""
    return list(TableColumn.objects.filter(table=table).select_related("category__parent").order_by("order"))


@dataclass
class CellView:
    column: TableColumn
    cell: Cell | None

    @property
    def raw(self) -> str:
        return self.cell.raw if self.cell else ""


@dataclass
class Change:
    column: TableColumn | None
    label: str
    before: str
    after: str


def row_cells(row: TableRow, columns: list[TableColumn]) -> list[CellView]:
    """One entry per column, the cell where there is one (one query)."""
    cells = {c.column_id: c for c in Cell.objects.filter(row=row)}
    return [CellView(column=c, cell=cells.get(c.pk)) for c in columns]


def row_last_review(row: TableRow) -> RowSnapshot | None:
    return (
        RowSnapshot.objects.filter(
            row=row, event__in=[ReviewEvent.APPROVED, ReviewEvent.RETURNED, ReviewEvent.REOPENED]
        )
        .select_related("actor")
        .first()
    )


def row_changes_since(snapshot: RowSnapshot | None, row: TableRow, cells: list[CellView]) -> list[Change]:
    """Cell by cell, what differs from the snapshot (no query)."""
    if snapshot is None:
        return []
    changes = []
    for view in cells:
        before = snapshot.values.get(str(view.column.pk), "")
        if before != view.raw:
            changes.append(Change(column=view.column, label=view.column.label, before=before, after=view.raw))
    if snapshot.narrative != row.narrative:
        changes.append(Change(column=None, label="文字目标", before=snapshot.narrative, after=row.narrative))
    return changes


def row_history(row: TableRow):
    return list(audit_entries_for(row).order_by("-at", "-id")[:200])


def rows_for_filler(user) -> list[TableRow]:
    """The filler's own rows of published tables, with table and project (one query)."""
    return list(
        TableRow.objects.filter(policy.filler_rows_filter(user))
        .select_related("table__project", "unit")
        .order_by("table__deadline", "table__project__order", "table__order")
    )


def review_queue(user) -> list[TableRow]:
    """Submitted rows of the projects this user reviews (one query after the policy's)."""
    rows = TableRow.objects.filter(status=ReviewStatus.SUBMITTED).select_related(
        "table__project", "unit", "submitted_by"
    )
    rows = rows.filter(policy.review_scope(user, prefix="table__project__"))
    return list(rows.order_by("submitted_at", "pk"))


PAGE_SIZE = 200


@dataclass
class Page:
    number: int
    size: int
    total: int

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def _grid_queryset(table: TargetTable, user, status: str | None = None, query: str = ""):
    rows = (
        TableRow.objects.filter(table=table)
        .filter(policy.visible_rows_filter(user))
        .select_related("unit", "reviewed_by")
        .prefetch_related("cells")
        .order_by("seq")
    )
    if status in ReviewStatus.values:
        rows = rows.filter(status=status)
    if query:
        rows = rows.filter(unit__name__contains=query)
    return rows


def _with_table(rows: list[TableRow], table: TargetTable) -> list[TableRow]:
    for row in rows:
        row.table = table  # the policy asks each row for its table and project: no query per row
    return rows


def grid_rows(table: TargetTable, user) -> list[TableRow]:
    """Every row of the table this user may see, with their cells (two queries)."""
    return _with_table(list(_grid_queryset(table, user)), table)


def grid_page(table: TargetTable, user, *, status: str | None = None, query: str = "", page=None) -> tuple[list, Page]:
    """One page of the rows this user may see, filtered (three queries: count, rows, cells)."""
    rows = _grid_queryset(table, user, status, query)
    current = Page(number=_page_number(page), size=PAGE_SIZE, total=rows.count())
    current.number = min(current.number, current.count)
    return _with_table(list(rows[current.offset : current.offset + PAGE_SIZE]), table), current


def table_progress(table: TargetTable, page=None, query: str = "") -> dict:
    """Counts per status (one query) and one page of units' rows (two), plus removed rows."""
    counts = {status: 0 for status in ReviewStatus}
    for status, count in TableRow.objects.filter(table=table).values_list("status").annotate(n=Count("pk")):
        counts[ReviewStatus(status)] = count
    total = sum(counts.values())
    rows = TableRow.objects.filter(table=table).select_related("unit", "reviewed_by").order_by("seq")
    if query:
        rows = rows.filter(unit__name__contains=query)
    current = Page(number=_page_number(page), size=PAGE_SIZE, total=rows.count() if query else total)
    current.number = min(current.number, current.count)
    bars = [{"status": s, "count": c, "percent": round(100 * c / (total or 1), 1)} for s, c in counts.items()]
    removed = list(TableRow.all_objects.filter(table=table, removed_at__isnull=False).select_related("unit"))
    return {
        "rows": list(rows[current.offset : current.offset + PAGE_SIZE]),
        "page": current,
        "removed": removed,
        "bars": bars,
        "total": total,
    }


def rollup_links(project) -> tuple[list[TableColumn], list[Target]]:
    """The columns of the project's tables that count toward one of its indicators (with their
    tables, indicators and categories) and those indicators' targets: two queries (one when no
    column is linked). What `project_rollup` adds up the units' values against, and
    `monitoring.actuals` the 完成值 of a round."""
    columns = list(
        TableColumn.objects.filter(
            table__project=project, indicator__project=project, indicator__removed_at__isnull=True
        )
        .select_related("table", "indicator__category__parent")
        .order_by("table__order", "order")
    )
    if not columns:
        return [], []
    return columns, list(Target.objects.filter(indicator_id__in={c.indicator_id for c in columns}))


def project_rollup(project, value=cell_number) -> list[RollupLine]:
    """The project's 汇总 (targets.rollup): one line per indicator some column counts toward.

    Three queries, whatever the number of units: the linked columns (with their tables,
    indicators and categories), those indicators' targets, and the cells of the columns in
    rows not removed (five figures each). `value` picks the number of a cell to add."""
    columns, targets = rollup_links(project)
    if not columns:
        return []
    cells = Cell.objects.filter(column__in=columns, row__removed_at__isnull=True).values_list(
        "column_id", "row__unit_id", "row__status", "kind", "number"
    )
    return rollup_lines(columns, targets, (CellFigure(*figures) for figures in cells), value=value)


def reminders_by_unit(table: TargetTable) -> dict:
    """Each unit's last 催报 of the table, {unit id: TableReminder} (one query)."""
    last = {}
    for reminder in TableReminder.objects.filter(table=table).order_by("sent_at", "pk"):
        last[reminder.unit_id] = reminder
    return last

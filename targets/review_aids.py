"""Review aids (issue 22 §3) and the plausibility flags (issue 21 §4) of a row's values.

Beside each value a unit wrote: its 下达值 (a handed-down table) or the project's target (a
column counted toward a project indicator, 汇总), last year's approved value and its 完成值 (a
copied table), the change in percent, and the warnings `targets.plausibility.warnings_for` gives,
with the unit's confirmation where it gave one for this very value.

`rows_aids` gathers them for any number of rows in a constant number of queries (each only when
needed: last year's values for copied tables, the 下达值 for handed-down ones, the targets for
linked columns, the confirmations for flagged values); the grid, the row page, the submission,
the review queue and the API all read them here. The grid's save answer is
`targets.save_flags` (at most one query).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, F, OuterRef, Q, QuerySet, Subquery, Value, When

from . import last_year
from . import plausibility as pl
from . import values as tv
from .confirmations import ValueConfirmation
from .models import AssignedValue, Cell, TableColumn, TableRow, Target, TargetPeriod, ValueKind


def read(column: TableColumn, raw: str) -> tv.TargetValue:
    """A stored value as its column reads it (an old value the column now refuses: as written)."""
    if column.value_kind == ValueKind.TEXT and raw.strip():
        return tv.TargetValue(raw=raw, kind=tv.Kind.QUALITATIVE, text=raw)
    try:
        return column.parse_once(raw)
    except ValidationError:
        return tv.parse(raw, default_unit=column.measure_unit)


def counted_period(column: TableColumn, table) -> str:
    """The project target a column counts toward (targets.rollup's rule, with the table at hand)."""
    if column.rollup_period:
        return column.rollup_period
    return TargetPeriod.ANNUAL if table.start_year == table.end_year else TargetPeriod.LONG_TERM


@dataclass
class ValueAid:
    """One value of a row with what a reviewer compares it with."""

    column: TableColumn
    raw: str
    value: tv.TargetValue
    assigned: tv.TargetValue | None = None  # 下达值
    target: tv.TargetValue | None = None  # the project's target the column counts toward
    target_factor: Decimal = Decimal(1)
    last_year: last_year.LastYear | None = None
    warnings: list[pl.ValueWarning] = field(default_factory=list)
    confirmation: ValueConfirmation | None = None

    @property
    def last_year_value(self) -> tv.TargetValue | None:
        return tv.parse(self.last_year.raw, default_unit=self.last_year.measure_unit) if self.last_year else None

    def references(self) -> list[pl.Reference]:
        found = []
        if self.assigned is not None and not self.assigned.is_blank:
            found.append(pl.Reference(pl.Basis.ASSIGNED, self.assigned))
        if self.target is not None and not self.target.is_blank:
            found.append(pl.Reference(pl.Basis.PROJECT_TARGET, self.target, factor=self.target_factor, whole=True))
        if self.last_year is not None:
            found.append(pl.Reference(pl.Basis.LAST_YEAR, self.last_year_value))
        return found

    def decide(self) -> None:
        self.warnings = pl.warnings_for(
            self.value, self.references(), header=self.column.label, header_unit=self.column.measure_unit
        )

    @property
    def flagged(self) -> bool:
        return bool(self.warnings)

    @property
    def confirmed(self) -> bool:
        return self.confirmation is not None

    @property
    def assigned_change(self) -> str:
        if self.assigned is None:
            return ""
        return pl.change_label(pl.change_percent(self.value, pl.Reference(pl.Basis.ASSIGNED, self.assigned)))

    @property
    def last_year_change(self) -> str:
        if self.last_year is None:
            return ""
        return pl.change_label(pl.change_percent(self.value, pl.Reference(pl.Basis.LAST_YEAR, self.last_year_value)))

    @property
    def target_share(self) -> str:
        """What part of the project's target this unit's value is: `占 6.7%`."""
        if self.target is None:
            return ""
        share = pl.share_percent(self.value, pl.Reference(pl.Basis.PROJECT_TARGET, self.target, self.target_factor))
        return "" if share is None else f"占 {tv.format_number(share)}%"

    @property
    def warning_text(self) -> str:
        return "；".join(w.message for w in self.warnings)

    def as_data(self) -> dict:
        """The API's form of the aids (values as written, changes as text)."""
        confirmation = self.confirmation
        return {
            "assigned": self.assigned.raw if self.assigned is not None else None,
            "assigned_change": self.assigned_change or None,
            "project_target": self.target.raw if self.target is not None else None,
            "project_target_share": self.target_share or None,
            "last_year": self.last_year.raw if self.last_year else None,
            "last_year_change": self.last_year_change or None,
            "last_year_actual": (self.last_year.actual or None) if self.last_year else None,
            "warnings": [w.as_data() for w in self.warnings],
            "confirmation": None
            if confirmation is None
            else {
                "reason": confirmation.reason,
                "by": (confirmation.confirmed_by.first_name or confirmation.confirmed_by.username)
                if confirmation.confirmed_by
                else None,
                "at": confirmation.confirmed_at.isoformat(),
            },
        }


# --- gathering ------------------------------------------------------------------------------


def columns_by_table(table_ids) -> dict[int, list[TableColumn]]:
    """The columns of these tables in order, with their categories (one query)."""
    found: dict[int, list[TableColumn]] = {pk: [] for pk in table_ids}
    columns = TableColumn.objects.filter(table_id__in=list(found)).select_related("category__parent")
    for column in with_targets(columns.order_by("table_id", "order")):
        found[column.table_id].append(column)
    return found


def _cells_by_row(rows) -> dict[int, dict[int, Cell]]:
    found: dict[int, dict[int, Cell]] = {row.pk: {} for row in rows}
    for cell in Cell.objects.filter(row_id__in=list(found)):
        found[cell.row_id][cell.column_id] = cell
    return found


def assigned_by_row(rows) -> dict[int, dict[int, AssignedValue]]:
    handed_down = [row.pk for row in rows if row.table.is_handed_down]
    found: dict[int, dict[int, AssignedValue]] = {}
    for assigned in AssignedValue.objects.filter(row_id__in=handed_down) if handed_down else ():
        found.setdefault(assigned.row_id, {})[assigned.column_id] = assigned
    return found


def with_targets(columns: QuerySet) -> QuerySet:
    """Columns with the project target each counts toward (汇总, targets.rollup's period rule) as
    `target_raw` / `target_unit`: in the columns' own query, so a page reads no more for them."""
    period = Case(
        When(~Q(rollup_period=""), then=F("rollup_period")),
        When(table__start_year=F("table__end_year"), then=Value(TargetPeriod.ANNUAL)),
        default=Value(TargetPeriod.LONG_TERM),
        output_field=CharField(),
    )
    targets = Target.objects.filter(
        indicator_id=OuterRef("indicator_id"), indicator__removed_at__isnull=True, period=OuterRef("counted_period")
    ).order_by()
    return columns.annotate(counted_period=period).annotate(
        target_raw=Subquery(targets.values("raw")[:1]), target_unit=Subquery(targets.values("measure_unit")[:1])
    )


def table_columns(table) -> list[TableColumn]:
    """The table's columns in order, with their categories and project targets (one query)."""
    columns = TableColumn.objects.filter(table=table).select_related("category__parent").order_by("order")
    return list(with_targets(columns))


def _column_target(column: TableColumn, table, targets: dict) -> tv.TargetValue | None:
    if not column.indicator_id:
        return None
    if hasattr(column, "target_raw"):
        return tv.parse(column.target_raw, default_unit=column.target_unit or "") if column.target_raw else None
    return targets.get((column.indicator_id, counted_period(column, table)))


def _targets(columns) -> dict[tuple[int, str], tv.TargetValue]:
    """(indicator id, period) → the project's target, for the linked columns read without their
    targets (one query; none when there is no such column)."""
    indicator_ids = {c.indicator_id for c in columns if c.indicator_id and not hasattr(c, "target_raw")}
    if not indicator_ids:
        return {}
    targets = Target.objects.filter(indicator_id__in=indicator_ids, indicator__removed_at__isnull=True)
    return {
        (indicator_id, period): tv.parse(raw, default_unit=unit)
        for indicator_id, period, raw, unit in targets.values_list("indicator_id", "period", "raw", "measure_unit")
    }


def _confirmations(aids_by_row: dict[int, list[ValueAid]]) -> None:
    """Attach the units' confirmations to the flagged values they still hold for (one query;
    none when nothing is flagged)."""
    flagged = {(row_id, aid.column.pk): aid for row_id, aids in aids_by_row.items() for aid in aids if aid.flagged}
    if not flagged:
        return
    confirmations = ValueConfirmation.objects.filter(row_id__in={r for r, _ in flagged}).select_related("confirmed_by")
    for confirmation in confirmations:
        aid = flagged.get((confirmation.row_id, confirmation.column_id))
        if aid is not None and confirmation.holds_for(aid.raw):
            aid.confirmation = confirmation


def rows_aids(
    rows: list[TableRow],
    columns: dict[int, list[TableColumn]] | None = None,
    *,
    cells: dict[int, dict[int, Cell]] | None = None,
    last_years: dict | None = None,
    assigned: dict[int, dict[int, AssignedValue]] | None = None,
) -> dict[int, list[ValueAid]]:
    """Row id → one `ValueAid` per column of its table, for rows with their tables loaded.

    What the caller already has is passed in and not read again: the columns by table id, the
    cells by row id (then column id), last year's approved values (`targets.last_year`), the
    下达值 by row id. Otherwise: columns, cells, last year's values, 下达值, targets and
    confirmations, one query each at most, whatever the number of rows."""
    if not rows:
        return {}
    columns = columns if columns is not None else columns_by_table({row.table_id for row in rows})
    cells = cells if cells is not None else _cells_by_row(rows)
    if last_years is None:
        copied = [row.table.copied_from_id for row in rows if row.table.copied_from_id]
        last_years = last_year.approved_cells(copied, {row.unit_id for row in rows}) if copied else {}
    assigned = assigned if assigned is not None else assigned_by_row(rows)
    targets = _targets(c for row in rows for c in columns.get(row.table_id, ()))
    found = {}
    for row in rows:
        mine, given = cells.get(row.pk, {}), assigned.get(row.pk, {})
        found[row.pk] = [
            _aid(row, column, mine.get(column.pk), given.get(column.pk), targets, last_years)
            for column in columns.get(row.table_id, ())
        ]
    _confirmations(found)
    return found


def _aid(row, column, cell, given, targets, last_years) -> ValueAid:
    raw = cell.raw if cell is not None else ""
    target = _column_target(column, row.table, targets)
    aid = ValueAid(
        column=column,
        raw=raw,
        value=read(column, raw),
        assigned=tv.parse(given.raw, default_unit=given.measure_unit) if given is not None else None,
        target=target,
        target_factor=column.rollup_factor if target is not None else Decimal(1),
        last_year=last_year.found(last_years, row, column),
    )
    aid.decide()
    return aid


def row_aids(row: TableRow, columns: list[TableColumn] | None = None, **given) -> list[ValueAid]:
    """`rows_aids` for one row."""
    by_table = {row.table_id: columns} if columns is not None else None
    return rows_aids([row], by_table, **given).get(row.pk, [])


def flagged(aids: list[ValueAid]) -> list[ValueAid]:
    return [aid for aid in aids if aid.flagged]


def unconfirmed(aids: list[ValueAid]) -> list[ValueAid]:
    return [aid for aid in aids if aid.flagged and not aid.confirmed]

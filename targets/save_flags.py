"""The plausibility warnings in the grid's save answer (targets.plausibility, targets.review_aids).

The grid's save is the hot path (50 fillers at once, docs/benchmarks.md): what the warnings need
beyond the save's own reads — last year's approved values of the saved columns (a copied table),
the project targets they count toward (linked columns), the unit's reasons — comes in one
statement, and only when there is something to read: a first-year table with no linked column
reads nothing more, unless a value is flagged (then its reason). The statement is written by hand
(a UNION ALL of the branches needed, table and column names from the models): the ORM's
compilation of the same UNION cost more CPU than the rest of the warnings together.
"""

from __future__ import annotations

from django.db import connections, router

from review.engine import ReviewStatus

from . import last_year
from . import values as tv
from .confirmations import ValueConfirmation
from .models import Cell, Indicator, TableColumn, TableRow, Target
from .review_aids import ValueAid, counted_period, read

_LAST, _TARGET, _CONFIRMED = "l", "t", "c"


def _names(model, *fields) -> tuple[str, ...]:
    """The quoted table name and column names of a model's fields, for the statement below."""
    qn = connections[router.db_for_read(model)].ops.quote_name
    opts = model._meta
    return (qn(opts.db_table), *(qn(opts.get_field(f).column) for f in fields))


def _in(ids) -> str:
    return ", ".join(["%s"] * len(ids))


def _last_year_branch(row: TableRow, old_ids: list[int]) -> tuple[str, list]:
    cell, c_row, c_column, c_raw, c_unit = _names(Cell, "row", "column", "raw", "measure_unit")
    rows, r_id, r_table, r_unit, r_status, r_removed = _names(TableRow, "id", "table", "unit", "status", "removed_at")
    sql = (
        f"SELECT '{_LAST}', c.{c_column}, c.{c_raw}, c.{c_unit}, '' FROM {cell} c JOIN {rows} r ON r.{r_id} = c.{c_row} "
        f"WHERE r.{r_table} = %s AND r.{r_unit} = %s AND r.{r_status} = %s AND r.{r_removed} IS NULL "
        f"AND c.{c_raw} <> '' AND c.{c_column} IN ({_in(old_ids)})"
    )
    params = [row.table.copied_from_id, row.unit_id, ReviewStatus.APPROVED.value, *old_ids]
    return sql, params


def _target_branch(indicator_ids: list[int]) -> tuple[str, list]:
    target, t_indicator, t_raw, t_unit, t_period = _names(Target, "indicator", "raw", "measure_unit", "period")
    indicators, i_id, i_removed = _names(Indicator, "id", "removed_at")
    sql = (
        f"SELECT '{_TARGET}', t.{t_indicator}, t.{t_raw}, t.{t_unit}, t.{t_period} FROM {target} t "
        f"JOIN {indicators} i ON i.{i_id} = t.{t_indicator} "
        f"WHERE i.{i_removed} IS NULL AND t.{t_indicator} IN ({_in(indicator_ids)})"
    )
    return sql, list(indicator_ids)


def _confirmation_branch(row: TableRow, column_ids: list[int]) -> tuple[str, list]:
    table, v_row, v_column, v_raw, v_reason = _names(ValueConfirmation, "row", "column", "raw", "reason")
    sql = (
        f"SELECT '{_CONFIRMED}', v.{v_column}, v.{v_raw}, v.{v_reason}, '' FROM {table} v "
        f"WHERE v.{v_row} = %s AND v.{v_column} IN ({_in(column_ids)})"
    )
    return sql, [row.pk, *column_ids]


def _read(row: TableRow, old_ids, indicator_ids, column_ids):
    """Last year's values, the targets and the reasons: one statement (source, key, text, unit
    or reason, period)."""
    branches = [_confirmation_branch(row, column_ids)]
    if old_ids:
        branches.append(_last_year_branch(row, old_ids))
    if indicator_ids:
        branches.append(_target_branch(indicator_ids))
    sql = " UNION ALL ".join(branch for branch, _ in branches)
    params = [p for _, branch_params in branches for p in branch_params]
    last_years, targets, confirmations = {}, {}, {}
    with connections[router.db_for_read(Cell)].cursor() as cursor:
        cursor.execute(sql, params)
        for source, key, raw, unit_or_reason, period in cursor.fetchall():
            if source == _LAST:
                last_years[(row.unit_id, key)] = last_year.LastYear(raw, unit_or_reason)
            elif source == _TARGET:
                targets[(key, period)] = tv.parse(raw, default_unit=unit_or_reason)
            else:
                confirmations[key] = ValueConfirmation(row_id=row.pk, column_id=key, raw=raw, reason=unit_or_reason)
    return last_years, targets, confirmations


def _aids(row: TableRow, picked: list[TableColumn], saved: dict[int, str], last_years, targets) -> list[ValueAid]:
    aids = []
    for column in picked:
        target = None
        if column.indicator_id:
            target = targets.get((column.indicator_id, counted_period(column, row.table)))
        aid = ValueAid(
            column=column,
            raw=saved[column.pk],
            value=read(column, saved[column.pk]),
            target=target,
            target_factor=column.rollup_factor,
            last_year=last_year.found(last_years, row, column),
        )
        aid.decide()
        aids.append(aid)
    return aids


def saved_warnings(row: TableRow, columns: dict[int, TableColumn], saved: dict[int, str]) -> dict:
    """The warnings of the values just saved in a row (column id → text as stored), for the grid's
    answer: `{"warnings": {column id: [warning, …]}, "confirmed": {column id: reason}}`, every
    saved column listed (an empty list clears a cell's flag). At most one statement."""
    table = row.table
    picked = [columns[pk] for pk in saved]
    old_ids = sorted({c.copied_from_id for c in picked if c.copied_from_id}) if table.copied_from_id else []
    indicator_ids = sorted({c.indicator_id for c in picked if c.indicator_id})
    last_years, targets, confirmations = {}, {}, None
    if old_ids or indicator_ids:
        last_years, targets, confirmations = _read(row, old_ids, indicator_ids, sorted(saved))
    aids = _aids(row, picked, saved, last_years, targets)
    flagged_ids = [aid.column.pk for aid in aids if aid.flagged]
    if confirmations is None and flagged_ids:
        confirmations = {c.column_id: c for c in ValueConfirmation.objects.filter(row=row, column_id__in=flagged_ids)}
    confirmed = {}
    for aid in aids:
        found = (confirmations or {}).get(aid.column.pk)
        if aid.flagged and found is not None and found.holds_for(aid.raw):
            confirmed[str(aid.column.pk)] = found.reason
    return {
        "warnings": {str(aid.column.pk): [w.as_data() for w in aid.warnings] for aid in aids},
        "confirmed": confirmed,
    }

"""The table editor's roll-up links (汇总): which project indicator a column counts toward,
with which factor and toward which target. One transaction, audited; nothing is written
when any column is refused."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from units.audit import audit_record

from .audit_actions import TargetAction
from .models import Indicator, TableColumn, TargetPeriod, TargetPeriods, TargetTable
from .rollup import factor_label, parse_factor, unit_factor


def _describe(column: TableColumn) -> dict:
    if column.indicator_id is None:
        return {"对应三级指标": "（不计入）"}
    return {
        "对应三级指标": column.indicator.name,
        "换算系数": factor_label(column.rollup_factor),
        "计入目标": dict(TargetPeriod.choices).get(column.rollup_period, "按表的年度"),
    }


def _target_unit(indicator: Indicator, period: str) -> str:
    targets = {t.period: t for t in indicator.targets.all()}
    target = targets.get(period) or targets.get(TargetPeriod.ANNUAL)
    return (target.measure_unit if target else "") or indicator.measure_unit


def checked_link(table: TargetTable, column: TableColumn, item: dict, indicators: dict, n: int) -> tuple:
    """(indicator, factor, period) for one column, or a ValidationError naming the column, its
    `code` the field it is about (indicator, period, factor: the page puts it beside that field)."""
    where = f"第 {n} 列“{column.label}”"
    if not item.get("indicator_id"):
        return None, 1, ""
    indicator = indicators.get(item["indicator_id"])
    if indicator is None:
        raise ValidationError(f"{where}：所选三级指标不属于本项目（或已删除）", code="indicator")
    period = item.get("period", "")
    if period not in ("", *TargetPeriod.values):
        raise ValidationError(f"{where}：计入目标无效", code="period")
    if period == TargetPeriod.LONG_TERM and table.project.target_periods == TargetPeriods.ANNUAL_ONLY:
        raise ValidationError(f"{where}：本项目只设年度目标，不能计入长期目标", code="period")
    if (item.get("factor") or "").strip():
        try:
            return indicator, parse_factor(item["factor"], where), period
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code="factor") from None
    counted = period or (TargetPeriod.ANNUAL if table.start_year == table.end_year else TargetPeriod.LONG_TERM)
    target_unit = _target_unit(indicator, counted)
    factor = unit_factor(column.measure_unit, target_unit)
    if factor is None:
        message = f"{where}：“{column.measure_unit}”与“{target_unit}”无法自动换算，请填写换算系数"
        raise ValidationError(message, code="factor")
    return indicator, factor, period


@transaction.atomic  # with lock=True it locks the columns: never outside a transaction (PostgreSQL refuses)
def link_context(table: TargetTable, *, lock: bool) -> tuple[dict, dict, dict]:
    """The table's columns {id: column} (locked for the save), the project's indicators {id:
    indicator} and each column's position (to name it), as checked_link reads them."""
    columns = TableColumn.objects.filter(table=table).select_related("indicator")
    columns = {c.pk: c for c in (columns.select_for_update(of=("self",)) if lock else columns)}
    indicators = {i.pk: i for i in Indicator.objects.filter(project_id=table.project_id).prefetch_related("targets")}
    order = {pk: n for n, pk in enumerate(sorted(columns, key=lambda pk: columns[pk].order), start=1)}
    return columns, indicators, order


@transaction.atomic
def table_rollup_save(*, table: TargetTable, links: list[dict], actor) -> int:
    """Set the roll-up link of the table's columns; returns how many changed.

    `links`: dicts with column_id, indicator_id (None: counts toward nothing), factor (the
    text typed: `0.0001`, `1/10000`; blank: by the units, 万元 → 亿元 by itself) and period
    ("": by the table's years, or a TargetPeriod)."""
    columns, indicators, order = link_context(table, lock=True)
    planned = []
    for item in links:
        column = columns.get(item.get("column_id"))
        if column is None:
            raise ValidationError("要设置的列不属于该目标表，请刷新页面后重试")
        planned.append((column, checked_link(table, column, item, indicators, order[column.pk])))
    changed = 0
    for column, (indicator, factor, period) in planned:
        before = _describe(column)
        column.indicator, column.rollup_factor, column.rollup_period = indicator, factor, period
        if indicator is None:
            column.rollup_period = ""
        after = _describe(column)
        if before == after:
            continue
        column.save(update_fields=["indicator", "rollup_factor", "rollup_period"])
        audit_record(
            actor=actor,
            action=TargetAction.COLUMN_ROLLUP_CHANGED,
            obj=table,
            before=before,
            after=after,
            label=f"{table.title} · {column.label}",
        )
        changed += 1
    return changed

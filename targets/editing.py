"""Bureau edits of a project's indicator tree and of a table's columns and units.

Each function is one transaction and writes the audit log. Nothing is deleted
silently: a removed indicator or row is kept and can be restored; a column that
holds values cannot be removed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max

from units import inputs, policy
from units.audit import audit_record
from units.models import Unit, UnitCategory

from . import values as tv
from .audit_actions import TargetAction
from .models import (
    Cell,
    Indicator,
    IndicatorCategory,
    TableColumn,
    TableRow,
    Target,
    TargetPeriod,
    TargetPeriods,
    TargetTable,
    ValueKind,
    read_part_shares,
)
from .tasks import table_cells_reparse_queue
from .workflow import row_remove, row_restore, table_manager_required


def _targets_of(indicator: Indicator) -> dict[str, Target]:
    return {t.period: t for t in indicator.targets.all()}


def _set_target(
    indicator: Indicator, period: str, raw: str, year, existing: dict[str, Target]
) -> tuple[str, str] | None:
    value = indicator.parse_target(raw, period)
    target = existing.get(period) or Target(indicator=indicator, period=period)
    before = target.raw if target.pk else None
    if target.pk and target.raw == value.raw:
        return None
    target.set_value(value)
    if period == TargetPeriod.ANNUAL:
        target.year = year
    target.save()
    return (before or "", value.raw)


def checked_direction(direction: str | None, where: str) -> str:
    """A stored 指标性质: "" (read from the target) or one of 正向/反向/区间/定性, as a code or as
    people write it (反向, ≤ …)."""
    try:
        found = tv.read_direction(direction or "")
    except ValueError as exc:
        raise ValidationError(f"“{where}”的{exc}") from None
    return found.value if found else ""


def _check_indicator_texts(name: str, measure_unit: str, basis: str) -> None:
    errors = inputs.check_texts(
        {"三级指标": name, f"“{name}”的计量单位": measure_unit, f"“{name}”的指标值确定依据": basis}
    )
    if errors:
        raise ValidationError(list(errors.values()))


@transaction.atomic(savepoint=False)  # one INSERT, called inside the editors' transactions
def target_change_record(*, actor, indicator: Indicator, period: str, before: str, after: str) -> None:
    """The audit entry of a changed target value, wherever it was changed (pages, imports, admin)."""
    audit_record(
        actor=actor,
        action=TargetAction.TARGET_CHANGED,
        obj=indicator,
        before={"raw": before},
        after={"raw": after},
        label=f"{indicator.name}（{TargetPeriod(period).label}）",
    )


@transaction.atomic
def indicators_update(*, project, items: list[dict], actor) -> int:
    """Save names, units, categories, bases and both targets of many indicators at once.

    `items`: dicts with id, category_id, name, measure_unit, basis, long_term, annual, and
    optionally direction (指标性质: "" to read it from the target) and part_shares (6:4). Long-term and annual targets
    are kept one to one where the project sets both. By the project's managers (`actor=None`: the system).
    """
    if actor is not None and not policy.can_manage_project(actor, project):
        raise PermissionDenied("只有省局管理员可以编辑项目")
    indicators = {i.pk: i for i in Indicator.objects.filter(project=project).prefetch_related("targets")}
    categories = set(IndicatorCategory.objects.values_list("pk", flat=True))
    both = project.target_periods == TargetPeriods.LONG_TERM_AND_ANNUAL
    changed = 0
    for item in items:
        indicator = indicators.get(item["id"])
        if indicator is None:
            raise ValidationError("要修改的指标不属于该项目")
        if item["category_id"] not in categories:
            raise ValidationError(f"“{item['name']}”的指标类别无效")
        _check_indicator_texts(item["name"], item["measure_unit"], item["basis"])
        before = {
            "name": indicator.name,
            "category": indicator.category_id,
            "measure_unit": indicator.measure_unit,
            "basis": indicator.basis,
            "direction": indicator.direction,
            "part_shares": indicator.part_shares,
        }
        after = {
            "name": item["name"],
            "category": item["category_id"],
            "measure_unit": item["measure_unit"],
            "basis": item["basis"],
            "direction": checked_direction(item.get("direction", indicator.direction), item["name"]),
            "part_shares": read_part_shares(item.get("part_shares", indicator.part_shares), f"“{item['name']}”"),
        }
        if before != after:
            indicator.name, indicator.category_id = item["name"], item["category_id"]
            indicator.measure_unit, indicator.basis = item["measure_unit"], item["basis"]
            indicator.direction, indicator.part_shares = after["direction"], after["part_shares"]
            indicator.save(update_fields=["name", "category", "measure_unit", "basis", "direction", "part_shares"])
            audit_record(
                actor=actor,
                action=TargetAction.INDICATOR_CHANGED,
                obj=indicator,
                before={k: v for k, v in before.items() if before[k] != after[k]},
                after={k: v for k, v in after.items() if before[k] != after[k]},
            )
            changed += 1
        existing = _targets_of(indicator)
        periods = [TargetPeriod.ANNUAL, TargetPeriod.LONG_TERM] if both else [TargetPeriod.ANNUAL]
        for period in periods:
            change = _set_target(indicator, period, item.get(period, ""), project.budget_year, existing)
            if change:
                target_change_record(actor=actor, indicator=indicator, period=period, before=change[0], after=change[1])
                changed += 1
    return changed


@transaction.atomic
def indicator_directions_set(*, updates: list[tuple[int, str]], actor) -> int:
    """Set the 指标性质 of indicators (an import's 指标性质 column): `updates` are (indicator id,
    direction as written, "" to read it from the target). Returns how many changed."""
    indicators = {i.pk: i for i in Indicator.objects.select_for_update().filter(pk__in=[u[0] for u in updates])}
    changed = 0
    for indicator_id, direction in updates:
        indicator = indicators.get(indicator_id)
        if indicator is None:
            raise ValidationError("要修改的指标不存在")
        value = checked_direction(direction, indicator.name)
        if value == indicator.direction:
            continue
        before, indicator.direction = indicator.direction, value
        indicator.save(update_fields=["direction"])
        audit_record(
            actor=actor,
            action=TargetAction.INDICATOR_CHANGED,
            obj=indicator,
            before={"direction": before},
            after={"direction": value},
        )
        changed += 1
    return changed


@transaction.atomic
def indicator_create(
    *,
    project,
    category: IndicatorCategory,
    name: str,
    measure_unit: str = "",
    long_term: str = "",
    annual: str = "",
    actor,
) -> Indicator:
    if not name.strip():
        raise ValidationError("请填写三级指标名称")
    _check_indicator_texts(name, measure_unit, "")
    order = (Indicator.all_objects.filter(project=project).aggregate(m=Max("order"))["m"] or 0) + 1
    indicator = Indicator.objects.create(
        project=project, category=category, name=name.strip(), measure_unit=measure_unit, order=order
    )
    _set_target(indicator, TargetPeriod.ANNUAL, annual, project.budget_year, {})
    if project.target_periods == TargetPeriods.LONG_TERM_AND_ANNUAL:
        _set_target(indicator, TargetPeriod.LONG_TERM, long_term, None, {})
    audit_record(
        actor=actor,
        action=TargetAction.INDICATOR_CREATED,
        obj=indicator,
        after={"name": indicator.name, "category": category.path, "annual": annual, "long_term": long_term},
    )
    return indicator


@transaction.atomic
def indicator_move(*, indicator_id: int, direction: int, actor) -> Indicator:
    """Swap with the neighbour above (-1) or below (+1). By the project's managers."""
    indicator = Indicator.objects.select_for_update().get(pk=indicator_id)
    if actor is not None and not policy.can_manage_project(actor, indicator.project):
        raise PermissionDenied("只有省局管理员可以编辑项目")
    siblings = Indicator.all_objects.filter(project_id=indicator.project_id)
    neighbour = (
        siblings.filter(order__lt=indicator.order).order_by("-order").first()
        if direction < 0
        else siblings.filter(order__gt=indicator.order).order_by("order").first()
    )
    if neighbour is None:
        return indicator
    # Orders are unique per project: park one at 0 while swapping.
    mine, theirs = indicator.order, neighbour.order
    Indicator.all_objects.filter(pk=indicator.pk).update(order=0)
    Indicator.all_objects.filter(pk=neighbour.pk).update(order=mine)
    Indicator.all_objects.filter(pk=indicator.pk).update(order=theirs)
    indicator.order = theirs
    audit_record(
        actor=actor, action=TargetAction.INDICATOR_MOVED, obj=indicator, before={"order": mine}, after={"order": theirs}
    )
    return indicator


# --- tables ------------------------------------------------------------------------------


def _check_columns(columns: list[dict]) -> None:
    """Choices and texts of the editor's columns, refused before anything is written."""
    categories = set(IndicatorCategory.objects.values_list("pk", flat=True))
    errors = []
    for n, item in enumerate(columns, start=1):
        if item.get("delete"):
            continue
        where = f"第 {n} 列“{item.get('name', '')}”"
        if item.get("value_kind") not in ValueKind.values:
            errors.append(f"{where}的值类型无效")
        if item.get("category_id") not in categories:
            errors.append(f"{where}的指标类别无效")
        errors += inputs.check_texts(
            {f"{where}的三级指标": item.get("name", ""), f"{where}的计量单位": item.get("measure_unit", "")}
        ).values()
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def table_columns_save(*, table: TargetTable, columns: list[dict], actor) -> None:
    """Replace the table's column definitions: update, add, remove (only empty ones), reorder.

    `columns`: dicts with id (None for a new one), category_id, name, measure_unit,
    value_kind, allow_blank, delete, and optionally direction (指标性质, "" to read it from each
    unit's target) and part_shares (a compound target's shares, 6:4).
    """
    table_manager_required(actor, table)
    _check_columns(columns)
    existing = {c.pk: c for c in TableColumn.objects.select_for_update().filter(table=table)}
    filled = set(
        Cell.objects.filter(column__table=table).exclude(raw="").values_list("column_id", flat=True).distinct()
    )
    keep = [c for c in columns if not c.get("delete")]
    for item in columns:
        if item.get("delete") and item.get("id"):
            if item["id"] in filled:
                count = Cell.objects.filter(column_id=item["id"]).exclude(raw="").count()
                raise ValidationError(f"“{existing[item['id']].label}”已有 {count} 个单位填写了数值，不能删除该列")
    if not keep:
        raise ValidationError("目标表至少需要一列")
    # Park every order out of the way, then write the new order.
    TableColumn.objects.filter(table=table).update(order=F("order") + 100000)
    removed = [existing[c["id"]] for c in columns if c.get("delete") and c.get("id")]
    for column in removed:
        audit_record(actor=actor, action=TargetAction.COLUMN_REMOVED, obj=table, before={"column": column.label})
        column.delete()
    for order, item in enumerate(keep, start=1):
        fields = {k: item[k] for k in ("category_id", "name", "measure_unit", "value_kind", "allow_blank")}
        where = item.get("name", "") or f"第 {order} 列"
        if "direction" in item:
            fields["direction"] = checked_direction(item["direction"], where)
        if "part_shares" in item:
            fields["part_shares"] = read_part_shares(item["part_shares"], f"“{where}”")
        if item.get("id"):
            column = existing[item["id"]]
            before = {k: getattr(column, k) for k in fields}
            for key, value in fields.items():
                setattr(column, key, value)
            column.order = order
            column.save()
            if before != fields:
                audit_record(
                    actor=actor,
                    action=TargetAction.COLUMN_CHANGED,
                    obj=table,
                    before=before,
                    after=fields,
                    label=f"{table.title} · {column.label}",
                )
        else:
            column = TableColumn.objects.create(table=table, order=order, **fields)
            audit_record(
                actor=actor,
                action=TargetAction.COLUMN_CREATED,
                obj=table,
                after=fields,
                label=f"{table.title} · {column.label}",
            )
    transaction.on_commit(lambda: table_cells_reparse_queue(table.pk), robust=True)


@transaction.atomic
def table_units_set(
    *, table: TargetTable, unit_ids: set[int], actor, positions: dict[int, int] | None = None
) -> tuple[int, int]:
    """Make exactly these units the table's rows: add, restore or remove (recoverably).

    New rows come after the others in the official order (`Unit.order`); `positions` (unit id →
    the number typed beside it) reorders the rows: rows by that number, a tie or a unit without
    one where it stood."""
    table_manager_required(actor, table)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    wrong = [u.name for u in units.values() if u.category != table.unit_category]
    if wrong or len(units) != len(unit_ids):
        raise ValidationError(f"只能选择{table.get_unit_category_display()}类单位：{'、'.join(wrong)}")
    rows = {r.unit_id: r for r in TableRow.all_objects.filter(table=table)}
    added = removed = 0
    for unit_id, row in rows.items():
        if unit_id not in unit_ids and row.removed_at is None:
            row_remove(row_id=row.pk, actor=actor, reason="从目标表中移除该单位")
            removed += 1
        elif unit_id in unit_ids and row.removed_at is not None:
            row_restore(row_id=row.pk, actor=actor)
            added += 1
    next_seq = (TableRow.all_objects.filter(table=table).aggregate(m=Max("seq"))["m"] or 0) + 1
    for unit_id in sorted(unit_ids - set(rows), key=lambda pk: (units[pk].order, units[pk].name)):
        row = TableRow.objects.create(table=table, unit=units[unit_id], seq=next_seq)
        audit_record(actor=actor, action=TargetAction.ROW_CREATED, obj=row, label=units[unit_id].name)
        next_seq += 1
        added += 1
    if positions:
        table_rows_renumber(table=table, positions=positions, actor=actor)
    return added, removed


@transaction.atomic(savepoint=False)  # called inside table_units_set's transaction
def table_rows_renumber(*, table: TargetTable, positions: dict[int, int], actor) -> bool:
    """Number the table's rows 1, 2 … in the order of `positions` (unit id → typed number); a row
    without one keeps its place. Removed rows follow. True if the order changed (audited)."""
    table_manager_required(actor, table)
    rows = list(TableRow.all_objects.filter(table=table).select_related("unit").order_by("seq"))
    active = [r for r in rows if r.removed_at is None]
    ordered = sorted(active, key=lambda r: (positions.get(r.unit_id, r.seq), r.seq))
    ordered += [r for r in rows if r.removed_at is not None]
    if [r.pk for r in ordered] == [r.pk for r in rows] and all(r.seq == n for n, r in enumerate(rows, 1)):
        return False
    before = [r.unit.name for r in active]
    # Seqs are unique per table: park them all out of the way, then write the new ones.
    TableRow.all_objects.filter(table=table).update(seq=F("seq") + 100000)
    for seq, row in enumerate(ordered, start=1):
        row.seq = seq
    TableRow.all_objects.bulk_update(ordered, ["seq"])
    after = [r.unit.name for r in ordered if r.removed_at is None]
    if before != after:
        audit_record(
            actor=actor,
            action=TargetAction.TABLE_UNITS_REORDERED,
            obj=table,
            before={"units": before},
            after={"units": after},
        )
    return before != after


YEARS = (2000, 2100)  # a target table's plausible years: what is outside was mistyped


@transaction.atomic
def table_create(
    *, project, title: str, unit_category: str, start_year: int, end_year: int, actor, all_units: bool = False
) -> TargetTable:
    """A new table; with `all_units`, every unit of its category as rows, in the official order.
    By the project's managers (`policy.can_manage_project`; `actor=None` is the system)."""
    if actor is not None and not policy.can_manage_project(actor, project):
        raise PermissionDenied("只有省局管理员可以新建目标表")
    if unit_category not in UnitCategory.values:
        raise ValidationError(f"单位类别“{unit_category}”无效，请从{'、'.join(UnitCategory.labels)}中选择")
    if not title.strip():
        raise ValidationError("请填写表名")
    inputs.check_text(title, "表名")
    if TargetTable.objects.filter(project=project, title=title).exists():
        raise ValidationError(f"本项目已有名为“{title}”的目标表")
    if not all(YEARS[0] <= year <= YEARS[1] for year in (start_year, end_year)):
        raise ValidationError(f"年度应在 {YEARS[0]} 到 {YEARS[1]} 之间")
    if start_year > end_year:
        raise ValidationError("起始年度不能晚于结束年度")
    order = (TargetTable.objects.filter(project=project).aggregate(m=Max("order"))["m"] or 0) + 1
    table = TargetTable.objects.create(
        project=project, title=title, unit_category=unit_category, start_year=start_year, end_year=end_year, order=order
    )
    audit_record(actor=actor, action=TargetAction.TABLE_CREATED, obj=table, after={"title": title})
    if all_units:
        unit_ids = set(Unit.objects.filter(category=unit_category).values_list("pk", flat=True))
        table_units_set(table=table, unit_ids=unit_ids, actor=actor)
    return table


@transaction.atomic
def target_values_set(*, updates: list[tuple[int, str, str]], actor) -> int:
    """Set target values (indicator id, period, raw), each audited, as an import does."""
    if not updates:
        return 0
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(pk__in={u[0] for u in updates})
        .select_related("project")
        .prefetch_related("targets")
    }
    for indicator_id, period, raw in updates:
        indicator = indicators[indicator_id]
        change = _set_target(indicator, period, raw, indicator.project.budget_year, _targets_of(indicator))
        if change:
            target_change_record(actor=actor, indicator=indicator, period=period, before=change[0], after=change[1])
    return len(updates)

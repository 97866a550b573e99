"""The table editor: a per-unit table's columns and the units in it (bureau admins)."""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from units.inputs import parse_id
from units.models import Unit

from . import access, editing, selectors
from . import values as tv
from .forms import read_columns, read_rollup_links
from .funding_services import funding_text, rows_funding_set
from .layout import header_rows
from .models import Indicator, IndicatorCategory, TableRow, TargetPeriod, ValueKind
from .rollup import factor_input
from .rollup_services import table_rollup_save


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def table_edit(request, pk):
    table = access.table_for_manager(request.user, pk)
    if request.method != "POST":
        return render(request, "targets/table_edit.html", _edit_context(table))
    edits, errors = read_columns(request.POST, table)
    if errors:  # not a column of this table: nothing typed here to keep
        messages.error(request, "；".join(errors) + "（未保存）")
        return redirect("targets:table_edit", pk=table.pk)
    if not all([form.is_valid() for form in edits]):
        messages.error(request, "列有误，请按提示修改（未保存）")
        return render(request, "targets/table_edit.html", _edit_context(table, edits), status=400)
    try:
        editing.table_columns_save(table=table, columns=[form.item() for form in edits], actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages) + "（未保存）")
        return render(request, "targets/table_edit.html", _edit_context(table, edits), status=400)
    messages.success(request, "列已保存")
    return redirect("targets:table_edit", pk=table.pk)


def _typed_columns(columns, edits) -> dict:
    """After a refused save: each column shows what was typed, errors beside; and the new line."""
    typed = {form.key: form for form in edits or ()}
    for column in columns:
        form = typed.get(str(column.pk))
        if form is not None:
            _show_typed(column, form)
    new = typed.get("new")
    return {"new_column": _show_typed(SimpleNamespace(pk=None), new) if new else None}


def _show_typed(column, form):
    values = form.typed()
    column.category_id = parse_id(values["category"])
    column.name, column.measure_unit, column.value_kind = values["name"], values["unit"], values["kind"]
    column.direction, column.part_shares = values["direction"], values["shares"]
    column.allow_blank, column.delete_typed = bool(values["blank"]), bool(values["delete"])
    column.errors = {field: messages[0] for field, messages in form.errors.items()}
    return column


def _typed_links(columns, links) -> None:
    """After a refused 汇总 save: each column's link as typed, errors beside."""
    typed = {form.column.pk: form for form in links or ()}
    for column in columns:
        form = typed.get(column.pk)
        if form is not None:
            values = form.typed()
            column.indicator_id = parse_id(values["indicator"])
            column.factor_typed, column.rollup_period = values["factor"], values["period"]
            column.rollup_errors = {field: messages[0] for field, messages in form.errors.items()}


def _edit_context(table, edits=None, links=None) -> dict:
    columns = selectors.table_columns(table)
    context = {
        "table": table,
        "columns": columns,
        "header": header_rows(columns),
        "categories": IndicatorCategory.objects.select_related("parent").order_by("level", "order"),
        "kinds": ValueKind.choices,
        "directions": [(d.value, d.label) for d in tv.Direction],
        "units": Unit.objects.filter(category=table.unit_category).order_by("category", "order", "name"),
        # unit id → the row's 序号, for the units in the table (one query)
        "seqs": dict(TableRow.objects.filter(table=table).values_list("unit_id", "seq")),
        "funding_rows": [
            (row, funding_text(row.funding))
            for row in TableRow.objects.filter(table=table).select_related("unit").order_by("seq")
        ],
        **_rollup_context(table, columns),
    }
    _typed_links(columns, links)
    return context | _typed_columns(columns, edits)


def _positions(post, unit_ids: set[int]) -> dict[int, int]:
    """The 序号 typed beside the chosen units (`seq-<unit id>`); blank ones are left out.
    A number that is not a positive whole number raises ValueError."""
    positions = {}
    for unit_id in unit_ids:
        typed = post.get(f"seq-{unit_id}", "").strip()
        if typed:
            if not typed.isdigit() or int(typed) < 1:
                raise ValueError(typed)
            positions[unit_id] = int(typed)
    return positions


@login_required
@require_POST
def table_units(request, pk):
    table = access.table_for_manager(request.user, pk)
    try:
        unit_ids = {parse_id(u) for u in request.POST.getlist("units")}
        if None in unit_ids:  # "²" or a 23-digit number: int() or the database refuses them
            raise ValueError("units")
        positions = _positions(request.POST, unit_ids)
        added, removed = editing.table_units_set(
            table=table, unit_ids=unit_ids, actor=request.user, positions=positions
        )
    except ValueError:
        messages.error(request, "单位选择无效（序号应为正整数）")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已添加 {added} 个单位，移除 {removed} 个单位（移除的行可在填报进度页恢复）")
    return redirect("targets:table_edit", pk=table.pk)


@login_required
@require_POST
def table_funding(request, pk):
    """Each unit's 资金（万元）, as typed beside it (`funding-<row id>`, and what the page showed)."""
    table = access.table_for_manager(request.user, pk)
    fundings = {}
    for key, raw in request.POST.items():
        row_id = parse_id(key.removeprefix("funding-")) if key.startswith("funding-") else None
        if row_id is not None:
            fundings[row_id] = raw
    shown = {
        row_id: request.POST.get(f"shown-{row_id}", "") for row_id in fundings if f"shown-{row_id}" in request.POST
    }
    try:
        changed = rows_funding_set(table=table, fundings=fundings, shown=shown, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "资金未保存：" + "；".join(exc.messages))
    else:
        messages.success(
            request, f"已保存 {len(changed)} 个单位的资金：{'、'.join(changed)}" if changed else "资金没有修改"
        )
    return redirect(f"{reverse('targets:table_edit', args=[table.pk])}#funding")


def _rollup_context(table, columns) -> dict:
    """The 汇总 section: the project's indicators to count toward, each column's factor as typed."""
    for column in columns:
        column.factor_typed = factor_input(column.rollup_factor)
    return {
        "indicators": Indicator.objects.filter(project_id=table.project_id).order_by("order"),
        "periods": [("", "按表的年度")] + list(TargetPeriod.choices),
    }


@login_required
@require_POST
def table_rollup(request, pk):
    """Which project indicator each column counts toward (汇总), with its factor."""
    table = access.table_for_manager(request.user, pk)
    links, errors = read_rollup_links(request.POST, table)
    if errors:  # not a column of this table: nothing typed here to keep
        messages.error(request, "；".join(errors) + "（未保存）")
        return redirect(f"{reverse('targets:table_edit', args=[table.pk])}#rollup")
    if not all([form.is_valid() for form in links]):
        messages.error(request, "汇总设置有误，请按提示修改（未保存）")
        return render(request, "targets/table_edit.html", _edit_context(table, links=links), status=400)
    try:
        changed = table_rollup_save(table=table, links=[form.item() for form in links], actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages) + "（未保存）")
        return render(request, "targets/table_edit.html", _edit_context(table, links=links), status=400)
    messages.success(request, f"汇总设置已保存（{changed} 列有修改）" if changed else "汇总设置没有修改")
    return redirect(f"{reverse('targets:table_edit', args=[table.pk])}#rollup")

"""The table editor: a per-unit table's columns and the units in it (bureau admins)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from units.models import Unit

from . import access, editing, selectors
from .layout import header_rows
from .models import IndicatorCategory, TableRow, ValueKind


@login_required
def table_edit(request, pk):
    table = access.table_for_manager(request.user, pk)
    if request.method == "POST":
        columns = []
        try:
            for key in request.POST.getlist("column"):
                prefix = f"c-{key}-"
                columns.append(
                    {
                        "id": int(key) if key.isdigit() else None,
                        "category_id": int(request.POST[prefix + "category"]),
                        "name": request.POST.get(prefix + "name", "").strip(),
                        "measure_unit": request.POST.get(prefix + "unit", "").strip(),
                        "value_kind": request.POST[prefix + "kind"],
                        "allow_blank": bool(request.POST.get(prefix + "blank")),
                        "delete": bool(request.POST.get(prefix + "delete")),
                    }
                )
            # The blank "new" line adds nothing.
            columns = [c for c in columns if c["id"] or c["name"]]
            editing.table_columns_save(table=table, columns=columns, actor=request.user)
        except (KeyError, ValueError):
            messages.error(request, "表单不完整，请刷新页面后重试（未保存）")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages) + "（未保存）")
        else:
            messages.success(request, "列已保存")
        return redirect("targets:table_edit", pk=table.pk)

    columns = selectors.table_columns(table)
    in_table = set(TableRow.objects.filter(table=table).values_list("unit_id", flat=True))
    context = {
        "table": table,
        "columns": columns,
        "header": header_rows(columns),
        "categories": IndicatorCategory.objects.select_related("parent").order_by("level", "order"),
        "kinds": ValueKind.choices,
        "units": Unit.objects.filter(category=table.unit_category).order_by("name"),
        "in_table": in_table,
    }
    return render(request, "targets/table_edit.html", context)


@login_required
@require_POST
def table_units(request, pk):
    table = access.table_for_manager(request.user, pk)
    try:
        unit_ids = {int(u) for u in request.POST.getlist("units")}
        added, removed = editing.table_units_set(table=table, unit_ids=unit_ids, actor=request.user)
    except ValueError:
        messages.error(request, "单位选择无效")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已添加 {added} 个单位，移除 {removed} 个单位（移除的行可在填报进度页恢复）")
    return redirect("targets:table_edit", pk=table.pk)

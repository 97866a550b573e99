"""The table editor: a per-unit table's columns and the units in it (bureau admins)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from projects.models import Project
from units import policy
from units.models import Unit

from . import editing, selectors
from .layout import header_rows
from .models import IndicatorCategory, TableRow, TargetTable, ValueKind


def _table_for_manager(user, pk) -> TargetTable:
    table = get_object_or_404(TargetTable.objects.select_related("project"), pk=pk)
    if not policy.can_view_table(user, table):
        raise Http404("没有找到该目标表")
    if not policy.can_manage_table(user, table):
        raise PermissionDenied("只有省局管理员可以编辑目标表")
    return table


@login_required
def table_edit(request, pk):
    table = _table_for_manager(request.user, pk)
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
    table = _table_for_manager(request.user, pk)
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


@login_required
@require_POST
def table_create(request, pk):
    project = get_object_or_404(Project, pk=pk)
    if not policy.can_view_project(request.user, project):
        raise Http404("没有找到该项目")
    if not policy.can_manage_project(request.user, project):
        raise PermissionDenied("只有省局管理员可以新建目标表")
    try:
        table = editing.table_create(
            project=project,
            title=request.POST.get("title", "").strip(),
            unit_category=request.POST.get("unit_category", ""),
            start_year=int(request.POST.get("start_year", "")),
            end_year=int(request.POST.get("end_year", "")),
            actor=request.user,
        )
    except ValueError:
        messages.error(request, "请填写起止年度")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已新建目标表，请添加列和单位")
        return redirect("targets:table_edit", pk=table.pk)
    return redirect("projects:edit", pk=project.pk)

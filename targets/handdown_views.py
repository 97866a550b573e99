"""Pages of handed-down tables (下达): the bureau's 下达值 from the grid, the unit's answers
from the row page, the grid's 全部确认, and the admin's conversion of a table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from units import policy

from . import access, handdown, selectors
from . import values as tv
from .grid_views import Refused, posted_values, save_refusal
from .models import AssignedValue
from .views import _back, _row_context


@login_required
@require_POST
def row_assigned_save(request, pk):
    """The grid saves 下达值 of one row (the grid's JSON: version, values by column id).
    400 names the bad cells; 409 shows the other person's 下达值."""
    row = access.row_for_user(request.user, pk)
    if not row.table.is_handed_down:
        raise Http404("该目标表不是下达表")
    if not policy.can_hand_down(request.user, row.table):
        raise PermissionDenied("只有省局管理员或本项目的审核员可以填写下达值")
    try:
        posted = posted_values(request, row)
        row = handdown.row_assigned_update(
            row_id=row.pk, values=posted.values, expected_version=posted.version, actor=request.user
        )
    except Refused as exc:
        return exc.response
    except ValidationError as exc:
        return save_refusal(row, exc, request.user, values=AssignedValue)
    values, columns = posted.values, posted.columns
    saved = {a.column_id: a.raw for a in AssignedValue.objects.filter(row=row, column_id__in=values)}
    return JsonResponse(
        {
            "version": row.version,
            "status": row.status,
            "status_label": row.get_status_display(),
            "cells": {
                str(c): {"raw": saved.get(c, ""), "reading": tv.describe(columns[c].parse(saved.get(c, "")))}
                for c in values
            },
        }
    )


def _answers(post, columns) -> dict[int, handdown.Answer]:
    """The row page's choices: `decision-<column>` (confirm / propose, blank: leave), with
    `value-<column>` and `reason-<column>` for a proposal."""
    answers = {}
    for column in columns:
        decision = post.get(f"decision-{column.pk}", "")
        if decision:
            answers[column.pk] = handdown.Answer(
                decision, post.get(f"value-{column.pk}", ""), post.get(f"reason-{column.pk}", "")
            )
    return answers


@login_required
@require_POST
def row_assigned_answer(request, pk):
    """The unit confirms 下达值 or proposes others with a reason, from the row page."""
    row = access.row_for_user(request.user, pk)
    if not row.table.is_handed_down:
        raise Http404("该目标表不是下达表")
    if not policy.can_answer_hand_down(request.user, row):
        raise PermissionDenied("您没有确认该行下达值的权限")
    answers = _answers(request.POST, selectors.table_columns(row.table))
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, "表单缺少版本号，请刷新页面后重新填写")
        return redirect("targets:row", pk=row.pk)
    if not answers:
        messages.error(request, "请至少为一项下达值选择“确认”或“提出调整”")
        return redirect("targets:row", pk=row.pk)
    try:
        handdown.row_assigned_answer(row_id=row.pk, answers=answers, expected_version=version, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        messages.error(request, "未保存，请改正后重新提交")
        row.refresh_from_db()
        return _row_context(request, row, status=400, handdown_typed=answers)  # shown again, not lost
    messages.success(request, f"已保存 {len(answers)} 项确认或调整")
    return redirect("targets:row", pk=row.pk)


@login_required
@require_POST
def row_assigned_confirm_all(request, pk):
    """全部确认: every 下达值 of the row still waiting, from the grid."""
    row = access.row_for_user(request.user, pk)
    if not row.table.is_handed_down:
        raise Http404("该目标表不是下达表")
    if not policy.can_answer_hand_down(request.user, row):
        raise PermissionDenied("您没有确认该行下达值的权限")
    try:
        version = int(request.POST.get("version", ""))
        count = handdown.row_assigned_confirm_all(row_id=row.pk, expected_version=version, actor=request.user)
    except ValueError:
        messages.error(request, "表单缺少版本号，请刷新页面后重试")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{row.unit.name}：已确认 {count} 项下达值")
    return _back(request, row)


@login_required
@require_POST
def table_hand_down(request, pk):
    """改为下达表 (admin): every value written so far becomes its cell's 下达值."""
    table = access.table_for_user(request.user, pk)
    if not policy.can_change_table_mode(request.user, table):
        raise PermissionDenied("只有省局管理员可以改为下达表")
    try:
        kept = handdown.table_hand_down(table_id=table.pk, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已改为下达表：原有的 {kept} 个值已作为下达值保留，请在表格中填写或修改下达值")
    return redirect("targets:table_grid", pk=table.pk)

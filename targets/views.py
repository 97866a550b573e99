"""Pages of the row workflow. Views stay thin: fetch and authorise, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from review.engine import EDITABLE, SUBMITTABLE, ReviewStatus, StaleVersion, queue_others
from review.views import back_to, refused, step_view
from units import inputs, policy
from units.inputs import parse_id

from . import access, handdown_selectors, last_year, review_aids, selectors, workflow
from .adjustment_selectors import row_adjustment_context
from .forms import BulkApproveForm, OpenTableForm, RemoveForm, ReopenForm, ReturnForm
from .funding_services import funding_text, rows_funding_set
from .models import TableRow, TableStatus
from .plausibility_services import UnconfirmedWarnings
from .reminder_services import table_remind
from .services import row_cells_update


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied("您没有执行此操作的权限")


def _aids_context(row, columns, cells, last_years, reasons) -> dict:
    """The review aids and plausibility flags beside each value (targets.review_aids): `item.aid`
    on each cell view, and what the page shows of them. Reads the 下达值 once (one query, a
    handed-down table) for the aids and the handed-down part of the page both."""
    assigned = review_aids.assigned_by_row([row]) if row.table.is_handed_down else {}
    stored = {item.column.pk: item.cell for item in cells if item.cell is not None}
    aids = review_aids.row_aids(row, columns, cells={row.pk: stored}, last_years=last_years or {}, assigned=assigned)
    for item, aid in zip(cells, aids, strict=True):
        item.aid = aid
    return {
        "assigned": assigned.get(row.pk, {}),
        "with_target": any(aid.target is not None for aid in aids),
        "with_actual": any(aid.last_year and aid.last_year.actual for aid in aids),
        "flagged": review_aids.flagged(aids),
        "reasons_typed": reasons or {},
    }


def _row_context(request, row, *, typed=None, conflict=None, status=200, handdown_typed=None, reasons=None, **extra):
    columns = review_aids.table_columns(row.table)  # with the project targets the aids show
    cells = selectors.row_cells(row, columns)
    last_review = selectors.row_last_review(row)
    user = request.user
    can_edit = row.is_editable and policy.can_edit_row(user, row)
    typed = typed or {}
    last_years = last_year.cells_annotate(row, cells)
    with_last_year = last_years is not None
    aids = _aids_context(row, columns, cells, last_years, reasons)
    for item in cells:
        item.editable = can_edit and row.column_is_editable(item.column.pk)
        item.typed = typed.get(item.column.pk)
    context = {
        "row": row,
        "table": row.table,
        "cells": cells,
        "conflict": conflict,
        "with_last_year": with_last_year,
        "last_review": last_review,
        "changes": selectors.row_changes_since(last_review, row, cells),
        "history": selectors.row_history(row),
        "can_edit": can_edit,
        "can_submit": row.table.status == TableStatus.OPEN  # else the button could only be refused
        and row.status in SUBMITTABLE
        and policy.can_submit_row(user, row),
        "can_review": row.status == ReviewStatus.SUBMITTED and policy.can_review_row(user, row),
        "can_reopen": row.status == ReviewStatus.APPROVED and policy.can_reopen_row(user, row),
        "can_edit_funding": policy.can_edit_row_funding(user, row.table),
        "funding": funding_text(row.funding),
        "deadline_passed": policy.deadline_passed(row.table),
        "return_form": ReturnForm(),
        "reopen_form": ReopenForm(columns=columns),
        **row_adjustment_context(user, row, columns),  # 调整 and 批复版本 (targets/_adjustment.html)
        **handdown_selectors.row_page(row, cells, user, typed=handdown_typed, assigned=aids.pop("assigned")),
        **aids,
        **extra,
    }
    return render(request, "targets/row.html", context, status=status)


@login_required
@require_safe
def row_detail(request, pk):
    return _row_context(request, access.row_for_user(request.user, pk))


@login_required
@require_POST
def row_save(request, pk):
    row = access.row_for_user(request.user, pk)
    _require(policy.can_edit_row(request.user, row))
    columns = selectors.table_columns(row.table)
    values = {c.pk: request.POST[f"col-{c.pk}"] for c in columns if f"col-{c.pk}" in request.POST}
    narrative = request.POST.get("narrative") if "narrative" in request.POST else None
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, "表单缺少版本号，请刷新页面后重新填写")
        return redirect("targets:row", pk=row.pk)
    try:
        row_cells_update(
            row_id=row.pk, values=values, expected_version=version, actor=request.user, narrative=narrative
        )
    except StaleVersion as exc:
        row.refresh_from_db()
        refused(request, exc)
        return _row_context(request, row, typed=values, conflict=version, status=409)
    except ValidationError as exc:
        refused(request, exc)
        return _row_context(request, row, typed=values, status=400)
    messages.success(request, "已保存")
    return redirect("targets:row", pk=row.pk)


def _back(request, row):
    """Back to where the action was asked from (the grid or the row page), never off-site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("targets:row", pk=row.pk)


def _said(text: str):
    """The step's message, with the unit's name (the grid lists many)."""
    return lambda row: f"{row.unit.name}：{text}"


def _read_reasons(request, row) -> dict:
    """The unit's reasons for flagged values (`reason-<column id>`), when the row page's confirmation
    form sends them."""
    return {
        "reasons": {
            parse_id(key.removeprefix("reason-")): value
            for key, value in request.POST.items()
            if key.startswith("reason-") and parse_id(key.removeprefix("reason-")) is not None
        }
    }


def _unconfirmed(request, row, exc, fields):
    """Flagged values without a reason: the row page lists them, with the reasons typed so far
    (from the grid: a redirect to that list)."""
    if not isinstance(exc, UnconfirmedWarnings):
        return None
    messages.error(request, f"有 {len(exc.aids)} 项提示尚未说明：请逐项核实，填写说明后再提交（未提交）")
    if not fields["reasons"]:
        return redirect(reverse("targets:row", args=[row.pk]) + "#plausibility")
    return _row_context(request, row, reasons=fields["reasons"], status=400)


def _read_return(request, row) -> dict:
    form = ReturnForm(request.POST)
    if not form.is_valid():
        raise ValidationError(form.errors["comment"])
    return {"comment": form.cleaned_data["comment"]}


def _read_reopen(request, row) -> dict:
    form = ReopenForm(request.POST, columns=selectors.table_columns(row.table))
    if not form.is_valid():
        raise ValidationError([m for errors in form.errors.values() for m in errors])
    return {
        "reason": form.cleaned_data["reason"],
        "column_ids": form.cleaned_data["columns"] or None,
        "narrative": form.cleaned_data["narrative"],
    }


# The row's steps (review.views): from the row page or the grid, and back there.
_ROW = {"fetch": access.row_for_user, "key": "row_id", "back": _back}
row_submit = step_view(
    **_ROW,
    allowed=policy.can_submit_row,
    service=workflow.row_submit,
    read=_read_reasons,
    on_refused=_unconfirmed,
    success=_said("已提交，等待省局审核"),
)
row_return = step_view(
    **_ROW, allowed=policy.can_review_row, service=workflow.row_return, read=_read_return, success=_said("已退回")
)
row_approve = step_view(
    **_ROW, allowed=policy.can_review_row, service=workflow.row_approve, success=_said("已审核通过")
)
row_reopen = step_view(
    **_ROW,
    allowed=policy.can_reopen_row,
    service=workflow.row_reopen,
    read=_read_reopen,
    read_back=back_to("targets:row"),
    success=_said("已重新打开"),
)


@login_required
@require_safe
def review_queue(request):
    _require(policy.can_use_review_queue(request.user))
    rows, others = selectors.review_queue(request.user), queue_others(request.user)
    # ?project=: one project's queue (the home page's “您负责审核本项目” leads here).
    project_id = parse_id(request.GET.get("project", ""))
    if project_id is not None:
        rows = [row for row in rows if row.table.project_id == project_id]
        others = [item for item in others if item.project.pk == project_id]
    # Beside each value: 下达值 or the project's target, last year's value and 完成值, the
    # change, and the plausibility flags with the unit's reasons (targets.review_aids).
    aids = review_aids.rows_aids(rows)
    for row in rows:
        row.aids = aids[row.pk]
        row.flagged = review_aids.flagged(row.aids)
        row.unconfirmed = review_aids.unconfirmed(row.aids)
        row.confirmed_count = len(row.flagged) - len(row.unconfirmed)
    named = rows[0].table.project if rows else others[0].project if others else None
    context = {"rows": rows, "others": others, "project_id": project_id, "project_name": named.name if named else ""}
    return render(request, "targets/review_queue.html", context)


@login_required
@require_POST
def review_approve_many(request):
    _require(policy.can_use_review_queue(request.user))
    queue = {row.pk: row for row in selectors.review_queue(request.user)}
    requested = request.POST.getlist("rows")
    form = BulkApproveForm(request.POST, row_ids=list(queue))
    if not form.is_valid():
        # A row outside the user's queue is refused the same way as an empty choice.
        messages.error(request, "请至少选择一行" if not requested else "所选的行不在您的待审核列表中，请刷新后重试")
        return redirect("targets:review_queue")
    try:
        approved = workflow.rows_approve(row_ids=form.cleaned_data["rows"], actor=request.user)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, f"已审核通过 {len(approved)} 个单位的填报")
    return redirect("targets:review_queue")


@login_required
@require_safe
def table_progress(request, pk):
    table = access.table_for_user(request.user, pk)
    query = inputs.search_text(request.GET.get("q"))
    progress = selectors.table_progress(table, page=request.GET.get("page"), query=query)
    context = {
        "table": table,
        **progress,
        "query": query,
        "can_manage": policy.can_manage_table(request.user, table),
        "can_remind": table.status == TableStatus.OPEN and policy.can_remind_table(request.user, table),
        "reminders": selectors.reminders_by_unit(table),
        "unsubmitted": sum(bar["count"] for bar in progress["bars"] if bar["status"] in EDITABLE),
        # Extending a deadline starts from the one in force, not from an empty field.
        "open_form": OpenTableForm(initial={"deadline": table.deadline and timezone.localtime(table.deadline)}),
        "deadline_passed": policy.deadline_passed(table),
    }
    return render(request, "targets/progress.html", context)


@login_required
@require_POST
def table_open(request, pk):
    table = access.table_for_user(request.user, pk)
    _require(policy.can_manage_table(request.user, table))
    form = OpenTableForm(request.POST)
    if not form.is_valid():
        refused(request, ValidationError(form.errors["deadline"]))
    else:
        try:
            was_open = table.status == TableStatus.OPEN
            workflow.table_open(table_id=table.pk, actor=request.user, deadline=form.cleaned_data["deadline"])
        except ValidationError as exc:
            refused(request, exc)
        else:
            messages.success(request, "截止时间已延长" if was_open else "已开放填报，已通知各单位")
    return redirect("targets:table_progress", pk=table.pk)


@login_required
@require_POST
def table_remind_view(request, pk):
    """催报: remind every unit that has not submitted (at most once a day each)."""
    table = access.table_for_user(request.user, pk)
    _require(policy.can_remind_table(request.user, table))
    try:
        result = table_remind(table_id=table.pk, actor=request.user)
    except ValidationError as exc:
        refused(request, exc)
    else:
        (messages.success if result.reminded else messages.info)(request, result.message)
    return redirect("targets:table_progress", pk=table.pk)


@login_required
@require_POST
def table_close(request, pk):
    table = access.table_for_user(request.user, pk)
    _require(policy.can_manage_table(request.user, table))
    try:
        workflow.table_close(table_id=table.pk, actor=request.user)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, "已截止填报")
    return redirect("targets:table_progress", pk=table.pk)


@login_required
@require_POST
def row_funding(request, pk):
    """The row's 资金（万元）, by the bureau (the project's admin or reviewer)."""
    row = access.row_for_user(request.user, pk)
    _require(policy.can_edit_row_funding(request.user, row.table))
    try:
        rows_funding_set(
            table=row.table,
            fundings={row.pk: request.POST.get("funding", "")},
            shown={row.pk: request.POST["shown"]} if "shown" in request.POST else None,
            actor=request.user,
        )
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, f"{row.unit.name}：资金已保存")
    return redirect("targets:row", pk=row.pk)


@login_required
@require_POST
def row_remove(request, pk):
    row = access.row_for_user(request.user, pk)
    _require(policy.can_manage_table(request.user, row.table))
    form = RemoveForm(request.POST)
    if not form.is_valid():
        refused(request, ValidationError(form.errors["reason"]))
    else:
        workflow.row_remove(row_id=row.pk, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"已删除 {row.unit.name} 的填报行（可在本页恢复）")
    return redirect("targets:table_progress", pk=row.table_id)


@login_required
@require_POST
def row_restore(request, pk):
    row = get_object_or_404(TableRow.all_objects.select_related("table__project", "unit"), pk=pk)
    if not policy.can_view_table(request.user, row.table):
        raise Http404("没有找到该填报")
    _require(policy.can_manage_table(request.user, row.table))
    workflow.row_restore(row_id=row.pk, actor=request.user)
    messages.success(request, f"已恢复 {row.unit.name} 的填报行")
    return redirect("targets:table_progress", pk=row.table_id)

"""The spreadsheet-like grid: one page per table, saving cell by cell as JSON."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from units import inputs, policy
from units.audit import audit_entries_for
from units.inputs import MalformedJson, read_json

from . import access, handdown_selectors, last_year, review_aids, save_flags, selectors
from . import values as tv
from .layout import header_rows
from .models import Cell, TableStatus, TargetTable
from .payloads import RowValuesSave, payload_problem
from .review import SUBMITTABLE, NotEditable, ReviewStatus, StaleVersion
from .services import row_cells_update


@login_required
@require_safe
def table_grid(request, pk):
    table = get_object_or_404(TargetTable.objects.select_related("project"), pk=pk)
    if not policy.can_open_grid(request.user, table):
        raise Http404("没有找到该目标表")
    user = request.user
    columns = review_aids.table_columns(table)  # with the project targets the flags compare with
    rows, page = selectors.grid_page(
        table,
        user,
        status=request.GET.get("status") or None,
        query=inputs.search_text(request.GET.get("q")),
        page=request.GET.get("page"),
    )
    is_open = table.status == TableStatus.OPEN
    for row in rows:
        cells = {c.column_id: c for c in row.cells.all()}
        row.grid_cells = [(column, cells.get(column.pk)) for column in columns]
        row.can_edit = row.is_editable and policy.can_edit_row(user, row)
        # Only an open table takes submissions: elsewhere the button could only be refused.
        row.can_submit = is_open and row.status in SUBMITTABLE and policy.can_submit_row(user, row)
        row.can_review = row.status == ReviewStatus.SUBMITTED and policy.can_review_row(user, row)
    last_years = last_year.rows_annotate(table, rows, columns)
    assigned = handdown_selectors.grid_rows_attach(rows, columns, table, user) if table.is_handed_down else {}
    _flags_attach(table, rows, columns, last_years, assigned)
    context = {
        "table": table,
        "columns": columns,
        "header": handdown_selectors.grid_header_rows(columns) if table.is_handed_down else header_rows(columns),
        "rows": rows,
        "statuses": list(ReviewStatus),
        "status_filter": request.GET.get("status", ""),
        "query": inputs.search_text(request.GET.get("q")),
        "page": page,
        "deadline_passed": policy.deadline_passed(table),
        "staff": policy.can_view_table(user, table),
        "can_import": policy.can_import(user),
        "can_manage": policy.can_manage_table(user, table),  # opens it on the progress page
        "can_change_mode": not table.is_handed_down and policy.can_change_table_mode(user, table),
    }
    return render(request, "targets/grid.html", context)


def _flags_attach(table, rows, columns, last_years, assigned) -> None:
    """`row.aids` = {column id: ValueAid} (targets.review_aids): the flags beside the cells. From
    what the page read already; the project's targets and the confirmations of flagged values
    are one query each, when there are any."""
    cells = {row.pk: {c.column_id: c for c in row.cells.all()} for row in rows}
    aids = review_aids.rows_aids(rows, {table.pk: columns}, cells=cells, last_years=last_years, assigned=assigned)
    for row in rows:
        row.aids = {aid.column.pk: aid for aid in aids.get(row.pk, ())}


def _cell_payload(raw: str, column) -> dict:
    return {"raw": raw, "reading": tv.describe(column.parse(raw))}


MALFORMED = "请求格式不正确，请刷新页面后重试"


def _save_payload(body: bytes) -> tuple[int, dict[int, str], str | None]:
    """The grid's JSON: the version it was read at, values by column id, the narrative if sent.
    MalformedJson (a ValueError) names what is wrong with a body of another shape."""
    payload = RowValuesSave(data=read_json(body or b"{}"))
    if not payload.is_valid():
        raise MalformedJson(payload_problem(payload))
    data = payload.validated_data
    return data["version"], data["values"], data.get("narrative")


def malformed_response(exc: MalformedJson) -> JsonResponse:
    return JsonResponse({"message": f"{MALFORMED}（{exc}）"}, status=400)


def _cell_errors(columns: dict, values: dict[int, str]) -> dict[str, str]:
    errors = {}
    for column_id, raw in values.items():
        try:
            columns[column_id].parse(raw)
        except ValidationError as exc:
            errors[str(column_id)] = "；".join(exc.messages)
    return errors


def _conflict_response(row, exc: StaleVersion, user, values=Cell) -> JsonResponse:
    """409 with what the other person saved and who they were, so the page can show both.
    `values`: the model of what was saved (a row's cells, or the 下达值 of a handed-down row)."""
    row.refresh_from_db()
    current = {str(v.column_id): v.raw for v in values.objects.filter(row=row)}
    last = audit_entries_for(row).exclude(actor=user).first()
    return JsonResponse(
        {
            "message": exc.messages[0],
            "conflict": True,
            "version": row.version,
            "current": current,
            "narrative": row.narrative,
            "by": (last.actor.first_name or last.actor.username) if last and last.actor else "他人",
            "at": timezone.localtime(last.at).strftime("%Y-%m-%d %H:%M:%S") if last else "",
        },
        status=409,
    )


@login_required
@require_POST
def row_cells_save(request, pk):
    """Save typed values of one row. 400 names the bad cells; 409 shows the other person's values."""
    row = access.row_for_user(request.user, pk)
    if not policy.can_edit_row(request.user, row):
        raise PermissionDenied("您没有修改该行的权限")
    try:
        version, values, narrative = _save_payload(request.body)
    except MalformedJson as exc:
        return malformed_response(exc)

    columns = {c.pk: c for c in selectors.table_columns(row.table)}
    unknown = set(values) - set(columns)
    if unknown:
        return JsonResponse({"message": "提交的列不属于该目标表"}, status=400)
    errors = _cell_errors(columns, values)
    if errors:
        return JsonResponse({"message": "有单元格无法保存，请修改标红的单元格", "errors": errors}, status=400)

    try:
        row = row_cells_update(
            row_id=row.pk,
            values=values,
            expected_version=version,
            actor=request.user,
            narrative=narrative,
            columns=columns,
        )
    except StaleVersion as exc:
        return _conflict_response(row, exc, request.user)
    except NotEditable as exc:
        return JsonResponse({"message": exc.messages[0], "locked": True}, status=409)
    except ValidationError as exc:
        return JsonResponse({"message": "；".join(exc.messages)}, status=400)

    # The texts as stored: each value read as the service read it (memoised, no query).
    stored = {pk: columns[pk].parse_once(values[pk]).raw for pk in values}
    return JsonResponse(
        {
            "version": row.version,
            "status": row.status,
            "status_label": row.get_status_display(),
            "cells": {str(pk): _cell_payload(raw, columns[pk]) for pk, raw in stored.items()},
            # Plausibility (targets.plausibility): shown beside the cell, never a refusal.
            **save_flags.saved_warnings(row, columns, stored),
        }
    )

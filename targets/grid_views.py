"""The spreadsheet-like grid: one page per table, saving cell by cell as JSON."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST, require_safe

from review.engine import SUBMITTABLE, NotEditable, ReviewStatus, StaleVersion
from units import inputs, policy
from units.inputs import MalformedJson, read_json

from . import access, handdown_selectors, last_year, review_aids, save_flags, selectors
from . import values as tv
from .cell_checks import row_conflict
from .layout import header_rows
from .models import Cell, TableStatus, TargetTable
from .payloads import GridRowSave, payload_problem
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


def _save_payload(body: bytes, columns: dict) -> tuple[int, dict[int, str], str | None]:
    """The grid's JSON read by its serializer (targets.payloads.GridRowSave): the version it was
    read at, values by column id, the narrative if sent. MalformedJson (a ValueError) names what is
    wrong with a body of another shape; Refused, the values the table's columns refuse."""
    payload = GridRowSave(data=read_json(body or b"{}"), context={"columns": columns})
    if not payload.is_valid():
        errors = payload.errors
        if "columns" in errors:
            raise Refused(JsonResponse({"message": errors["columns"][0]}, status=400))
        if "cells" in errors:
            cells = {column_id: str(message) for column_id, message in errors["cells"].items()}
            message = "有单元格无法保存，请修改标红的单元格"
            raise Refused(JsonResponse({"message": message, "errors": cells}, status=400))
        raise MalformedJson(payload_problem(payload))
    data = payload.validated_data
    return data["version"], data["values"], data.get("narrative")


def malformed_response(exc: MalformedJson) -> JsonResponse:
    return JsonResponse({"message": f"{MALFORMED}（{exc}）"}, status=400)


class Refused(Exception):
    """A save refused before the service is asked: `response` says why (400)."""

    def __init__(self, response: JsonResponse):
        super().__init__(response.status_code)
        self.response = response


@dataclass(frozen=True)
class PostedValues:
    version: int
    values: dict[int, str]
    narrative: str | None
    columns: dict  # the table's columns by id


def posted_values(request, row) -> PostedValues:
    """The grid's JSON body for `row`, every value readable by its column (the grid and the 下达值
    grid alike). Refused (400): a body of another shape, a column not the table's, or the bad cells
    named (targets.cell_checks)."""
    columns = {c.pk: c for c in selectors.table_columns(row.table)}
    try:
        version, values, narrative = _save_payload(request.body, columns)
    except MalformedJson as exc:
        raise Refused(malformed_response(exc)) from None
    return PostedValues(version, values, narrative, columns)


def save_refusal(row, exc: ValidationError, user, values=Cell) -> JsonResponse:
    """What the grid shows of a refused save: the other person's values (409), a locked row (409),
    or why (400)."""
    if isinstance(exc, StaleVersion):
        return JsonResponse(row_conflict(row, exc, user, values=values), status=409)
    if isinstance(exc, NotEditable):
        return JsonResponse({"message": exc.messages[0], "locked": True}, status=409)
    return JsonResponse({"message": "；".join(exc.messages)}, status=400)


@login_required
@require_POST
def row_cells_save(request, pk):
    """Save typed values of one row. 400 names the bad cells; 409 shows the other person's values."""
    row = access.row_for_user(request.user, pk)
    if not policy.can_edit_row(request.user, row):
        raise PermissionDenied("您没有修改该行的权限")
    try:
        posted = posted_values(request, row)
        row = row_cells_update(
            row_id=row.pk,
            values=posted.values,
            expected_version=posted.version,
            actor=request.user,
            narrative=posted.narrative,
            columns=posted.columns,
        )
    except Refused as exc:
        return exc.response
    except ValidationError as exc:
        return save_refusal(row, exc, request.user)
    values, columns = posted.values, posted.columns

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

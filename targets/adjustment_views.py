"""Pages of 调整 (adjustment by request) and the 批复 versions. Thin: fetch and authorise, call a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from review.views import read_comment, step_view
from units import policy

from . import access, selectors
from .adjustment_selectors import row_versions, version_differences
from .adjustment_services import adjustment_approve, adjustment_refuse, adjustment_request
from .views import _row_context

ANCHOR = "#adjustment"


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied("您没有执行此操作的权限")


def _to_row(row_id: int, anchor: str = ANCHOR):
    return redirect(reverse("targets:row", args=[row_id]) + anchor)


def _typed(request, columns) -> tuple[dict[int, str], str | None]:
    values = {c.pk: request.POST[f"adj-{c.pk}"] for c in columns if f"adj-{c.pk}" in request.POST}
    narrative = request.POST.get("adj-narrative") if "adj-narrative" in request.POST else None
    return values, narrative


@login_required
@require_POST
def row_adjust(request, pk):
    """申请调整: the typed values that differ from the approved ones, with a reason."""
    row = access.row_for_user(request.user, pk)
    _require(policy.can_request_adjustment(request.user, row))
    values, narrative = _typed(request, selectors.table_columns(row.table))
    reason = request.POST.get("reason", "")
    try:
        version = int(request.POST.get("version", ""))
        adjustment_request(
            row_id=row.pk,
            actor=request.user,
            values=values,
            narrative=narrative,
            reason=reason,
            expected_version=version,
        )
    except ValueError:
        messages.error(request, "表单缺少版本号，请刷新页面后重新填写")
        return _to_row(row.pk)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        row.refresh_from_db()
        typed = {"values": values, "narrative": narrative, "reason": reason}
        return _row_context(request, row, status=400, adjust_typed=typed)
    messages.success(request, f"{row.unit.name}：调整申请已提交，等待省局审核；审核前仍以已批复的值为准")
    return _to_row(row.pk)


def _decided(text: str):
    return lambda adjustment: f"{adjustment.row.unit.name}：{text}"


# The bureau's decision on a 调整申请 (review.views), with its comment, back to the row's 调整.
_DECIDE = {
    "fetch": access.adjustment_for_user,
    "allowed": lambda user, adjustment: policy.can_review_adjustment(user, adjustment.row),
    "key": "adjustment_id",
    "read": read_comment,
    "back": lambda request, adjustment: _to_row(adjustment.row_id),
}
adjustment_approve_view = step_view(
    **_DECIDE, service=adjustment_approve, success=_decided("调整申请已批准，新的批复版本已生效")
)
adjustment_refuse_view = step_view(
    **_DECIDE, service=adjustment_refuse, success=_decided("调整申请未予批准，仍以原批复值为准")
)


def _chosen(versions, value, default):
    """The version numbered `value` (a query string: anything), else `default`."""
    by_number = {str(v.number): v for v in versions}
    return by_number.get(str(value or "").strip(), default)


@login_required
@require_safe
def row_versions_compare(request, pk):
    """Two 批复 versions of a row side by side, column by column (four queries after the policy's)."""
    row = access.row_for_user(request.user, pk)
    versions = row_versions(row)  # newest first
    first = second = None
    if versions:
        first = _chosen(versions, request.GET.get("a"), versions[1] if len(versions) > 1 else versions[0])
        second = _chosen(versions, request.GET.get("b"), versions[0])
        if first.number > second.number:
            first, second = second, first
    columns = selectors.table_columns(row.table)
    context = {
        "row": row,
        "table": row.table,
        "versions": versions,
        "first": first,
        "second": second,
        "differences": version_differences(first, second, columns) if first else [],
    }
    return render(request, "targets/row_versions.html", context)

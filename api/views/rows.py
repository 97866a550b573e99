"""Rows: the caller's rows and cells; saving cells with the row's version; submit, approve, return.

The same services as the grid: `targets.services.row_cells_update` (validation, row lock, 409 on a
stale version) and `targets.workflow` (each step a `review.engine.transition`)."""

from functools import partial

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from review.engine import StaleVersion
from targets import access, workflow
from targets import selectors as target_selectors
from targets.cell_checks import cells_refused, row_conflict
from targets.services import row_cells_update
from units import policy
from units.inputs import parse_id

from .. import filters, selectors
from ..exceptions import Conflict
from ..pagination import CellCursorPagination
from ..serializers import (
    CellSerializer,
    ReturnSerializer,
    RowListSerializer,
    RowSerializer,
    RowWriteSerializer,
    SubmitSerializer,
)
from .steps import step_api_view

ERRORS = OpenApiResponse(description="错误：{detail: 中文信息, errors: [{field, message}]}")


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("您没有执行此操作的权限")


def _row_response(request, pk) -> Response:
    row = access.row_for_user(request.user, pk)
    return Response(RowSerializer(row, context=selectors.row_detail(row)).data)


@extend_schema(summary="可见的填报行（单位只见本单位的行）")
class RowList(generics.ListAPIView):
    filter_backends = [filters.QueryFilterBackend]
    filterset_class = filters.RowFilter
    serializer_class = RowListSerializer

    def get_queryset(self):
        return selectors.rows_for(self.request.user)


@extend_schema(summary="可见行的单元格（游标分页）")
class CellList(generics.ListAPIView):
    filter_backends = [filters.QueryFilterBackend]
    filterset_class = filters.CellFilter
    serializer_class = CellSerializer
    pagination_class = CellCursorPagination

    def get_queryset(self):
        return selectors.cells_for(self.request.user)


class RowDetail(generics.GenericAPIView):
    serializer_class = RowSerializer

    @extend_schema(summary="填报行及其单元格")
    def get(self, request, pk):
        return _row_response(request, pk)

    @extend_schema(
        summary="保存本行的单元格（带版本号）",
        request=RowWriteSerializer,
        responses={200: RowSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS, 409: ERRORS},
    )
    def patch(self, request, pk):
        row = access.row_for_user(request.user, pk)
        _require(policy.can_edit_row(request.user, row))
        payload = RowWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        cells = payload.validated_data["cells"]
        columns = {c.pk: c for c in target_selectors.table_columns(row.table)}
        # Each value read by its column's parser, as the grid does (targets.cell_checks): errors with their path.
        errors = [
            {"field": f"cells.{column_id}", "message": m}
            for column_id, messages in cells_refused(columns, cells).items()
            for m in messages
        ]
        if errors:
            detail = "有单元格无法保存：" + "；".join(e["message"] for e in errors)
            return Response({"detail": detail, "errors": errors}, status=400)
        try:
            row_cells_update(
                row_id=row.pk,
                values=cells,
                expected_version=payload.validated_data["version"],
                actor=request.user,
                narrative=payload.validated_data.get("narrative"),
            )
        except StaleVersion as exc:
            body = row_conflict(row, exc, request.user)  # what the grid shows: the values, who and when
            raise Conflict(body.pop("message"), extra=body) from None
        return _row_response(request, pk)


def _reasons(data: dict) -> dict:
    """{column id: the unit's reason} from the body's `reasons`, keyed by text."""
    reasons = {}
    for key, reason in data["reasons"].items():
        if parse_id(key) is None:
            raise serializers.ValidationError({"reasons": {key: "列编号应为数字"}})
        reasons[parse_id(key)] = reason
    return {"reasons": reasons}


# The row's steps (api.views.steps): the same services as the grid's buttons.
_step = partial(
    step_api_view, fetch=access.row_for_user, key="row_id", answer=_row_response, serializer_class=RowSerializer
)
STEP = {200: RowSerializer, 403: ERRORS, 404: ERRORS, 409: ERRORS}
RowSubmit = _step(
    "RowSubmit",
    policy.can_submit_row,
    workflow.row_submit,
    "提交本行，等待省局审核（有合理性提示的值须附说明）",
    responses=STEP,
    payload=SubmitSerializer,
    read=_reasons,
)
RowApprove = _step("RowApprove", policy.can_review_row, workflow.row_approve, "审核通过（审核员）", responses=STEP)
RowReturn = _step(
    "RowReturn",
    policy.can_review_row,
    workflow.row_return,
    "退回（审核员，须填写意见）",
    responses={200: RowSerializer, 400: ERRORS, **STEP},
    payload=ReturnSerializer,
)

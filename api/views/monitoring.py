"""绩效运行监控 and 自评: rounds, reports, writing the caller's own report, submit; grade, return, approve.

Fetched through monitoring.access (404 outside the caller's scope), allowed by units.policy, written
through monitoring.services, read through monitoring.selectors.report_page (the figures the page shows)."""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from monitoring import access, selectors, services
from monitoring.models import Report
from monitoring.services import REPORT_TEXTS, VALUE_TEXTS, _read_actual
from review.engine import StaleVersion
from units import policy
from units.inputs import check_text, parse_id

from .. import filters, monitoring_selectors
from ..exceptions import Conflict
from ..monitoring_serializers import (
    ApproveSerializer,
    GradesSerializer,
    ReportListSerializer,
    ReportSerializer,
    ReportWriteSerializer,
    RoundSerializer,
    report_data,
)
from ..serializers import ReturnSerializer
from .steps import step_api_view

ERRORS = OpenApiResponse(description="错误：{detail: 中文信息, errors: [{field, message}]}")
ROUND = OpenApiParameter("round", OpenApiTypes.INT, description="轮次编号（id）")


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("您没有执行此操作的权限")


def _report_response(request, pk) -> Response:
    report = access.report_for_user(request.user, pk)
    page = selectors.report_page(report, request.user)
    return Response({**ReportListSerializer(report).data, **report_data(page)})


@extend_schema(summary="项目的监控、自评轮次（本项目的省局人员）")
class RoundList(generics.GenericAPIView):
    serializer_class = RoundSerializer
    pagination_class = None

    @extend_schema(responses=RoundSerializer(many=True))
    def get(self, request, pk):
        project = access.project_rounds(request.user, pk)
        rounds = monitoring_selectors.project_rounds(project)
        return Response(RoundSerializer(rounds, many=True).data)


@extend_schema(summary="一轮的全部报告（本项目的省局人员）")
class RoundReportList(generics.GenericAPIView):
    serializer_class = ReportListSerializer
    pagination_class = None

    @extend_schema(responses=ReportListSerializer(many=True))
    def get(self, request, pk):
        round_ = access.round_for_user(request.user, pk)
        return Response(ReportListSerializer(monitoring_selectors.round_reports(round_), many=True).data)


@extend_schema(parameters=[ROUND], summary="我的报告：本单位的报告，及待我审核的报告")
class ReportList(generics.GenericAPIView):
    serializer_class = ReportListSerializer
    pagination_class = None

    @extend_schema(responses=ReportListSerializer(many=True))
    def get(self, request):
        params = filters.checked(filters.ReportFilter, request.query_params)
        reports = monitoring_selectors.my_reports(request.user, params["round"])
        return Response(ReportListSerializer(reports, many=True).data)


def _value_errors(report: Report, values: dict) -> tuple[dict[int, dict], list[dict]]:
    """The posted values by id, read as the service will read them: errors with their field path."""
    known = {v.pk: v for v in report.values.all()}
    posted, errors = {}, []
    for key, fields in values.items():
        value = known.get(parse_id(key))
        if value is None:
            errors.append({"field": f"values.{key}", "message": "该指标不在此报告中"})
            continue
        checks = {
            "actual": f"“{value.label}”的完成值",
            "expected": f"“{value.label}”的全年预计完成值",
            **{n: f"“{value.label}”的{label}" for n, label in VALUE_TEXTS.items()},
        }
        for name, where in checks.items():
            if name not in fields:
                continue
            try:
                check_text(fields[name], where)
                if name in ("actual", "expected"):  # the service's own reader: refusals named on their field
                    _read_actual(value, fields[name] or "", "完成值" if name == "actual" else "全年预计完成值")
            except ValidationError as exc:
                errors.extend({"field": f"values.{key}.{name}", "message": m} for m in exc.messages)
        posted[value.pk] = {("raw" if n == "actual" else n): v for n, v in fields.items()}
    return posted, errors


def _report_texts(data: dict) -> tuple[dict, dict]:
    budget = dict(data.get("budget") or {})
    texts = {name: data[name] for name in REPORT_TEXTS if name in data}
    if "budget_reason" in budget:
        texts["budget_reason"] = budget.pop("budget_reason")
    return {source: dict(figures) for source, figures in (budget.get("lines") or {}).items()}, texts


class ReportDetail(generics.GenericAPIView):
    serializer_class = ReportSerializer

    @extend_schema(summary="报告：目标、完成值、进度与偏差（监控）、得分与等级（自评）、预算")
    def get(self, request, pk):
        return _report_response(request, pk)

    @extend_schema(
        summary="填写本单位的报告：完成值、偏差原因、纠偏措施、未完成原因分析、预算（带版本号）",
        request=ReportWriteSerializer,
        responses={200: ReportSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS, 409: ERRORS},
    )
    def patch(self, request, pk):
        report = access.report_for_user(request.user, pk)
        _require(policy.can_edit_report(request.user, report))
        payload = ReportWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        values, errors = _value_errors(report, payload.validated_data["values"])
        if errors:
            detail = "有内容无法保存：" + "；".join(e["message"] for e in errors)
            return Response({"detail": detail, "errors": errors}, status=400)
        budget, texts = _report_texts(payload.validated_data)
        try:
            services.report_save(
                report_id=report.pk,
                expected_version=payload.validated_data["version"],
                actor=request.user,
                values=values,
                budget=budget,
                texts=texts,
            )
        except StaleVersion as exc:
            report.refresh_from_db()
            raise Conflict(exc.messages[0], extra={"version": report.version}) from None
        return _report_response(request, pk)


STEP = {200: ReportSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS, 409: ERRORS}


class ReportGrade(generics.GenericAPIView):
    serializer_class = ReportSerializer

    @extend_schema(summary="评定须审核员判断的指标（审核员）", request=GradesSerializer, responses=STEP)
    def post(self, request, pk):
        report = access.report_for_user(request.user, pk)
        _require(policy.can_review_report(request.user, report))
        payload = GradesSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        known = set(report.values.values_list("pk", flat=True))
        grades = {
            parse_id(k): (f["grade"], f.get("percent"))
            for k, f in payload.validated_data["grades"].items()
            if parse_id(k) is not None
        }
        strangers = [k for k in payload.validated_data["grades"] if parse_id(k) not in known]
        if strangers:
            errors = [{"field": f"grades.{k}", "message": "该指标不在此报告中"} for k in strangers]
            return Response({"detail": "该指标不在此报告中", "errors": errors}, status=400)
        services.report_grade(report_id=report.pk, actor=request.user, grades=grades)
        return _report_response(request, pk)


# The report's steps (api.views.steps): the same services as the report page's buttons.
_step = partial(
    step_api_view,
    fetch=access.report_for_user,
    key="report_id",
    answer=_report_response,
    serializer_class=ReportSerializer,
    responses=STEP,
)
ReportSubmit = _step("ReportSubmit", policy.can_submit_report, services.report_submit, "提交本单位的报告，等待省局审核")
ReportReturn = _step(
    "ReportReturn",
    policy.can_review_report,
    services.report_return,
    "退回（审核员，须填写意见）",
    payload=ReturnSerializer,
)
ReportApprove = _step(
    "ReportApprove",
    policy.can_review_report,
    services.report_approve,
    "审核通过（审核员；自评须先评定）",
    payload=ApproveSerializer,
)

"""评分规则核对: bureau staff paste or upload a table of cases and see it scored by the rules that
score reports (`monitoring.casebook`); the result downloads as CSV or .xlsx."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from units import policy

from . import casebook
from .models import GradeLevel

EXAMPLE = "指标值,完成值,分值,方向\n≥500条,450条,10,\n0次,1次,10,\n80%-90%,95%,10,\n不少于15家媒体…不少于30篇,18家媒体发布25篇,10,\n"


def _text(request) -> str:
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size > casebook.MAX_BYTES:
            raise casebook.CaseError(f"文件过大（上限 {casebook.MAX_BYTES // 1024 // 1024} MB）")
        return casebook.decode(upload.read(casebook.MAX_BYTES + 1))
    text = request.POST.get("cases", "")
    if len(text) > casebook.MAX_BYTES:
        raise casebook.CaseError("表格过大")
    return text


def _download(table: list[list[str]], kind: str) -> HttpResponse:
    if kind == "xlsx":
        response = HttpResponse(
            casebook.to_xlsx(table), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        name = "评分规则核对.xlsx"
    else:
        response = HttpResponse(
            casebook.to_csv(table, bom=True).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        name = "评分规则核对.csv"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])  # a form page: shown, then posted to itself
def scoring_check(request):
    if not policy.can_check_scoring(request.user):
        raise PermissionDenied("评分规则核对仅供省局人员使用")
    context = {"text": EXAMPLE, "table": None, "error": ""}
    if request.method == "POST":
        try:
            text = _text(request)
            levels = [(level.name, level.percent) for level in GradeLevel.in_force()]
            table = casebook.score_table(text, levels)
        except casebook.CaseError as exc:
            context.update(error=str(exc), text=request.POST.get("cases", ""))
            return render(request, "monitoring/scoring_check.html", context, status=400)
        if request.POST.get("download") in ("csv", "xlsx"):
            return _download(table, request.POST["download"])
        context.update(text=text, table=table)
    return render(request, "monitoring/scoring_check.html", context)

"""The 自评表 / 绩效运行监控表 of a monitoring report, as an .xlsx download.

Who may: whoever may see the report (`units.policy.can_view_report`, through
`monitoring.access.report_for_user`); anyone else 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from monitoring import access as monitoring_access

from .exporters import export_workbook, exporter_for, exporters_for, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_filename(report) -> str:
    kind = "自评表" if report.round.kind == "self_evaluation" else "绩效运行监控表"
    base = f"{report.round.project.name}-{report.owner_label}-{report.round.year}年{kind}"
    for ch in '\\/:*?"<>|':
        base = base.replace(ch, "")
    return f"{base}.xlsx"


@login_required
def export_report(request, pk):
    report = monitoring_access.report_for_user(request.user, pk)
    exporters = exporters_for(report, request.user)
    if not exporters:
        raise Http404("该报告没有可导出的表")
    workbook = export_workbook([(exporters[0], report)], request.user)
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, report_filename(report))
    return response


@login_required
def export_round_summary(request, pk):
    """The round's 汇总表: the project's bureau staff (as the round page)."""
    round_ = monitoring_access.round_for_user(request.user, pk)
    exporter = exporter_for("round_summary")
    if not exporter.allows(request.user, round_):
        raise Http404("没有找到该轮次")
    response = HttpResponse(workbook_bytes(export_workbook([(exporter, round_)], request.user)), content_type=XLSX)
    name = f"{round_.project.name}-{round_.year}年{round_.get_kind_display()}汇总表.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name.replace("/", ""))
    return response

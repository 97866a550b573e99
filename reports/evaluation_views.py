"""The 自评表 / 绩效运行监控表 of a monitoring report, as an .xlsx download.

Who may: whoever may see the report (`units.policy.can_view_report`, through
`monitoring.access.report_for_user`); anyone else 404. The .zip of every unit's form of a round is
an export job (reports.unit_forms), for who may see the round."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST, require_safe

from monitoring import access as monitoring_access
from projects.downloads import download_name
from units.files import attach

from .bundles import report_filename
from .exporters import export_workbook, exporter_for, exporters_for, workbook_bytes
from .services import export_job_waiting_or_create

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_safe
def export_report(request, pk):
    report = monitoring_access.report_for_user(request.user, pk)
    exporters = exporters_for(report, request.user)
    if not exporters:
        raise Http404("该报告没有可导出的表")
    workbook = export_workbook([(exporters[0], report)], request.user)
    return attach(HttpResponse(workbook_bytes(workbook), content_type=XLSX), report_filename(report))


@login_required
@require_safe
def export_round_summary(request, pk):
    """The round's 汇总表: the project's bureau staff (as the round page)."""
    round_ = monitoring_access.round_for_user(request.user, pk)
    exporter = exporter_for("round_summary")
    if not exporter.allows(request.user, round_):
        raise Http404("没有找到该轮次")
    response = HttpResponse(workbook_bytes(export_workbook([(exporter, round_)], request.user)), content_type=XLSX)
    return attach(response, download_name(round_.project, str(round_), "汇总表", ext="xlsx"))


@login_required
@require_POST
def export_round_forms(request, pk):
    """每个单位的自评表 (监控表) in one .zip, built by a worker: the project's bureau staff, who see
    every report of the round (as the round page). A second click shows the job still waiting."""
    round_ = monitoring_access.round_for_user(request.user, pk)
    job = export_job_waiting_or_create(owner=request.user, round_=round_)
    return redirect("reports:export_job", pk=job.pk)

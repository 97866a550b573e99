from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe

from monitoring.models import Round
from monitoring.selectors import reports_for_filler
from projects.filings.selectors import department_filings
from projects.models import Agreement
from targets.models import ReviewStatus, TargetTable
from targets.selectors import rows_for_filler
from units import policy

from . import access
from .bundles import filename_for
from .exporters import export_workbook, exporter_for, exporters_for, workbook_bytes
from .models import ExportJob
from .selectors import project_overview
from .services import export_job_create, export_job_expire_unstarted, export_job_retry, export_job_waiting_or_create

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_safe
def home(request):
    return render(
        request,
        "reports/home.html",
        {
            "projects": project_overview(request.user),
            "statuses": list(ReviewStatus),
            "roles": policy.bureau_roles(request.user),
            "my_rows": rows_for_filler(request.user) if policy.filler_unit_ids(request.user) else [],
            "my_agreements": Agreement.objects.filter(
                undertaker_id__in=policy.filler_unit_ids(request.user)
            ).select_related("project")
            if policy.filler_unit_ids(request.user)
            else [],
            "my_filings": department_filings(request.user),
            "my_reports": reports_for_filler(request.user),
            "staff": policy.is_bureau_staff(request.user),
            "can_import": policy.can_import(request.user),
        },
    )


def _xlsx(workbook, filename: str) -> HttpResponse:
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _exportable(user, exporter, obj, missing: str):
    # The file is there only for who may open the object's own page; anyone else, 404.
    if exporter is None or not exporter.allows(user, obj):
        raise Http404(missing)
    return exporter


@login_required
@require_safe
def export_project(request, pk, layout):
    """One sheet of a project in an official layout."""
    project = access.project_for_export(request.user, pk)
    exporter = next((e for e in exporters_for(project) if e.identifier == layout), None)
    _exportable(request.user, exporter, project, "该项目没有这个版式")
    round_id = request.GET.get("round", "").strip()
    if round_id and hasattr(exporter, "for_round"):  # the roll-up with a round's 完成值
        round_ = Round.objects.filter(project=project, pk=_pk(round_id)).first()
        if round_ is None:
            raise Http404("该项目没有这个监控/自评轮次")
        exporter = exporter.for_round(round_)
    return _xlsx(export_workbook([(exporter, project)], request.user), filename_for(project, exporter.title))


@login_required
@require_safe
def export_table(request, pk):
    """The table; with ?as_of=YYYY-MM-DD, each row's 批复 version in force on that day."""
    table = get_object_or_404(TargetTable.objects.select_related("project"), pk=pk)
    exporter = _exportable(request.user, exporter_for("unit_table"), table, "没有找到该目标表")
    as_of = request.GET.get("as_of", "").strip()
    if as_of:
        day = parse_day(as_of)
        if day is None:
            return HttpResponseBadRequest("日期格式不正确，应为 YYYY-MM-DD（如 2026-06-30）")
        exporter = exporter.at(day)
    name = filename_for(table, f"批复值{as_of}" if as_of else None)
    return _xlsx(export_workbook([(exporter, table)], request.user), name)


def _pk(text: str) -> int:
    """An id typed in a URL, or 0 (no object): a crafted value is a 404, never a 500."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 0


def parse_day(text: str):
    """A date typed as YYYY-MM-DD, or None (a crafted value is a message, never a 500)."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


@login_required
@require_safe
def export_table_handdown(request, pk):
    """下达值 | 申报值 side by side: a handed-down table, for the bureau's own review."""
    table = get_object_or_404(TargetTable.objects.select_related("project"), pk=pk)
    exporter = exporter_for("handdown_review")
    _exportable(request.user, exporter if exporter.applies_to(table) else None, table, "没有找到该下达表")
    return _xlsx(export_workbook([(exporter, table)], request.user), filename_for(table, exporter.title))


@login_required
@require_safe
def export_agreement(request, pk):
    agreement = get_object_or_404(Agreement.objects.select_related("project"), pk=pk)
    exporter = _exportable(request.user, exporter_for("agreement_annex"), agreement, "没有找到该任务书")
    return _xlsx(export_workbook([(exporter, agreement)], request.user), filename_for(agreement, "附表"))


@login_required
@require_POST
def export_bundle(request, pk):
    """全部附件: built by a worker; the job page shows progress and the download link."""
    project = access.project_for_export(request.user, pk)
    job = export_job_create(project=project, owner=request.user)
    return redirect("reports:export_job", pk=job.pk)


def agreement_pdf_start(request, agreement):
    """The 任务书 PDF (projects:agreement_pdf, registered in reports.apps): the caller has fetched and
    authorised `agreement`. A job of the requester's still queued or running is shown, not doubled."""
    job = export_job_waiting_or_create(owner=request.user, agreement=agreement)
    job = ExportJob.objects.select_related("project", "agreement").get(pk=job.pk)
    return render(request, "reports/export_job.html", {"job": export_job_expire_unstarted(job=job)})


@login_required
@require_safe
def export_job(request, pk):
    job = export_job_expire_unstarted(job=access.export_job_for_owner(request.user, pk))
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": job.status,
                "status_label": job.get_status_display(),
                "percent": job.percent,
                "done": job.done_sheets,
                "total": job.total_sheets,
                "error": job.error,
            }
        )
    return render(request, "reports/export_job.html", {"job": job})


@login_required
@require_POST
def export_job_retry_view(request, pk):
    job = access.export_job_for_owner(request.user, pk)
    if not policy.can_use_export_job(request.user, job):  # permissions may have changed since
        raise Http404("没有找到该项目")
    export_job_retry(job=job)
    return redirect("reports:export_job", pk=job.pk)


@login_required
@require_safe
def export_job_download(request, pk):
    job = access.export_job_for_owner(request.user, pk)
    if job.status != "done" or not job.file:
        raise PermissionDenied("文件尚未生成")
    if not policy.can_use_export_job(request.user, job):
        raise Http404("没有找到该项目")
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.download_name, content_type=job.content_type
    )

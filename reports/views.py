from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from monitoring.models import Round
from monitoring.selectors import reports_for_filler
from projects.access import agreement_for_user
from projects.downloads import download_name
from projects.filings.selectors import department_filings
from projects.models import Agreement
from targets.models import ReviewStatus, TargetTable
from targets.selectors import rows_for_filler
from units import inputs, policy
from units.files import attach, file_response

from . import access
from .exporters import export_workbook, exporter_for, exporters_for, workbook_bytes
from .models import ExportJob, ExportStatus
from .selectors import project_overview, project_years
from .services import export_job_create, export_job_expire_unstarted, export_job_retry, export_job_waiting_or_create

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


SEARCH_CHARS = 50


@login_required
@require_safe
def home(request):
    year = _pk(request.GET.get("year", "").strip()) or None  # a crafted year is “every year”
    query = inputs.search_text(request.GET.get("q"), SEARCH_CHARS)
    projects = project_overview(request.user, year=year, query=query)
    # Unfiltered, the years are the projects' own; filtered, every year must stay on offer (a query).
    years = project_years(request.user) if year or query else sorted({p.budget_year for p in projects} - {None})[::-1]
    return render(
        request,
        "reports/home.html",
        {
            "projects": projects,
            "years": years,
            "year": year,
            "query": query,
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
            "can_create_project": policy.can_create_project(request.user),
        },
    )


def _xlsx(workbook, filename: str) -> HttpResponse:
    return attach(HttpResponse(workbook_bytes(workbook), content_type=XLSX), filename)


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
    round_ = None
    if round_id and hasattr(exporter, "for_round"):  # the roll-up with a round's 完成值
        round_ = Round.objects.filter(project=project, pk=_pk(round_id)).first()
        if round_ is None:
            raise Http404("该项目没有这个监控/自评轮次")
        exporter = exporter.for_round(round_)
    name = download_name(project, exporter.title, round_ or "", ext="xlsx")
    return _xlsx(export_workbook([(exporter, project)], request.user), name)


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
    name = download_name(table.project, table.title, f"截至{as_of}的批复值" if as_of else "", ext="xlsx")
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
    name = download_name(table.project, table.title, exporter.title, ext="xlsx")
    return _xlsx(export_workbook([(exporter, table)], request.user), name)


@login_required
@require_safe
def export_table_unsubmitted(request, pk):
    """未提交单位名单 of a table (催报's list): the project's bureau staff."""
    table = get_object_or_404(TargetTable.objects.select_related("project"), pk=pk)
    exporter = _exportable(request.user, exporter_for("unsubmitted"), table, "没有找到该目标表")
    name = download_name(table.project, table.title, exporter.title, ext="xlsx")
    return _xlsx(export_workbook([(exporter, table)], request.user), name)


@login_required
@require_safe
def export_agreement(request, pk):
    agreement = get_object_or_404(Agreement.objects.select_related("project", "undertaker"), pk=pk)
    exporter = _exportable(request.user, exporter_for("agreement_annex"), agreement, "没有找到该任务书")
    name = download_name(agreement.project, "任务书附表", agreement.owner_label, ext="xlsx")
    return _xlsx(export_workbook([(exporter, agreement)], request.user), name)


def _wants_json(request) -> bool:
    """The page's script (static/js/jobs.js) starts a job and waits for it in place."""
    return request.headers.get("Accept", "").startswith("application/json")


def job_state(job: ExportJob) -> dict:
    """What a waiting page shows of a job, and where its file will be."""
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "percent": job.percent,
        "done": job.done_sheets,
        "total": job.total_sheets,
        "error": job.error,
        "page": reverse("reports:export_job", args=[job.pk]),
        "download": reverse("reports:export_job_download", args=[job.pk]),
        "download_name": job.download_name if job.status == ExportStatus.DONE else "",
    }


def _job_started(request, job: ExportJob, *, auto: bool = True):
    """A job just started: its state for the script that waits in place, else its page, which
    waits the same way and (`auto`) fetches the file when it is ready."""
    job = export_job_expire_unstarted(job=access.export_job_for_owner(request.user, job.pk))
    if _wants_json(request):
        return JsonResponse(job_state(job))
    page = reverse("reports:export_job", args=[job.pk])
    return redirect(f"{page}?auto=1" if auto else page)


@login_required
@require_POST
def export_bundle(request, pk):
    """全部附件: built by a worker; the job page shows progress and the download link."""
    project = access.project_for_export(request.user, pk)
    # The plain page without the script: the API and older links read its address as the job's.
    return _job_started(request, export_job_create(project=project, owner=request.user), auto=False)


@login_required
@require_POST
def export_project_pdf(request, pk, layout):
    """A project's sheet (the 附件2 …) as PDF, printed by LibreOffice in a worker."""
    project = access.project_for_export(request.user, pk)
    exporter = next((e for e in exporters_for(project) if e.identifier == layout), None)
    _exportable(request.user, exporter, project, "该项目没有这个版式")
    return _job_started(request, export_job_create(project=project, owner=request.user, layout=layout))


@login_required
@require_POST
def export_table_pdf(request, pk):
    """A unit table as PDF (the rows the requester may see), printed by LibreOffice in a worker."""
    table = get_object_or_404(TargetTable.objects.select_related("project"), pk=pk)
    _exportable(request.user, exporter_for("unit_table"), table, "没有找到该目标表")
    job = export_job_create(project=table.project, owner=request.user, layout="unit_table", table=table)
    return _job_started(request, job)


@login_required
@require_safe
def agreement_pdf(request, pk):
    """The 任务书 PDF: LibreOffice takes too long for a request, so this starts the job and its page
    shows progress and the link. A job of the requester's still queued or running is shown, not doubled."""
    agreement = agreement_for_user(request.user, pk)
    job = export_job_waiting_or_create(owner=request.user, agreement=agreement)
    job = export_job_expire_unstarted(job=access.export_job_for_owner(request.user, job.pk))
    if _wants_json(request):
        return JsonResponse(job_state(job))
    return render(request, "reports/export_job.html", {"job": job, "auto": True})


@login_required
@require_safe
def export_job(request, pk):
    job = export_job_expire_unstarted(job=access.export_job_for_owner(request.user, pk))
    if request.GET.get("format") == "json" or _wants_json(request):
        return JsonResponse(job_state(job))
    return render(request, "reports/export_job.html", {"job": job, "auto": request.GET.get("auto") == "1"})


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
    try:
        job = access.export_job_for_download(request.user, pk)
    except access.ExportExpired as expired:  # its page says so and offers 重新导出
        return redirect("reports:export_job", pk=expired.job.pk)
    return file_response(job.file, filename=job.download_name, content_type=job.content_type)

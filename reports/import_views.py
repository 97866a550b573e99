"""Upload a file, see what it will change, confirm."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from projects.downloads import download_name
from targets.models import TableRow, TargetTable
from units import policy
from units.files import attach
from units.inputs import parse_id

from . import access
from .import_services import import_job_confirm, import_job_create
from .importers import ImportPlan
from .models import ImportStatus
from .templates_xlsx import table_template
from .views import XLSX


@login_required
@require_safe
def table_template_download(request, pk):
    table = get_object_or_404(TargetTable.objects.select_related("project"), pk=pk)
    if not policy.can_open_grid(request.user, table):
        raise Http404("没有找到该目标表")
    if not policy.can_import_into(request.user, table):
        raise PermissionDenied("您没有导入该目标表的权限")
    response = HttpResponse(table_template(table, request.user), content_type=XLSX)
    # A filler's template holds their own unit's rows: its name says whose.
    units = TableRow.objects.filter(table=table, unit_id__in=policy.filler_unit_ids(request.user))
    owners = "、".join(units.order_by("seq").values_list("unit__name", flat=True)[:3])
    return attach(response, download_name(table.project, table.title, "填报模板", owners, ext="xlsx"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request):
    if not policy.can_import(request.user):
        raise PermissionDenied("您没有导入数据的权限")
    project = None
    if request.GET.get("project") or request.POST.get("project"):
        project = access.project_for_import(request.user, request.GET.get("project") or request.POST.get("project"))
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的文件")
        elif upload.size > settings.IMPORT_MAX_BYTES:
            messages.error(
                request, f"文件过大（{upload.size // 1024} KB），上限为 {settings.IMPORT_MAX_BYTES // 1024 // 1024} MB"
            )
        else:
            job = import_job_create(name=upload.name, data=upload.read(), user=request.user, project=project)
            if job.status == ImportStatus.INVALID:
                # A refused file is bad input: say so with 400 and the errors, not a redirect to a 200.
                return _job_page(request, job, status=400)
            return redirect("reports:import_job", pk=job.pk)
    return render(
        request, "reports/import_upload.html", {"project": project, "max_mb": settings.IMPORT_MAX_BYTES // 1024 // 1024}
    )


CHANGES_PER_PAGE = 200


@login_required
@require_safe
def import_job(request, pk):
    """The preview: counts first, then the change list a page at a time (a 10,000-row import
    would otherwise render 10,000 table rows)."""
    return _job_page(request, access.import_job_for_owner(request.user, pk))


def _job_page(request, job, status=200):
    plan = ImportPlan.from_dict(job.plan)
    changes = Paginator(plan.changes, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reports/import_job.html", {"job": job, "plan": plan, "changes": changes}, status=status)


@login_required
@require_POST
def import_apply(request, pk):
    job = access.import_job_for_owner(request.user, pk)
    if job.status != ImportStatus.PREVIEWED:
        messages.error(request, "该导入不能执行（有错误或已处理）")
    elif import_job_confirm(
        job=job, confirmed=[parse_id(i) for i in request.POST.getlist("conflict") if parse_id(i) is not None]
    ):
        messages.success(request, "导入量较大，已在后台执行，请稍后刷新本页查看结果")
    else:
        job.refresh_from_db()
        (messages.success if job.status == ImportStatus.APPLIED else messages.error)(request, job.message)
    return redirect("reports:import_job", pk=job.pk)

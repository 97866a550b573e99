"""The 任务书格式 page: the bureau's admin creates and edits the format the project's 任务书 are
issued from; the project's other bureau staff read it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from review.engine import StaleVersion
from units import policy
from units.audit import audit_entries_for
from units.inputs import parse_id

from .. import access
from ..forms import named_errors
from ..models import Agreement, MetricKind
from .format_forms import BLANK_METRIC_ROWS, AgreementFormatForm, read_metrics
from .format_services import METRIC_FIELDS, agreement_format_save, format_of

TEMPLATE = "projects/agreement_format.html"


def format_page(request, project, agreement: Agreement | None, *, form=None, metrics=None, status=200):
    if metrics is None:
        metrics = [{f: getattr(m, f) for f in METRIC_FIELDS} for m in agreement.metrics.all()] if agreement else []
    context = {
        "project": project,
        "agreement": agreement,
        "form": form or AgreementFormatForm(instance=agreement, user=request.user),
        "metrics": metrics,
        "blank_metrics": range(len(metrics) + 1, len(metrics) + 1 + BLANK_METRIC_ROWS),
        "kinds": MetricKind.choices,
        "editable": policy.can_edit_agreement_format(request.user, project),
        "issued": list(Agreement.objects.issued().filter(project=project).select_related("undertaker")),
        "history": list(audit_entries_for(agreement)[:50]) if agreement else [],
    }
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])  # a form page: shown, then posted to itself
def agreement_format(request, pk):
    project = access.project_for_agreement_format(request.user, pk)
    agreement = format_of(project)
    if request.method != "POST":
        return format_page(request, project, agreement)
    if not policy.can_edit_agreement_format(request.user, project):
        raise PermissionDenied("只有省局管理员可以修改任务书格式")
    form = AgreementFormatForm(request.POST, instance=agreement or Agreement(project=project), user=request.user)
    metrics = read_metrics(request.POST)
    if not form.is_valid():
        messages.error(request, "未保存：" + "；".join(named_errors(form)))
        return format_page(request, project, agreement, form=form, metrics=metrics, status=400)
    # A new format's page has no version; any other value that is no id (²: str.isdigit but not int,
    # -1, 1.0) matches no stored version (0), so it is a conflict, never a save without the check.
    version = request.POST.get("version", "").strip()
    try:
        agreement_format_save(
            project=project,
            data=form.service_data(),
            metrics=metrics,
            actor=request.user,
            expected_version=(parse_id(version) or 0) if version else None,
        )
    except StaleVersion as exc:
        messages.error(request, "未保存：" + "；".join(exc.messages))
        return format_page(request, project, format_of(project), form=form, metrics=metrics, status=409)
    except ValidationError as exc:
        messages.error(request, "未保存：" + "；".join(exc.messages))
        return format_page(request, project, agreement, form=form, metrics=metrics, status=400)
    messages.success(request, "任务书格式已保存；此后下达的任务书按此格式生成（已下达的不变）")
    return redirect("projects:agreement_format", pk=project.pk)

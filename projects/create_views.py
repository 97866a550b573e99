"""新建项目: a bureau's admin creates a project in the app (header, 资金来源, first indicators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from targets.models import IndicatorCategory
from units import policy

from .forms import (
    FIRST_INDICATOR_ROWS,
    INDICATOR_FIELDS,
    WIDE_FIELDS,
    NewFundingFormSet,
    ProjectCreateForm,
    named_errors,
    read_first_indicators,
)
from .models import Project
from .services import project_create


def _page(request, form, funding, status=200):
    context = {
        "form": form,
        "funding": funding,
        "categories": IndicatorCategory.objects.select_related("parent").order_by("level", "order"),
        "rows": [  # as typed, after a refusal
            {"n": n, **{f: request.POST.get(f"ind-{n}-{f}", "") for f in INDICATOR_FIELDS}}
            for n in range(1, FIRST_INDICATOR_ROWS + 1)
        ],
        "wide_fields": WIDE_FIELDS,
    }
    return render(request, "projects/new.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])  # a form page: shown, then posted to itself
def project_new(request):
    if not policy.can_create_project(request.user):
        raise PermissionDenied("只有省局管理员可以新建项目")
    if request.method != "POST":
        return _page(request, ProjectCreateForm(user=request.user), NewFundingFormSet(instance=Project()))
    form = ProjectCreateForm(request.POST, user=request.user)
    funding = NewFundingFormSet(request.POST, instance=Project())
    indicators, errors = read_first_indicators(request.POST)
    if not form.is_valid():
        errors = named_errors(form) + errors
    if not funding.is_valid():
        errors += [m for n, f in enumerate(funding.forms, start=1) for m in named_errors(f, f"资金来源第 {n} 行")]
    if errors:
        messages.error(request, "未创建项目：" + "；".join(errors))
        return _page(request, form, funding, status=400)
    lines = [
        {k: f.cleaned_data[k] for k in ("source_project", "label", "amount")}
        for f in funding.forms
        if f.has_changed() and not f.cleaned_data.get("DELETE")
    ]
    try:
        project = project_create(data=form.cleaned_data, funding=lines, indicators=indicators, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "未创建项目：" + "；".join(exc.messages))
        return _page(request, form, funding, status=400)
    messages.success(
        request, f"已新建项目“{project.name}”（项目编号 {project.code}）：可继续添加指标、目标表和任务书格式"
    )
    return redirect("projects:edit", pk=project.pk)

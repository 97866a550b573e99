"""复制到新年度, from the project page (the work is projects.copying's)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from . import access
from .copying import project_copy_year
from .forms import CopyYearForm


@login_required
@require_POST
def project_copy(request, pk):
    project = access.project_for_manager(request.user, pk, refusal="只有省局管理员可以复制项目")
    form = CopyYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写 2000 到 2100 之间的新年度，并选择指标值沿用或留空（未复制）")
        return redirect("projects:edit", pk=project.pk)
    try:
        copy = project_copy_year(
            project=project,
            year=form.cleaned_data["year"],
            actor=request.user,
            copy_values=form.cleaned_data["values"] == "copy",
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("projects:edit", pk=project.pk)
    messages.success(request, f"已复制到{copy.budget_year}年度：{copy.name}（项目编号 {copy.code}），各行状态为未填报")
    return redirect("projects:edit", pk=copy.pk)

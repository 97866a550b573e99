"""The 地方主管部门's filing page: header values and indicator targets, submitted to the province."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from review.engine import StaleVersion
from review.views import back_to, read_comment, step_view
from units import policy
from units.inputs import parse_id

from .. import access
from . import services
from .selectors import FILING_FIELDS, filing_context, filing_of

TEMPLATE = "projects/filing.html"


def _typed_targets(post) -> dict[tuple[int, str], str]:
    """{(indicator id, period): raw} from fields named `target-<indicator id>-<period>`."""
    typed = {}
    for key, raw in post.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "target" and parse_id(parts[1]) is not None:
            typed[(parse_id(parts[1]), parts[2])] = raw
    return typed


def _typed_write_ins(post) -> dict[int, dict]:
    """{indicator id: {name, measure_unit}} from `write-<indicator id>-name` / `-measure_unit`."""
    typed: dict[int, dict] = {}
    for key, raw in post.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "write" and parse_id(parts[1]) is not None:
            if parts[2] in ("name", "measure_unit"):
                typed.setdefault(parse_id(parts[1]), {})[parts[2]] = raw
    return typed


@login_required
@require_safe
def filing_detail(request, pk):
    project = access.project_for_filing(request.user, pk)
    return render(request, TEMPLATE, filing_context(project, request.user))


@login_required
@require_POST
def filing_save(request, pk):
    project = access.project_for_filing(request.user, pk)
    if not policy.can_edit_filing(request.user, filing_of(project)):
        raise PermissionDenied("您没有修改该项目填报的权限")
    header = {name: request.POST[name] for name in FILING_FIELDS if name in request.POST}
    targets = _typed_targets(request.POST)
    write_ins = _typed_write_ins(request.POST)
    try:
        version = int(request.POST.get("version", ""))
        services.filing_save(
            project_id=project.pk,
            expected_version=version,
            header=header,
            targets=targets,
            write_ins=write_ins,
            actor=request.user,
        )
    except ValueError:
        messages.error(request, "表单缺少版本号，请刷新页面后重新填写")
    except ValidationError as exc:
        messages.error(request, "未保存：" + "；".join(exc.messages))
        context = filing_context(
            project, request.user, typed_header=header, typed_targets=targets, typed_write_ins=write_ins
        )
        # Saved by someone else since the page was loaded: a conflict, shown with what was typed.
        return render(request, TEMPLATE, context, status=409 if isinstance(exc, StaleVersion) else 400)
    else:
        messages.success(request, "已保存")
    return redirect("projects:filing", pk=project.pk)


def _of_filing(rule):
    """The rule asked of the project's filing."""
    return lambda user, project: rule(user, filing_of(project))


# The filing's steps (review.views), from its page and back there.
_STEP = {"fetch": access.project_for_filing, "key": "project_id", "back": back_to("projects:filing")}
filing_submit = step_view(
    **_STEP,
    allowed=_of_filing(policy.can_submit_filing),
    service=services.filing_submit,
    success="已提交，等待省局审核",
)
filing_return = step_view(
    **_STEP,
    allowed=_of_filing(policy.can_review_filing),
    service=services.filing_return,
    read=read_comment,
    success="已退回",
)
filing_approve = step_view(
    **_STEP,
    allowed=_of_filing(policy.can_review_filing),
    service=services.filing_approve,
    success="填报已审核通过",
)

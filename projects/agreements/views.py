"""The 任务书 page: each section is a form of its own, saved whole or not at all."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from review.engine import StaleVersion
from review.views import back_to, read_comment, step_view
from units import policy
from units.files import attach

from .. import access
from ..downloads import download_name
from ..models import Agreement
from . import services
from .docx import agreement_docx
from .format_views import format_page
from .forms import AgreementNewForm, FieldErrors, parse_section, read_rows
from .redisplay import field_errors, overlay
from .rules import budget_check, budget_figures
from .selectors import page_context

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


SAVERS = {
    "basic": services.agreement_save_basic,
    "content": services.agreement_save_content,
    "annex": services.agreement_save_annex,
    "budget": services.agreement_save_budget,
    "staff": services.agreement_save_staff,
}


def _context(agreement: Agreement, user, errors=None, section=None, post=None) -> dict:
    """The page's context; after a refused save, `section` shows what was `post`ed, errors beside fields."""
    errors = errors or {}
    context = page_context(agreement, user)
    context["errors"] = errors
    field_errors(context, errors)
    if section is not None:
        overlay(context, section, post, errors, read_rows)
    return context


@login_required
@require_safe
def agreement_detail(request, pk):
    agreement = access.agreement_for_user(request.user, pk)
    if agreement.is_format:  # the bureau's format, never shown as a unit's 任务书 to fill
        return format_page(request, agreement.project, agreement)
    return render(request, "projects/agreement.html", _context(agreement, request.user))


@login_required
@require_POST
def agreement_save(request, pk, section):
    agreement = access.issued_agreement_for_user(request.user, pk)
    if not policy.can_edit_agreement(request.user, agreement):
        raise PermissionDenied("您没有修改该任务书的权限")
    if section not in SAVERS:
        raise Http404("没有这一部分")
    try:
        version = int(request.POST.get("version", ""))
        locked = not policy.can_fill_agreement_bureau_fields(request.user, agreement)
        parsed = parse_section(section, request.POST, agreement, locked=locked)
        SAVERS[section](agreement_id=agreement.pk, expected_version=version, actor=request.user, **parsed)
    except FieldErrors as exc:
        messages.error(request, "未保存：" + "；".join(exc.errors.values()))
        return render(
            request,
            "projects/agreement.html",
            _context(agreement, request.user, exc.errors, section, request.POST),
            status=400,
        )
    except ValidationError as exc:
        messages.error(request, "未保存：" + "；".join(exc.messages))
        status = 409 if isinstance(exc, StaleVersion) else 400  # saved by someone else meanwhile: a conflict
        return render(
            request,
            "projects/agreement.html",
            _context(agreement, request.user, {}, section, request.POST),
            status=status,
        )
    except ValueError:
        messages.error(request, "表单缺少版本号，请刷新页面后重新填写")
    else:
        messages.success(request, "已保存")
    return redirect(f"{reverse('projects:agreement', args=[agreement.pk])}#{section}")


@login_required
@require_POST
def agreement_budget_check(request, pk):
    """The budget section as typed and not yet saved, checked by the rules the save and the
    submission apply (Decimal): the page's live check shows this answer and decides nothing."""
    agreement = access.issued_agreement_for_user(request.user, pk)
    try:
        parsed = parse_section("budget", request.POST, agreement, locked=True)
    except FieldErrors as exc:
        return JsonResponse({"problems": list(exc.errors.values()), "text": "；".join(exc.errors.values()) + "。"})
    return JsonResponse(budget_check(budget_figures(**parsed)))


# The 任务书's steps (review.views), from its page and back there.
_STEP = {"fetch": access.issued_agreement_for_user, "key": "agreement_id", "back": back_to("projects:agreement")}
agreement_submit = step_view(
    **_STEP,
    allowed=policy.can_submit_agreement,
    service=services.agreement_submit,
    success="任务书已提交，等待省局审核",
)
agreement_return = step_view(
    **_STEP,
    allowed=policy.can_review_agreement,
    service=services.agreement_return,
    read=read_comment,
    success="已退回",
)
agreement_approve = step_view(
    **_STEP, allowed=policy.can_review_agreement, service=services.agreement_approve, success="任务书已审核通过"
)


@login_required
@require_POST
def agreement_new(request, pk):
    project = access.project_for_manager(request.user, pk, refusal="只有省局管理员可以下达任务书")
    form = AgreementNewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择承担单位（平台类）和平台类型")
        return redirect("projects:edit", pk=project.pk)
    undertaker = form.cleaned_data["undertaker"]
    try:
        agreement = services.agreement_create(project=project, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("projects:edit", pk=project.pk)
    messages.success(request, f"已为“{undertaker.name}”下达任务书，已通知其填写")
    return redirect("projects:agreement", pk=agreement.pk)


@login_required
@require_safe
def agreement_word(request, pk):
    agreement = access.agreement_for_user(request.user, pk)
    who = agreement.undertaker.name if agreement.undertaker_id else "任务书格式（空白）"
    return attach(
        HttpResponse(agreement_docx(agreement), content_type=DOCX),
        download_name(agreement.project, "任务书", who, ext="docx"),
    )

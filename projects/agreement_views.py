"""The 任务书 page: each section is a form of its own, saved whole or not at all."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from targets import review
from targets.review import ReviewStatus
from targets.values import parse_number
from units import policy
from units.audit import audit_entries_for
from units.models import Unit, UnitCategory

from . import access
from . import agreements as services
from .agreement_docx import agreement_docx
from .agreement_redisplay import (
    ALLOCATION_FIELDS,
    EXPENSE_FIELDS,
    PARTICIPANT_FIELDS,
    STAFF_FIELDS,
    field_errors,
    overlay,
)
from .agreement_rules import budget_figures, budget_problems, report_due_dates, staff_problems
from .models import Agreement, BudgetSourceKind, PlatformKind, Project, StaffRole
from .numerals import rmb_upper

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class FieldErrors(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()))
        self.errors = errors


def _amount(value: str, field: str, label: str, errors: dict, *, required=False) -> Decimal | None:
    value = (value or "").strip()
    if not value:
        if required:
            errors[field] = f"请填写{label}"
        return None
    try:
        number = parse_number(value)
    except ValueError:
        errors[field] = f"{label}“{value}”不是数字"
        return None
    if number < 0:
        errors[field] = f"{label}不能为负数"
    return number


def _rows(post, prefix: str, fields: list[str]) -> list[tuple[int, dict]]:
    """Numbered inputs `prefix-N-field`, skipping rows left entirely blank."""
    numbers = sorted({int(m.group(1)) for key in post for m in [re.match(rf"{prefix}-(\d+)-", key)] if m})
    rows = []
    for n in numbers:
        row = {f: post.get(f"{prefix}-{n}-{f}", "").strip() for f in fields}
        if any(v for k, v in row.items() if k != "is_equipment"):
            rows.append((n, row))
    return rows


def _bureau_fields(post, agreement: Agreement, user, data: dict, errors: dict) -> None:
    """Fields the bureau fills (项目编号): a unit's form shows them locked; a posted change is refused."""
    if policy.can_fill_agreement_bureau_fields(user, agreement):
        return
    for field in services.BUREAU_FIELDS:
        posted = post.get(field)
        if posted is not None and posted.strip() != getattr(agreement, field):
            errors[field] = f"{Agreement._meta.get_field(field).verbose_name}由省局填写，承担单位不能修改"
        data[field] = getattr(agreement, field)


def _parse_section(section: str, post, agreement: Agreement, user) -> dict:
    errors: dict[str, str] = {}
    if section == "basic":
        data = {f: post.get(f, "").strip() for f in services.BASIC_FIELDS}
        _bureau_fields(post, agreement, user, data, errors)
        if data["undertaker_email"]:
            try:
                validate_email(data["undertaker_email"])
            except ValidationError:
                errors["undertaker_email"] = "电子邮箱格式不正确"
        participants = []
        for n, row in _rows(post, "p", PARTICIPANT_FIELDS):
            if not row["name"]:
                errors[f"p-{n}-name"] = f"参与单位{n}：请填写单位名称"
            participants.append(row)
        result = {"data": data, "participants": participants}
    elif section == "content":
        result = {
            "data": {f: post.get(f, "") for f in services.CONTENT_FIELDS},
            "stage_goals": {y: post.get(f"goal-{y}", "") for y in agreement.years},
        }
    elif section == "annex":
        values = {}
        for metric in agreement.metrics.all():
            for year in agreement.years:
                key = f"m-{metric.pk}-{year}"
                values[(metric.pk, year)] = _amount(post.get(key, ""), key, f"{metric.label} {year}年", errors)
        result = {"values": values}
    elif section == "budget":
        sources = {
            k: _amount(post.get(f"source-{k}", ""), f"source-{k}", BudgetSourceKind(k).label, errors)
            for k in BudgetSourceKind.values
        }
        allocations = []
        for n, row in _rows(post, "a", ALLOCATION_FIELDS):
            amount = _amount(row["amount"], f"a-{n}-amount", f"{row['party'] or '分配'}金额", errors, required=True)
            if not row["party"]:
                errors[f"a-{n}-party"] = "请填写单位"
            allocations.append({"party": row["party"], "amount": amount or Decimal(0)})
        expenses = []
        for n, row in _rows(post, "e", EXPENSE_FIELDS):
            amount = _amount(row["amount"], f"e-{n}-amount", f"“{row['content']}”预算金额", errors, required=True)
            if not row["content"]:
                errors[f"e-{n}-content"] = "请填写经费开支内容"
            expenses.append(
                {
                    "content": row["content"],
                    "amount": amount or Decimal(0),
                    "explanation": row["explanation"],
                    "is_equipment": bool(row["is_equipment"]),
                }
            )
        result = {"sources": sources, "allocations": allocations, "expenses": expenses}
    elif section == "staff":
        staff = []
        for n, row in _rows(post, "s", STAFF_FIELDS):
            if not row["name"]:
                errors[f"s-{n}-name"] = f"第{n}人：请填写姓名"
            if row["gender"] not in ("男", "女"):
                errors[f"s-{n}-gender"] = f"第{n}人：性别应为男或女"
            for key, label, low, high in (("age", "年龄", 16, 100), ("months_per_year", "工作时间（月/年）", 1, 12)):
                if not row[key].isdigit() or not low <= int(row[key]) <= high:
                    errors[f"s-{n}-{key}"] = f"第{n}人：{label}应为 {low} 到 {high} 的整数"
            if row["role"] not in StaffRole.values:
                errors[f"s-{n}-role"] = f"第{n}人：请选择任务角色"
            staff.append(
                {
                    **row,
                    "age": int(row["age"]) if row["age"].isdigit() else 0,
                    "months_per_year": int(row["months_per_year"]) if row["months_per_year"].isdigit() else 0,
                }
            )
        result = {"staff": staff}
    else:
        raise Http404("没有这一部分")
    if errors:
        raise FieldErrors(errors)
    return result


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
    context = _stored_context(agreement, user, errors)
    field_errors(context, errors)
    if section is not None:
        overlay(context, section, post, errors, _rows)
    return context


def _stored_context(agreement: Agreement, user, errors: dict) -> dict:
    sources = {s.kind: s.amount for s in agreement.budget_sources.all()}
    allocations = list(agreement.allocations.all())
    expenses = list(agreement.expenses.all())
    figures = budget_figures(
        sources,
        [{"amount": a.amount} for a in allocations],
        [{"amount": e.amount, "is_equipment": e.is_equipment} for e in expenses],
    )
    staff = list(agreement.staff.all())
    from reports.exporters.agreement_annex import metric_totals

    editable = agreement.status in review.EDITABLE and policy.can_edit_agreement(user, agreement)
    return {
        "agreement": agreement,
        "editable": editable,
        "bureau_fields": editable and policy.can_fill_agreement_bureau_fields(user, agreement),
        "errors": errors or {},
        "participants": list(agreement.participants.all()),
        "stage_goals": list(agreement.stage_goals.all()),
        "annex": metric_totals(agreement),
        "sources": [(kind, sources.get(kind), figures["shares"].get(kind)) for kind in BudgetSourceKind],
        "allocations": allocations,
        "expenses": expenses,
        "figures": figures,
        "budget_warnings": budget_problems(figures, complete=True),
        "staff": staff,
        "staff_limit": 12 if agreement.platform_kind == PlatformKind.MAIN else 10,
        "staff_warnings": staff_problems([{"role": p.role} for p in staff], agreement.platform_kind, complete=True),
        "roles": StaffRole.choices,
        "amount_yuan": figures["special"] * 10000,
        "amount_upper": rmb_upper(figures["special"] * 10000),
        "due": report_due_dates(agreement.start_year, agreement.end_year, agreement.end_month),
        "can_submit": agreement.status in review.EDITABLE and policy.can_submit_agreement(user, agreement),
        "can_review": agreement.status == ReviewStatus.SUBMITTED and policy.can_review_agreement(user, agreement),
        "history": list(audit_entries_for(agreement)[:100]),
        "blank_rows": range(3),
    }


@login_required
def agreement_detail(request, pk):
    agreement = access.agreement_for_user(request.user, pk)
    return render(request, "projects/agreement.html", _context(agreement, request.user))


@login_required
@require_POST
def agreement_save(request, pk, section):
    agreement = access.agreement_for_user(request.user, pk)
    if not policy.can_edit_agreement(request.user, agreement):
        raise PermissionDenied("您没有修改该任务书的权限")
    if section not in SAVERS:
        raise Http404("没有这一部分")
    try:
        version = int(request.POST.get("version", ""))
        parsed = _parse_section(section, request.POST, agreement, request.user)
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
        return render(
            request, "projects/agreement.html", _context(agreement, request.user, {}, section, request.POST), status=400
        )
    except ValueError:
        messages.error(request, "表单缺少版本号，请刷新页面后重新填写")
    else:
        messages.success(request, "已保存")
    return redirect(f"/agreements/{agreement.pk}/#{section}")


def _transition(request, pk, allowed, service, success, **kwargs):
    agreement = access.agreement_for_user(request.user, pk)
    if not allowed(request.user, agreement):
        raise PermissionDenied("您没有执行此操作的权限")
    try:
        service(agreement_id=agreement.pk, actor=request.user, **kwargs)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("projects:agreement", pk=agreement.pk)


@login_required
@require_POST
def agreement_submit(request, pk):
    return _transition(
        request, pk, policy.can_submit_agreement, services.agreement_submit, "任务书已提交，等待省局审核"
    )


@login_required
@require_POST
def agreement_return(request, pk):
    return _transition(
        request,
        pk,
        policy.can_review_agreement,
        services.agreement_return,
        "已退回",
        comment=request.POST.get("comment", ""),
    )


@login_required
@require_POST
def agreement_approve(request, pk):
    return _transition(request, pk, policy.can_review_agreement, services.agreement_approve, "任务书已审核通过")


@login_required
@require_POST
def agreement_new(request, pk):
    project = get_object_or_404(Project, pk=pk)
    if not policy.can_view_project(request.user, project):
        raise Http404("没有找到该项目")
    if not policy.can_manage_project(request.user, project):
        raise PermissionDenied("只有省局管理员可以下达任务书")
    undertaker = Unit.objects.filter(pk=request.POST.get("undertaker") or 0, category=UnitCategory.PLATFORM).first()
    kind = request.POST.get("platform_kind")
    if undertaker is None or kind not in PlatformKind.values:
        messages.error(request, "请选择承担单位（平台类）和平台类型")
        return redirect("projects:edit", pk=project.pk)
    try:
        agreement = services.agreement_create(
            project=project, undertaker=undertaker, platform_kind=kind, actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("projects:edit", pk=project.pk)
    messages.success(request, f"已为“{undertaker.name}”下达任务书，已通知其填写")
    return redirect("projects:agreement", pk=agreement.pk)


@login_required
def agreement_word(request, pk):
    agreement = access.agreement_for_user(request.user, pk)
    response = HttpResponse(agreement_docx(agreement), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, f"{agreement.title}.docx")
    return response


@login_required
def agreement_pdf(request, pk):
    agreement = access.agreement_for_user(request.user, pk)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return HttpResponse(
            "服务器未安装 LibreOffice，暂不能生成 PDF，请下载 Word 版本",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "agreement.docx"
        source.write_bytes(agreement_docx(agreement))
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(source),
            ],
            check=False,
            capture_output=True,
            timeout=180,
        )
        pdf = Path(tmp) / "agreement.pdf"
        if not pdf.exists():
            return HttpResponse(
                "PDF 生成失败（服务器的 LibreOffice 缺少文字处理组件），请下载 Word 版本",
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        data = pdf.read_bytes()
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{agreement.title}.pdf")
    return response

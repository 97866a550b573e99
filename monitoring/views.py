"""Pages of monitoring: a project's rounds, a round, a report (fill, grade, review), evidence files.

Views fetch through `monitoring.access`, write through the services, read through the selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from review.engine import StaleVersion
from review.views import back_to, read_comment, step_view
from units import policy
from units.files import file_response
from units.inputs import parse_id

from . import access, budget_services, deadline_services, evidence, selectors, services
from .forms import ReportForm, RoundDeadlineForm, RoundOpenForm, read_budget_set, read_grades, read_weights


def _rounds_page(request, project, form, status=200):
    context = {
        "project": project,
        "rounds": selectors.rounds_for_project(project),
        "form": form,
        "can_manage": policy.can_manage_rounds(request.user, project),
    }
    return render(request, "monitoring/rounds.html", context, status=status)


@login_required
@require_safe
def rounds(request, pk):
    project = access.project_rounds(request.user, pk)
    return _rounds_page(request, project, RoundOpenForm())


@login_required
@require_POST
def round_open(request, pk):
    project = access.project_for_round_manager(request.user, pk)
    form = RoundOpenForm(request.POST)
    if form.is_valid():
        try:
            round_ = services.round_open(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已发起{round_}，已通知各单位填报")
            return redirect("monitoring:round", pk=round_.pk)
    return _rounds_page(request, project, form, status=400)


@login_required
@require_safe
def round_detail(request, pk):
    round_ = access.round_for_user(request.user, pk)
    return render(request, "monitoring/round.html", selectors.round_page(round_, request.user))


def _round_refused(request, round_, what: str, exc: ValidationError):
    """The round page again (400) with why nothing was changed."""
    for message in exc.messages:
        messages.error(request, f"{what}：{message}")
    return render(request, "monitoring/round.html", selectors.round_page(round_, request.user), status=400)


@login_required
@require_POST
def round_weights(request, pk):
    round_ = access.round_for_manager(request.user, pk)
    try:
        weights = read_weights(request.POST, selectors.weight_groups(round_))
        services.weights_save(round_id=round_.pk, weights=weights, actor=request.user)
    except ValidationError as exc:
        return _round_refused(request, round_, "权重未保存", exc)
    messages.success(request, "权重已保存")
    return redirect("monitoring:round", pk=round_.pk)


@login_required
@require_POST
def round_deadline(request, pk):
    round_ = access.round_for_manager(request.user, pk)
    form = RoundDeadlineForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([m for ms in form.errors.values() for m in ms])
        round_ = deadline_services.round_deadline_set(
            round_id=round_.pk, deadline=form.cleaned_data["deadline"], actor=request.user
        )
    except ValidationError as exc:
        return _round_refused(request, round_, "截止时间未修改", exc)
    messages.success(request, "截止时间已修改，尚未提交的单位已收到通知")
    return redirect("monitoring:round", pk=round_.pk)


@login_required
@require_POST
def round_units_add(request, pk):
    round_ = access.round_for_manager(request.user, pk)
    try:
        names = services.round_units_add(round_id=round_.pk, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if names:
            messages.success(request, f"已为 {len(names)} 个单位加入本轮并通知填报：{'、'.join(names)}")
        else:
            messages.info(request, "没有需要加入的单位：每个审核通过的单位都已有报告")
    return redirect("monitoring:round", pk=round_.pk)


@login_required
@require_POST
def round_close(request, pk):
    round_ = access.round_for_manager(request.user, pk)
    try:
        services.round_close(round_id=round_.pk, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "该轮次已结束填报")
    return redirect("monitoring:round", pk=round_.pk)


@login_required
@require_safe
def report_detail(request, pk):
    report = access.report_for_user(request.user, pk)
    return render(request, "monitoring/report.html", selectors.report_page(report, request.user))


def _report_form(request, report, write, refused: str, success: str, anchor: str = "", typed=None):
    """Post one of the report page's forms: `write(version)` saves it; a refusal shows the page
    again (400) with what was refused — and with what was typed, each error beside its field, when
    `typed` is the posted form (ReportForm) — a version someone else saved meanwhile as a conflict
    (409, the page as stored: what was typed was typed over an older one)."""
    try:
        write(int(request.POST.get("version", "")))
    except ValueError:
        messages.error(request, "表单缺少版本号，请刷新页面后重新填写")
    except ValidationError as exc:
        messages.error(request, refused + "；".join(exc.messages))
        report.refresh_from_db()
        page = selectors.report_page(report, request.user)
        if isinstance(exc, StaleVersion):
            return render(request, "monitoring/report.html", page, status=409)
        if typed is not None:
            page = typed.show(page)
        return render(request, "monitoring/report.html", page, status=400)
    else:
        messages.success(request, success)
    return redirect(f"{report.get_absolute_url()}{anchor}")


@login_required
@require_POST
def report_save(request, pk):
    report = access.report_for_user(request.user, pk)
    if not policy.can_edit_report(request.user, report):
        raise PermissionDenied("您没有修改该报告的权限")

    form = ReportForm(request.POST, value_ids=list(report.values.values_list("pk", flat=True)))

    def write(version):
        if not form.is_valid():
            raise ValidationError(form.messages())
        values, budget, texts = form.items()
        try:
            services.report_save(
                report_id=report.pk,
                expected_version=version,
                actor=request.user,
                values=values,
                budget=budget,
                texts=texts,
            )
        except StaleVersion:
            raise
        except ValidationError as exc:
            form.refuse(exc)
            raise

    return _report_form(request, report, write, "未保存：", "已保存", typed=form)


@login_required
@require_POST
def report_budget(request, pk):
    """The bureau's 年初预算数 and 全年预算数 of a report, by source."""
    report = access.report_for_user(request.user, pk)
    if not policy.can_set_report_budget(request.user, report):
        raise PermissionDenied("只有本项目的审核员或管理员可以设定预算数")

    def write(version):
        budget = read_budget_set(request.POST)
        budget_services.report_budget_set(
            report_id=report.pk, expected_version=version, actor=request.user, budget=budget
        )

    return _report_form(request, report, write, "预算数未保存：", "预算数已保存", "#budget")


def _read_reopen(request, report) -> dict:
    return {"comment": request.POST.get("comment", "") or request.POST.get("reason", "")}


# The report's steps (review.views), from its page and back there.
_STEP = {"fetch": access.report_for_user, "key": "report_id", "back": back_to("monitoring:report")}
report_submit = step_view(
    **_STEP, allowed=policy.can_submit_report, service=services.report_submit, success="已提交，等待省局审核"
)
report_return = step_view(
    **_STEP, allowed=policy.can_review_report, service=services.report_return, read=read_comment, success="已退回"
)
_approve = step_view(**_STEP, allowed=policy.can_review_report, service=services.report_approve, success="已审核通过")
report_reopen = step_view(
    **_STEP, allowed=policy.can_reopen_report, service=services.report_reopen, read=_read_reopen, success="已重新打开"
)


@login_required
@require_POST
def report_approve(request, pk):
    """审核通过; a 自评 report's 审核通过 posts the grade form too, so grades chosen and not yet
    saved are saved first instead of being lost (a refusal shows them again). One message says
    what became of both: never “评定已保存” beside “请先评定：…”."""
    if not any(name.startswith("grade-") for name in request.POST):
        return _approve(request, pk)
    refused = _grades_save(request, pk, quiet=True)
    if refused is not None:
        return refused
    report = access.report_for_user(request.user, pk)
    try:
        services.report_approve(report_id=report.pk, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "评定已保存，但未审核通过：" + "；".join(exc.messages))
    else:
        messages.success(request, "评定已保存，已审核通过")
    return redirect("monitoring:report", pk=report.pk)


@login_required
@require_POST
def report_grade(request, pk):
    return _grades_save(request, pk) or redirect("monitoring:report", pk=pk)


def _grades_save(request, pk, *, quiet: bool = False):
    """Save the posted grades: None when saved, else the page again with the grades as chosen.
    `quiet`: the caller says what happened (审核通过 reports both steps in one message)."""
    report = access.report_for_user(request.user, pk)
    if not policy.can_review_report(request.user, report):
        raise PermissionDenied("只有本项目的审核员可以评定")
    try:
        grades = read_grades(request.POST, list(report.values.values_list("pk", flat=True)))
        services.report_grade(report_id=report.pk, actor=request.user, grades=grades)
    except ValidationError as exc:
        refusal = "评定未保存，未审核通过：" if quiet else "评定未保存："
        messages.error(request, refusal + "；".join(exc.messages))
        page = selectors.report_page(report, request.user)
        codes = {level.code: level.pk for level in page["levels"]}
        for line in page["lines"]:  # shown as chosen, not saved
            value = line.value
            if f"grade-{value.pk}" in request.POST:
                value.grade_id = codes.get(request.POST[f"grade-{value.pk}"])
                value.grade_percent = request.POST.get(f"percent-{value.pk}", "")
        return render(request, "monitoring/report.html", page, status=400)
    if not quiet:
        messages.success(request, "评定已保存")
    return None


@login_required
@require_POST
def evidence_upload(request, pk):
    report = access.report_for_user(request.user, pk)
    if not policy.can_attach_evidence(request.user, report):
        raise PermissionDenied("您没有为该报告上传材料的权限")
    upload = request.FILES.get("file")
    value_id = request.POST.get("value") or None
    try:
        if upload is None:
            raise ValidationError("请选择要上传的文件")
        if value_id is not None and parse_id(value_id) is None:
            raise ValidationError("该指标不在此报告中")
        evidence.evidence_add(report_id=report.pk, value_id=parse_id(value_id), upload=upload, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        status = 409 if isinstance(exc, StaleVersion) else 400
        return render(request, "monitoring/report.html", selectors.report_page(report, request.user), status=status)
    messages.success(request, f"已上传“{upload.name}”")
    return redirect(f"{report.get_absolute_url()}#evidence")


@login_required
@require_safe
def evidence_download(request, pk):
    item = access.evidence_for_user(request.user, pk)
    return file_response(item.file, filename=item.original_name, content_type=item.content_type)


@login_required
@require_POST
def evidence_remove(request, pk):
    item = access.evidence_for_user(request.user, pk)
    if not policy.can_attach_evidence(request.user, item.report):
        raise PermissionDenied("您没有删除该材料的权限")
    try:
        evidence.evidence_remove(evidence_id=item.pk, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已删除“{item.original_name}”")
    return redirect(f"{item.report.get_absolute_url()}#evidence")

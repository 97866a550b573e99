"""The project editor: header fields, funding sources and the indicator tree."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from targets import editing, workflow
from targets.models import IndicatorCategory
from targets.selectors import pairing_problem, project_indicator_tree
from units.inputs import parse_id
from units.models import Unit, UnitCategory

from . import access
from .agreements.format_services import format_of
from .forms import WIDE_FIELDS, FundingSourceFormSet, ProjectForm, read_indicator_edits
from .services import project_update


def _typed_tree(project, edits) -> list:
    """The indicator tree with, after a refused save, what was typed and the errors beside it."""
    tree = project_indicator_tree(project)
    typed = {form.indicator.pk: form for form in edits or ()}
    for indicator in tree:
        form = typed.get(indicator.pk)
        if form is None:
            continue
        values = form.typed()
        indicator.name, indicator.measure_unit, indicator.basis = values["name"], values["unit"], values["basis"]
        indicator.category_id = parse_id(values["category"])
        if form.posted("direction"):
            indicator.direction = values["direction"]
        if form.posted("shares"):
            indicator.part_shares = values["shares"]
        indicator.long_term = TypedTarget(values["long_term"]) if form.posted("long_term") else indicator.long_term
        indicator.annual = TypedTarget(values["annual"])
        indicator.pairing_problem = pairing_problem(
            project,
            long_term=bool(indicator.long_term and indicator.long_term.raw.strip()),
            annual=bool(values["annual"].strip()),
        )
        indicator.errors = {field: messages[0] for field, messages in form.errors.items()}
    return tree


@dataclass
class TypedTarget:
    raw: str


def _render(request, project, form=None, funding=None, status=200, edits=None):
    context = {
        "project": project,
        "form": form or ProjectForm(instance=project, user=request.user),
        "funding": funding or FundingSourceFormSet(instance=project),
        "tree": _typed_tree(project, edits),
        "categories": IndicatorCategory.objects.select_related("parent").order_by("level", "order"),
        "both_periods": project.target_periods == "long_term_and_annual",
        "tables": project.tables.all(),
        "agreements": project.agreements.issued().select_related("undertaker"),
        "agreement_format": format_of(project),
        "platforms": Unit.objects.filter(category=UnitCategory.PLATFORM).order_by("name"),
        "wide_fields": WIDE_FIELDS,
        "unit_categories": [
            c for c in UnitCategory.choices if c[0] not in (UnitCategory.BUREAU, UnitCategory.DEPARTMENT)
        ],
    }
    return render(request, "projects/edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_edit(request, pk):
    project = access.project_for_manager(request.user, pk)
    if request.method != "POST":
        return _render(request, project)
    form = ProjectForm(request.POST, instance=project, user=request.user)
    funding = FundingSourceFormSet(request.POST, instance=project)
    if not (form.is_valid() and funding.is_valid()):
        messages.error(request, "表单有误，请按提示修改（未保存任何内容）")
        return _render(request, project, form, funding, status=400)
    project_update(project_id=project.pk, form=form, funding_formset=funding, actor=request.user)
    messages.success(request, "项目信息已保存")
    return redirect("projects:edit", pk=project.pk)


@login_required
@require_POST
def indicators_save(request, pk):
    project = access.project_for_manager(request.user, pk)
    edits, errors = read_indicator_edits(request.POST, project)
    if errors:  # not an indicator of this page: nothing typed here to keep
        messages.error(request, "；".join(errors))
        return redirect("projects:edit", pk=project.pk)
    if not all([form.is_valid() for form in edits]):
        messages.error(request, "指标有误，请按提示修改（未保存任何内容）")
        return _render(request, project, edits=edits, status=400)
    try:
        changed = editing.indicators_update(project=project, items=[form.item() for form in edits], actor=request.user)
    except ValidationError as exc:
        messages.error(request, "未保存：" + "；".join(exc.messages))
        return _render(request, project, edits=edits, status=400)
    messages.success(request, f"指标已保存（{changed} 处修改）" if changed else "没有修改")
    return redirect("projects:edit", pk=project.pk)


@login_required
@require_POST
def indicators_pairing(request, pk):
    """The one-to-one rule over the indicators as typed and not yet saved: {indicator id: problem},
    which the editor's live flags show (static/js/pairing.js compares nothing)."""
    project = access.project_for_manager(request.user, pk)
    problems = {}
    for indicator_id in request.POST.getlist("indicator"):
        if parse_id(indicator_id) is None:
            continue
        prefix = f"ind-{indicator_id}-"
        problems[indicator_id] = pairing_problem(
            project,
            long_term=bool(request.POST.get(prefix + "long_term", "").strip()),
            annual=bool(request.POST.get(prefix + "annual", "").strip()),
        )
    return JsonResponse({"problems": problems})


@login_required
@require_POST
def indicator_add(request, pk):
    project = access.project_for_manager(request.user, pk)
    category_id = request.POST.get("category", "")
    category = IndicatorCategory.objects.filter(pk=parse_id(category_id)).first() if parse_id(category_id) else None
    if category is None:
        messages.error(request, "请选择指标类别")
        return redirect("projects:edit", pk=project.pk)
    try:
        editing.indicator_create(
            project=project,
            category=category,
            name=request.POST.get("name", ""),
            measure_unit=request.POST.get("unit", "").strip(),
            long_term=request.POST.get("long_term", ""),
            annual=request.POST.get("annual", ""),
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已添加指标")
    return redirect("projects:edit", pk=project.pk)


@login_required
@require_POST
def indicator_move(request, pk):
    indicator = access.indicator_for_manager(request.user, pk)
    editing.indicator_move(
        indicator_id=indicator.pk, direction=-1 if request.POST.get("direction") == "up" else 1, actor=request.user
    )
    return redirect("projects:edit", pk=indicator.project_id)


@login_required
@require_POST
def indicator_remove(request, pk):
    indicator = access.indicator_for_manager(request.user, pk)
    try:
        workflow.indicator_remove(indicator_id=indicator.pk, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "未删除：" + "；".join(exc.messages))
    else:
        messages.success(request, f"已删除指标“{indicator.name}”（管理员可在后台恢复）")
    return redirect("projects:edit", pk=indicator.project_id)


@login_required
@require_POST
def table_create(request, pk):
    project = access.project_for_manager(request.user, pk, refusal="只有省局管理员可以新建目标表")
    try:
        table = editing.table_create(
            project=project,
            title=request.POST.get("title", "").strip(),
            unit_category=request.POST.get("unit_category", ""),
            start_year=int(request.POST.get("start_year", "")),
            end_year=int(request.POST.get("end_year", "")),
            actor=request.user,
            all_units=bool(request.POST.get("all_units")),
        )
    except ValueError:
        messages.error(request, "请填写起止年度")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已新建目标表，请添加列和单位")
        return redirect("targets:table_edit", pk=table.pk)
    return redirect("projects:edit", pk=project.pk)

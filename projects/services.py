"""Writes to projects: one transaction each, audited field by field."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from targets.editing import indicator_create
from units import policy
from units.audit import audit_record

from .audit_actions import ProjectAction
from .models import FundingSource, Project


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return str(value)
    return value


@transaction.atomic
def project_update(*, project_id: int, form, funding_formset, actor) -> Project:
    """Save the header form and the funding sources together: both or neither."""
    project = Project.objects.select_for_update().get(pk=project_id)
    before = {name: _plain(getattr(project, name)) for name in form.changed_data}
    saved = form.save()
    if form.changed_data:
        audit_record(
            actor=actor,
            action=ProjectAction.PROJECT_CHANGED,
            obj=saved,
            before=before,
            after={name: _plain(getattr(saved, name)) for name in form.changed_data},
        )
    if funding_formset.has_changed():
        old = [f"{s.label}{s.source_project} {s.amount}" for s in project.funding_sources.all()]
        funding_formset.save()
        for order, source in enumerate(saved.funding_sources.order_by("order", "pk"), start=1):
            if source.order != order:
                type(source).objects.filter(pk=source.pk).update(order=order + 1000)
        for order, source in enumerate(saved.funding_sources.order_by("order", "pk"), start=1):
            type(source).objects.filter(pk=source.pk).update(order=order)
        new = [f"{s.label}{s.source_project} {s.amount}" for s in saved.funding_sources.order_by("order")]
        audit_record(
            actor=actor,
            action=ProjectAction.FUNDING_CHANGED,
            obj=saved,
            before={"sources": old},
            after={"sources": new},
        )
    return saved


def _project_code(requested: str, budget_year: int | None) -> str:
    """The code typed (checked), or `project-<year>-<n>`: a code is what exports and the API name it by."""
    if requested:
        if Project.objects.filter(code=requested).exists():
            raise ValidationError(f"项目编号“{requested}”已被使用，请换一个（或留空自动生成）")
        return requested
    base, n = f"project-{budget_year or 'x'}", Project.objects.count() + 1
    while Project.objects.filter(code=f"{base}-{n}").exists():
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def project_create(*, data: dict, funding: list[dict], indicators: list[dict], actor) -> Project:
    """A new project from the 新建项目 page: the header (`data`, ProjectForm's cleaned fields and
    `code`), its 资金来源 lines and its first indicators (category, name, measure_unit, long_term,
    annual). All or nothing, audited; a bureau's admin creates projects of their own bureau only."""
    department = data.get("competent_department")
    if not policy.can_create_project_for(actor, department.pk if department else None):
        raise PermissionDenied("只能为您管理的省局新建项目（主管部门）")
    fields = {k: v for k, v in data.items() if k != "code"}
    project = Project.objects.create(code=_project_code(data.get("code", ""), data.get("budget_year")), **fields)
    FundingSource.objects.bulk_create(
        FundingSource(project=project, order=n, **line) for n, line in enumerate(funding, start=1)
    )
    audit_record(
        actor=actor,
        action=ProjectAction.PROJECT_CREATED,
        obj=project,
        after={"code": project.code, **{k: _plain(v) for k, v in fields.items() if v not in (None, "")}}
        | {"sources": [f"{f['label']}{f['source_project']} {f['amount']}" for f in funding]},
    )
    errors = []
    for n, item in enumerate(indicators, start=1):
        try:
            indicator_create(project=project, actor=actor, **item)
        except ValidationError as exc:
            errors += [f"第 {n} 项指标：{m}" for m in exc.messages]
    if errors:
        raise ValidationError(errors)  # the whole project is rolled back with them
    return project

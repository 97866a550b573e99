"""Writes to projects: one transaction each, audited field by field."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from units.audit import AuditAction, audit_record

from .models import Project


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
            action=AuditAction.PROJECT_CHANGED,
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
            actor=actor, action=AuditAction.FUNDING_CHANGED, obj=saved, before={"sources": old}, after={"sources": new}
        )
    return saved

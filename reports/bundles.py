"""Which sheets make up an export: one object's layouts, or a project's 全部附件."""

from __future__ import annotations

from projects.models import Project
from targets.models import TargetTable

from units import policy

from .exporters import exporters_for


def project_items(project: Project, user) -> list[tuple]:
    """Every layout of a project that this user may export: its own sheets, the tables in
    which they see rows, its agreements' annexes."""
    items = [(e, project) for e in exporters_for(project)]
    for table in TargetTable.objects.filter(project=project).select_related("project").order_by("order"):
        if policy.can_open_grid(user, table):
            items += [(e, table) for e in exporters_for(table)]
    for agreement in project.agreements.order_by("pk"):
        items += [(e, agreement) for e in exporters_for(agreement)]
    return items


def filename_for(obj, layout: str | None = None) -> str:
    base = getattr(obj, "title", "") or getattr(obj, "name", "") or getattr(obj, "code", "export")
    for ch in '\\/:*?"<>|':
        base = base.replace(ch, "")
    return f"{base}{'-' + layout if layout else ''}.xlsx"

"""Which sheets make up an export: one object's layouts, or a project's 全部附件."""

from __future__ import annotations

from projects.models import Project
from targets.models import TargetTable

from .exporters import exporters_for


def project_items(project: Project, user, *, bundled_only: bool = True) -> list[tuple]:
    """Every layout of a project that this user may export, each asked of the policy on its
    own object: the project's sheets, the tables in which they see rows, and only the
    任务书 (annex, budget) they may open. Working sheets (the roll-up) only when asked
    (`bundled_only=False`): they are not among the filed 附件."""
    items = [(e, project) for e in exporters_for(project, user) if e.bundled or not bundled_only]
    for table in TargetTable.objects.filter(project=project).select_related("project").order_by("order"):
        items += [(e, table) for e in exporters_for(table, user) if e.bundled or not bundled_only]
    for agreement in project.agreements.issued().select_related("project", "undertaker").order_by("pk"):
        items += [(e, agreement) for e in exporters_for(agreement, user)]
    return items


def filename_for(obj, layout: str | None = None) -> str:
    base = getattr(obj, "title", "") or getattr(obj, "name", "") or getattr(obj, "code", "export")
    for ch in '\\/:*?"<>|':
        base = base.replace(ch, "")
    return f"{base}{'-' + layout if layout else ''}.xlsx"


def report_filename(report) -> str:
    """The file of one report's 自评表 / 绩效运行监控表: 项目-单位-年度 and the form."""
    kind = "自评表" if report.round.kind == "self_evaluation" else "绩效运行监控表"
    base = f"{report.round.project.name}-{report.owner_label}-{report.round.year}年{kind}"
    for ch in '\\/:*?"<>|':
        base = base.replace(ch, "")
    return f"{base}.xlsx"

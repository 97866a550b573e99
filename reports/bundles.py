"""Which sheets make up an export: one object's layouts, or a project's 全部附件."""

from __future__ import annotations

from projects.downloads import download_name
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


def report_filename(report, *, label: str | None = None) -> str:
    """The file of one report's 自评表 / 绩效运行监控表: project, round (year and date), unit, form.
    `label`: the project's, for many reports of one project (projects.downloads.project_label)."""
    form = "自评表" if report.round.kind == "self_evaluation" else "绩效运行监控表"
    return download_name(report.round.project, str(report.round), report.owner_label, form, ext="xlsx", label=label)

"""Fetch and authorise: the projects, indicators and 任务书 a view may touch, or a 404 (or a 403).

The rule itself is the policy's (units.policy)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from targets.models import Indicator
from units import policy
from units.access import visible_or_404

from .models import Agreement, Project


def project_for_user(user, pk: int) -> Project:
    return visible_or_404(Project.objects.all(), pk, user, policy.can_view_project, "没有找到该项目")


def project_for_rollup(user, pk: int) -> Project:
    """The roll-up (汇总) of a project: its bureau staff only; a filler gets a 404."""
    return visible_or_404(Project.objects.all(), pk, user, policy.can_view_rollup, "没有找到该项目")


def project_for_manager(user, pk: int, refusal: str = "只有省局管理员可以编辑项目") -> Project:
    project = project_for_user(user, pk)
    if not policy.can_manage_project(user, project):
        raise PermissionDenied(refusal)
    return project


def project_for_filing(user, pk: int) -> Project:
    """A project a 地方主管部门 files (it has one), for who may see it."""
    projects = Project.objects.select_related("local_department", "competent_department")
    return visible_or_404(projects, pk, user, policy.can_view_filing, "没有找到该项目的主管部门填报")


def indicator_for_manager(user, pk: int) -> Indicator:
    indicator = get_object_or_404(Indicator.objects.select_related("project"), pk=pk)
    project_for_manager(user, indicator.project_id)
    return indicator


def agreement_for_user(user, pk: int) -> Agreement:
    """A 任务书, or the project's 任务书格式 (its page, its blank Word and PDF)."""
    agreements = Agreement.objects.select_related("project", "undertaker", "reviewed_by", "submitted_by")
    return visible_or_404(agreements, pk, user, policy.can_view_agreement, "没有找到该任务书")


def issued_agreement_for_user(user, pk: int) -> Agreement:
    """A unit's 任务书 to fill, submit or review: never the 任务书格式, which is no one's to fill."""
    agreements = Agreement.objects.issued().select_related("project", "undertaker", "reviewed_by", "submitted_by")
    return visible_or_404(agreements, pk, user, policy.can_view_agreement, "没有找到该任务书")


def project_for_agreement_format(user, pk: int) -> Project:
    return visible_or_404(Project.objects.all(), pk, user, policy.can_view_agreement_format, "没有找到该项目")

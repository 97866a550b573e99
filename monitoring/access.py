"""Fetch and authorise the rounds, reports and evidence a view may touch, or a 404 (or a 403).

The rule itself is the policy's (units.policy)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from projects.access import project_for_user
from projects.models import Project
from units import policy
from units.access import visible_or_404

from .models import Evidence, Report, Round


def project_rounds(user, pk) -> Project:
    """A project's rounds page: bureau staff of the project; others 404."""
    project = project_for_user(user, pk)
    if not policy.can_view_rounds(user, project):
        raise Http404("没有找到该项目")
    return project


def project_for_round_manager(user, pk) -> Project:
    project = project_rounds(user, pk)
    if not policy.can_manage_rounds(user, project):
        raise PermissionDenied("只有本项目的审核员或管理员可以发起监控/自评")
    return project


def round_for_user(user, pk) -> Round:
    rounds = Round.objects.select_related("project", "opened_by")
    return visible_or_404(rounds, pk, user, lambda u, r: policy.can_view_rounds(u, r.project), "没有找到该轮次")


def round_for_manager(user, pk) -> Round:
    round_ = round_for_user(user, pk)
    if not policy.can_manage_rounds(user, round_.project):
        raise PermissionDenied("只有本项目的审核员或管理员可以修改该轮次")
    return round_


def report_for_user(user, pk) -> Report:
    reports = Report.objects.select_related("round__project", "unit", "submitted_by", "reviewed_by")
    return visible_or_404(reports, pk, user, policy.can_view_report, "没有找到该报告")


def evidence_for_user(user, pk) -> Evidence:
    evidence = Evidence.objects.select_related("report__round__project")
    return visible_or_404(evidence, pk, user, policy.can_view_evidence, "没有找到该材料")

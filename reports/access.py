"""Fetch and authorise: the projects a user may export and the jobs that are theirs, or a 404.

The rule itself is the policy's (units.policy)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from projects.models import Project
from units import policy
from units.access import visible_or_404

from .models import ExportJob, ImportJob


def project_for_export(user, pk: int) -> Project:
    return visible_or_404(Project.objects.all(), pk, user, policy.can_export_project, "没有找到该项目")


def project_for_import(user, pk) -> Project:
    return visible_or_404(Project.objects.all(), pk, user, policy.can_view_project, "没有找到该项目")


def export_job_for_owner(user, pk: int) -> ExportJob:
    # A job is its requester's alone: anyone else's is a 404.
    return get_object_or_404(
        ExportJob.objects.select_related("project", "agreement__project", "round__project", "table__project"),
        pk=pk,
        owner=user,
    )


def import_job_for_owner(user, pk: int) -> ImportJob:
    return get_object_or_404(ImportJob, pk=pk, owner=user)

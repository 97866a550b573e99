"""Fetch and authorise: the projects a user may export and the jobs that are theirs, or a 404.

The rule itself is the policy's (units.policy)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from projects.models import Project
from units import policy
from units.access import visible_or_404

from .models import ExportJob, ExportStatus, ImportJob


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


class ExportExpired(Exception):
    """The job's file has expired and was removed: its page offers 重新导出 (the API answers 410)."""

    def __init__(self, job: ExportJob):
        super().__init__(job.pk)
        self.job = job


def export_job_for_download(user, pk: int) -> ExportJob:
    """The requester's job whose file may be fetched now, for the page and the API alike: a 404 for
    another's job or once the user may no longer export its project, ExportExpired once its file
    expired, 403 while it is not built."""
    job = export_job_for_owner(user, pk)
    if job.status == ExportStatus.EXPIRED:
        raise ExportExpired(job)
    if job.status != ExportStatus.DONE or not job.file:
        raise PermissionDenied("文件尚未生成")
    if not policy.can_use_export_job(user, job):
        raise Http404("没有找到该项目")
    return job


def import_job_for_owner(user, pk: int) -> ImportJob:
    return get_object_or_404(ImportJob, pk=pk, owner=user)

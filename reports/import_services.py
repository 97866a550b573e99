"""Import jobs: preview on upload; apply on confirmation (in Celery when the file is large)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .importers import ImportFileError, ImportPlan, plan_apply, plan_workbook, read_upload
from .models import ImportJob, ImportStatus

LARGE_IMPORT_CHANGES = 2000


def import_preview(*, name: str, data: bytes, user, project=None) -> ImportPlan:
    """Phase one: read and check everything; nothing is written."""
    from .importers.plan import Issue

    try:
        grids = read_upload(name, data)
    except ImportFileError as exc:
        return ImportPlan(errors=[Issue(name, None, None, str(exc))])
    return plan_workbook(grids, user, project=project)


def import_job_create(*, name: str, data: bytes, user, project=None) -> ImportJob:
    plan = import_preview(name=name, data=data, user=user, project=project)
    return ImportJob.objects.create(owner=user, project=project, filename=name[:255], plan=plan.to_dict(),
                                    status=ImportStatus.PREVIEWED if plan.ok else ImportStatus.INVALID,
                                    message=plan.summary())


def import_job_apply(*, job_id: int) -> ImportJob:
    """Phase two: one transaction, all or nothing. Applying twice changes nothing."""
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    if job.status != ImportStatus.PREVIEWED:
        return job
    plan = ImportPlan.from_dict(job.plan)
    try:
        with transaction.atomic():
            plan_apply(plan, actor=job.owner)
            updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).update(
                status=ImportStatus.APPLIED, applied_at=timezone.now(), message=f"已导入：{plan.summary()}")
            if updated != 1:
                raise ValidationError("该导入已被处理")
    except ValidationError as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED,
                                                   message="导入失败，未写入任何数据：" + "；".join(exc.messages))
    job.refresh_from_db()
    return job


def import_job_confirm(*, job: ImportJob) -> bool:
    """Apply now, or queue for a worker when the import is large. True when queued."""
    if len(job.plan.get("changes", [])) > LARGE_IMPORT_CHANGES:
        transaction.on_commit(lambda: _import_job_queue_or_apply(job.pk), robust=True)
        return True
    import_job_apply(job_id=job.pk)
    return False


def _import_job_queue_or_apply(job_id: int) -> None:
    # With the broker down, applying in the request is slower but never loses the import.
    from config.broker import task_send

    from .tasks import import_job_apply_task

    if not task_send(import_job_apply_task, job_id):
        import_job_apply(job_id=job_id)

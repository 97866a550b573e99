"""Import jobs: preview on upload; apply on confirmation (in Celery when the file is large)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from config.broker import task_send
from units.transactions import commits_in_steps

from .importers import ImportFileError, ImportPlan, plan_apply, plan_workbook, read_upload
from .importers.plan import Issue
from .models import ImportJob, ImportStatus
from .provenance import ProvenanceError, read_provenance


def import_preview(*, name: str, data: bytes, user, project=None) -> ImportPlan:
    """Phase one: read and check everything; nothing is written."""
    try:
        grids = read_upload(name, data)
        source = None if name.lower().endswith(".docx") else read_provenance(data)
    except (ImportFileError, ProvenanceError) as exc:
        return ImportPlan(errors=[Issue(name, None, None, str(exc))])
    return plan_workbook(grids, user, project=project, source=source)


@transaction.atomic
def import_job_create(*, name: str, data: bytes, user, project=None) -> ImportJob:
    plan = import_preview(name=name, data=data, user=user, project=project)
    return ImportJob.objects.create(
        owner=user,
        project=project,
        filename=name[:255],
        plan=plan.to_dict(),
        status=ImportStatus.PREVIEWED if plan.ok else ImportStatus.INVALID,
        message=plan.summary(),
    )


@commits_in_steps("the claim and the data are one transaction; a refusal is recorded on the job after it rolls back")
def import_job_apply(*, job_id: int, confirmed: list[int] = ()) -> ImportJob:
    """Phase two: one transaction, all or nothing, applied at most once.

    The job is claimed first, inside the transaction, by moving it from 待确认 to 已导入
    in one conditional UPDATE: of several confirmations at once exactly one gets the row
    (the others wait for its lock, then find it claimed and change nothing). If the apply
    is refused, the claim rolls back with the data and the job is marked failed."""
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    if job.status != ImportStatus.PREVIEWED:
        return job
    plan = ImportPlan.from_dict(job.plan)
    accepted = sorted({int(i) for i in confirmed if 0 <= int(i) < len(plan.conflicts)})
    try:
        with transaction.atomic():
            claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).update(
                status=ImportStatus.APPLIED, applied_at=timezone.now(), message=_applied_message(plan, accepted)
            )
            if claimed == 1:
                plan_apply(plan, actor=job.owner, confirmed=accepted)
    except ValidationError as exc:
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).update(
            status=ImportStatus.FAILED, message="导入失败，未写入任何数据：" + "；".join(exc.messages)
        )
    job.refresh_from_db()
    return job


def _applied_message(plan: ImportPlan, accepted: list[int]) -> str:
    text = f"已导入：{plan.summary()}"
    if plan.conflicts:
        text += f"；导出后已被他人修改的 {len(plan.conflicts)} 项中，按文件写入 {len(accepted)} 项，其余保留系统中的值"
    return text


@commits_in_steps("applies through import_job_apply, or queues it after commit")
def import_job_confirm(*, job: ImportJob, confirmed: list[int] = ()) -> bool:
    """Apply now, or queue for a worker when the import is large. True when queued."""
    confirmed = list(confirmed)
    if len(job.plan.get("changes", [])) + len(confirmed) > settings.IMPORT_WORKER_CHANGES:
        transaction.on_commit(lambda: _import_job_queue_or_apply(job.pk, confirmed), robust=True)
        return True
    import_job_apply(job_id=job.pk, confirmed=confirmed)
    return False


def _import_job_queue_or_apply(job_id: int, confirmed: list[int]) -> None:
    # With the broker down, applying in the request is slower but never loses the import.
    if not task_send("reports.tasks.import_job_apply_task", job_id, confirmed):
        import_job_apply(job_id=job_id, confirmed=confirmed)

"""Export jobs: created in the request, built by a Celery worker."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from config.broker import task_send
from projects.agreements.pdf import STEPS as PDF_STEPS
from projects.agreements.pdf import PdfUnavailable, agreement_pdf
from projects.office import office_pdf
from units import policy
from units.files import save_written, walk
from units.transactions import commits_in_steps

from .bundles import project_items
from .exporters import export_workbook, exporter_for, workbook_bytes
from .models import ExportJob, ExportStatus
from .unit_forms import unit_reports, write_unit_forms

logger = logging.getLogger(__name__)


BROKER_DOWN_MESSAGE = "后台任务服务暂时无法连接，导出未能开始。请稍后点击“重试”；如仍失败，请联系省局管理员。"


def not_started_message(seconds: int) -> str:
    return f"导出已排队 {max(1, round(seconds / 60))} 分钟仍未开始（后台任务服务可能未运行）。请点击“重试”；如仍失败，请联系省局管理员。"


@transaction.atomic
def export_job_create(*, project, owner, agreement=None, round_=None, layout: str = "", table=None) -> ExportJob:
    """The project's 全部附件; with `agreement`, that 任务书 as PDF; with `round_`, the .zip of
    every unit's form of that round of the project; with `layout` (and `table` for a unit
    table), that sheet as PDF. A job of the owner's for the same file still queued or running
    is returned, not doubled: posting the button (or the API) in a loop queued a build each
    time, enough to keep every worker busy for everyone."""
    # The owner's row is locked: two posts at once see each other's job.
    get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
    waiting = ExportJob.objects.filter(
        owner=owner,
        project=project,
        agreement=agreement,
        round=round_,
        layout=layout,
        table=table,
        status__in=(ExportStatus.PENDING, ExportStatus.RUNNING),
    ).first()
    if waiting is not None and export_job_expire_unstarted(job=waiting).status != ExportStatus.FAILED:
        return waiting
    job = ExportJob.objects.create(
        project=project, owner=owner, agreement=agreement, round=round_, layout=layout, table=table
    )
    transaction.on_commit(lambda: export_job_enqueue(job_id=job.pk), robust=True)
    return job


def export_job_waiting_or_create(*, owner, agreement=None, round_=None) -> ExportJob:
    """`export_job_create` for a 任务书 or a round, whose project is theirs."""
    project = agreement.project if agreement is not None else round_.project
    return export_job_create(project=project, owner=owner, agreement=agreement, round_=round_)


@transaction.atomic(savepoint=False)  # one conditional UPDATE
def export_job_enqueue(*, job_id: int) -> bool:
    """Hand the job to the workers; if the broker does not take it, the job says so at once."""
    if task_send("reports.tasks.export_job_run_task", job_id):
        return True
    ExportJob.objects.filter(pk=job_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.FAILED, error=BROKER_DOWN_MESSAGE, finished_at=timezone.now()
    )
    return False


@transaction.atomic(savepoint=False)  # one conditional UPDATE
def export_job_expire_unstarted(*, job: ExportJob, now=None) -> ExportJob:
    """A job no worker has started within the limit is failed (with a retry), not left 排队中."""
    limit = settings.EXPORT_JOB_START_SECONDS
    now = now or timezone.now()
    if job.status == ExportStatus.PENDING and (now - job.queued_at).total_seconds() > limit:
        ExportJob.objects.filter(pk=job.pk, status=ExportStatus.PENDING).update(
            status=ExportStatus.FAILED, error=not_started_message(limit), finished_at=now
        )
        job.refresh_from_db()
    return job


RETRYABLE = (ExportStatus.FAILED, ExportStatus.EXPIRED)


@transaction.atomic
def export_job_retry(*, job: ExportJob) -> ExportJob:
    """Queue a failed job (重试) or an expired one (重新导出) again from the start."""
    if job.status not in RETRYABLE:
        return job
    ExportJob.objects.filter(pk=job.pk, status__in=RETRYABLE).update(
        status=ExportStatus.PENDING,
        error="",
        file="",
        done_sheets=0,
        total_sheets=0,
        queued_at=timezone.now(),
        finished_at=None,
    )
    transaction.on_commit(lambda: export_job_enqueue(job_id=job.pk), robust=True)
    job.refresh_from_db()
    return job


FAILED_MESSAGE = "导出失败：生成文件时出错，请稍后重试；如仍失败，请联系省局管理员。"


@transaction.atomic(savepoint=False)  # one conditional UPDATE
def export_job_fail(*, job_id: int, message: str = FAILED_MESSAGE) -> None:
    """Mark a job failed with a message for its requester; the cause goes to the log, not the page."""
    ExportJob.objects.filter(pk=job_id).update(status=ExportStatus.FAILED, error=message, finished_at=timezone.now())


@commits_in_steps("progress is committed sheet by sheet for the job's page to read while it builds")
def export_job_run(*, job_id: int) -> ExportJob:
    """Build the job's file. Safe to run again: the file is written to a local temporary file and
    saved to the store once whole, so a worker killed half-way leaves no broken file in it and
    the next run starts afresh.

    A layout that cannot be built fails the job with a Chinese message and the traceback
    in the log; an OSError (disk, a lost worker) propagates so the task is retried."""
    job = ExportJob.objects.select_related(
        "project", "owner", "agreement__project", "round__project", "table__project"
    ).get(pk=job_id)
    if job.status == ExportStatus.DONE and job.file:
        return job
    if not policy.can_use_export_job(job.owner, job):  # permissions may have changed since
        export_job_fail(job_id=job.pk, message=_REFUSED[_kind(job)])
        job.refresh_from_db()
        return job
    try:
        name = _BUILDERS[_kind(job)](job)
    except OSError:
        raise
    except PdfUnavailable as exc:
        export_job_fail(job_id=job.pk, message=str(exc))
    except Exception:
        logger.exception("export job %s failed", job.pk)
        export_job_fail(job_id=job.pk)
    else:
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.DONE, file=name, finished_at=timezone.now())
    job.refresh_from_db()
    return job


def _export_job_build(job: ExportJob) -> str:
    """Write the workbook of what the owner may view, with progress; return its stored name."""
    items = project_items(job.project, job.owner)
    workbook = export_workbook(items, job.owner, on_sheet=_running(job, total=len(items)))
    return _store(f"exports/{job.project.code}-全部附件-{job.pk}.xlsx", workbook.save)


def _agreement_pdf_build(job: ExportJob) -> str:
    """The 任务书's PDF, with its steps as progress; return its stored name."""
    data = agreement_pdf(job.agreement, on_step=_running(job, total=PDF_STEPS))
    return _store(f"exports/任务书-{job.agreement_id}-{job.pk}.pdf", lambda path: Path(path).write_bytes(data))


def _unit_forms_build(job: ExportJob) -> str:
    """The .zip of every unit's form of the round, one form a step; return its stored name."""
    reports = unit_reports(job.round)
    progress = _running(job, total=len(reports))
    name = f"exports/{job.project.code}-{job.round.year}-{job.round.form_name}-{job.pk}.zip"
    return _store(name, lambda path: write_unit_forms(job.round, job.owner, path, reports=reports, on_form=progress))


def _sheet_pdf_build(job: ExportJob) -> str:
    """One official sheet (a project's layout, or a unit table) printed as PDF by LibreOffice:
    what the page shows, for clerks who file paper. Its steps: the sheet written, converted."""
    progress = _running(job, total=PDF_STEPS)
    sheet = workbook_bytes(export_workbook([(exporter_for(job.layout), job.table or job.project)], job.owner))
    progress()
    data = office_pdf(sheet, "xlsx")
    progress()
    name = f"exports/{job.project.code}-{job.layout}-{job.table_id or ''}-{job.pk}.pdf"
    return _store(name, lambda path: Path(path).write_bytes(data))


def _kind(job: ExportJob) -> str:
    if job.layout:
        return "sheet_pdf"
    return "pdf" if job.agreement_id else "forms" if job.round_id else "bundle"


_BUILDERS = {
    "pdf": _agreement_pdf_build,
    "forms": _unit_forms_build,
    "bundle": _export_job_build,
    "sheet_pdf": _sheet_pdf_build,
}
_REFUSED = {
    "pdf": "您已无权导出该任务书",
    "forms": "您已无权导出该轮次的报告",
    "bundle": "您已无权导出该项目",
    "sheet_pdf": "您已无权导出该表",
}


def _running(job: ExportJob, *, total: int):
    """Mark the job running with `total` steps; return the callback that counts one step done."""
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, total_sheets=total, done_sheets=0, error="")
    done = 0

    def progress():
        nonlocal done
        done += 1
        ExportJob.objects.filter(pk=job.pk).update(done_sheets=done)

    return progress


def _store(name: str, write) -> str:
    """`write(path)` writes the file at a local temporary path; once whole it is saved through
    the jobs' storage (any host's or worker's, settings.STORAGES) as `name`. Returns the name
    it was saved under."""
    return save_written(ExportJob._meta.get_field("file").storage, name, write)


EXPIRED_MESSAGE = "已过期，请重新导出"


@commits_in_steps(
    "each job's file is deleted and the job marked expired in a transaction of its own: a delete "
    "the store refuses leaves that job as it was, for the next sweep, and the others go on"
)
def export_files_sweep(*, now=None) -> dict[str, int]:
    """Delete export files older than settings.EXPORT_RETENTION_DAYS and mark their jobs
    已过期 (run by beat every hour). Files under exports/ that no job names (a worker lost
    between saving and recording, a job deleted with its project) go after the same days.
    Returns the counts: expired jobs, jobs kept for the next sweep, stray files deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    due = ExportJob.objects.filter(status=ExportStatus.DONE, finished_at__lt=cutoff).order_by("finished_at", "pk")
    counts = {"expired": 0, "kept": 0, "strays": 0}
    for job_id in list(due.values_list("pk", flat=True)):
        counts["expired" if _export_job_expire(job_id, cutoff) else "kept"] += 1
    counts["strays"] = _export_strays_delete(cutoff)
    if counts["kept"]:
        logger.warning(
            "export sweep: %s files could not be deleted, their jobs kept for the next sweep", counts["kept"]
        )
    return counts


@transaction.atomic
def _export_job_expire(job_id: int, cutoff) -> bool:
    """Delete one job's file, then mark it expired; False (the job unchanged) if the store refused."""
    job = ExportJob.objects.select_for_update().filter(pk=job_id, status=ExportStatus.DONE, finished_at__lt=cutoff)
    job = job.first()
    if job is None:  # re-exported or expired meanwhile
        return True
    if job.file:
        try:
            job.file.storage.delete(job.file.name)
        except Exception:
            logger.exception("export job %s: its file %s could not be deleted", job.pk, job.file.name)
            return False
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.EXPIRED, file="", error=EXPIRED_MESSAGE)
    return True


def _export_strays_delete(cutoff) -> int:
    storage = ExportJob._meta.get_field("file").storage
    named = set(ExportJob.objects.exclude(file="").values_list("file", flat=True))
    deleted = 0
    for name in walk(storage, "exports"):
        if name in named:
            continue
        try:
            if storage.get_modified_time(name) < cutoff:
                storage.delete(name)
                deleted += 1
        except Exception:
            logger.exception("export sweep: the stray file %s could not be deleted", name)
    return deleted

from celery import shared_task

from .models import ExportJob, ExportStatus
from .services import export_job_run


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), max_retries=3, retry_backoff=5)
def export_job_run_task(job_id: int) -> str:
    try:
        return export_job_run(job_id=job_id).status
    except Exception as exc:  # the page must say it failed, not spin for ever
        ExportJob.objects.filter(pk=job_id).update(status=ExportStatus.FAILED, error=f"导出失败：{exc}")
        raise


@shared_task(acks_late=True)
def import_job_apply_task(job_id: int, confirmed: list[int] = ()) -> str:
    from .import_services import import_job_apply

    return import_job_apply(job_id=job_id, confirmed=confirmed).status

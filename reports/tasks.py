import logging

from celery import shared_task

from .services import export_job_fail, export_job_run

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), max_retries=3, retry_backoff=5)
def export_job_run_task(job_id: int) -> str:
    try:
        return export_job_run(job_id=job_id).status
    except Exception:  # the page must say it failed, not spin for ever, and in Chinese, not the exception
        logger.exception("export job %s failed", job_id)
        export_job_fail(job_id=job_id)
        raise


@shared_task(acks_late=True)
def import_job_apply_task(job_id: int) -> str:
    from .import_services import import_job_apply

    return import_job_apply(job_id=job_id).status

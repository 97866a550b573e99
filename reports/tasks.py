import logging

from celery import shared_task

from .import_services import import_job_apply
from .models import ExportStatus
from .services import export_files_sweep, export_job_fail, export_job_run

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def export_job_run_task(self, job_id: int) -> str:
    """A layout that fails is caught in the service; here an OSError (disk, a lost worker) is
    retried by a worker, and once retries are spent (at once when run eagerly, inside a request)
    the job fails with a Chinese message for its page and the traceback in the log. Nothing
    escapes, so an eager run never turns the request into a 500."""
    try:
        return export_job_run(job_id=job_id).status
    except OSError as exc:
        if not self.request.is_eager and self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
        logger.exception("export job %s failed after %s retries", job_id, self.request.retries)
        export_job_fail(job_id=job_id)
        return ExportStatus.FAILED


@shared_task(acks_late=True)
def export_files_sweep_task() -> dict[str, int]:
    """Beat's hourly retention sweep (settings.EXPORT_RETENTION_DAYS)."""
    return export_files_sweep()


@shared_task(acks_late=True)
def import_job_apply_task(job_id: int, confirmed: list[int] = ()) -> str:
    return import_job_apply(job_id=job_id, confirmed=confirmed).status

import os
import sys
from pathlib import Path

from celery import Celery
from celery.signals import worker_ready, worker_shutdown


def serves_no_pages(argv: list[str]) -> bool:
    """`celery -A config worker …` or `… beat`: a process that serves no pages (DJANGO_PROCESS)."""
    if not argv:
        return False
    program = argv[0]
    is_celery = Path(program).name == "celery" or program.endswith(os.path.join("celery", "__main__.py"))
    return is_celery and bool({"worker", "beat"} & set(argv[1:]))


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if serves_no_pages(sys.argv):
    # Before Django reads its settings: the worker's admin registers no models (config.settings).
    os.environ.setdefault("DJANGO_PROCESS", "worker")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_heartbeat = None
_office = None


@worker_ready.connect
def _heartbeat_start(**kwargs):
    """/readyz asks for a worker seen lately (config/health.py): each worker says so in Redis."""
    global _heartbeat
    from .health import heartbeat_start

    if _heartbeat is None or _heartbeat.is_set():  # one beating thread per process
        _heartbeat = heartbeat_start()


@worker_shutdown.connect
def _heartbeat_stop(**kwargs):
    if _heartbeat is not None:
        _heartbeat.set()


@worker_ready.connect
def _office_start(**kwargs):
    """UNOSERVER_START=1: this worker keeps a warm LibreOffice for its PDFs (projects/office.py)
    at UNOSERVER_HOST:UNOSERVER_PORT; without it each PDF starts LibreOffice for itself."""
    global _office
    from django.conf import settings

    if settings.UNOSERVER_START and settings.UNOSERVER_HOST and _office is None:
        from projects.office import server_start

        port = settings.UNOSERVER_PORT
        _office = server_start(settings.UNOSERVER_HOST, port, port - 1)


@worker_shutdown.connect
def _office_stop(**kwargs):
    if _office is not None:
        from projects.office import server_stop

        server_stop(_office)

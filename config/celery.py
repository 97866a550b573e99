import os

from celery import Celery
from celery.signals import worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

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

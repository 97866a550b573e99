import os

from celery import Celery
from celery.signals import worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_heartbeat = None


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

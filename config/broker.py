"""Handing work to Celery without letting a broker outage reach the user.

Every enqueue goes through `task_send`, by the task's registered name: a service never
imports its app's tasks module (the task imports the service), so the two do not import each
other. It waits for the broker at most the configured timeout (settings:
BROKER_TIMEOUT_SECONDS) and reports an outage as False instead of raising,
so the caller decides what the user sees (an outbox entry waits, an export job says so).
"""

from __future__ import annotations

import logging
import socket
import time

from django.conf import settings
from kombu.exceptions import KombuError, OperationalError

from .celery import app as celery_app

logger = logging.getLogger(__name__)

# What a down or unreachable broker raises while publishing (redis-py's errors are wrapped by
# kombu as OperationalError; the socket ones can escape on connect).
BROKER_DOWN = (OperationalError, KombuError, ConnectionError, TimeoutError, socket.timeout, socket.gaierror)


# After a failure, this process does not try again for a few seconds: a request that queues
# many tasks (a bulk approval notifies every row) waits for one timeout, not one per task.
_down_until = 0.0


def task_send(task, *args, **kwargs) -> bool:
    """Queue `task` (a registered name such as "reports.tasks.export_job_run_task", or the task);
    True when the broker took it (or, without a broker, when it ran)."""
    global _down_until
    if isinstance(task, str):
        task = _registered(task)
    if task.app.conf.task_always_eager:
        # No broker: the task runs here and its own errors are its caller's to see.
        task.apply_async(args=args, kwargs=kwargs)
        return True
    if time.monotonic() < _down_until:
        logger.warning("broker unavailable a moment ago, %s not queued", task.name)
        return False
    try:
        # No result is read by anyone (jobs keep their state in the database), and subscribing
        # for one is a second connection to a broker that may be down.
        task.apply_async(args=args, kwargs=kwargs, ignore_result=True)
    except BROKER_DOWN as exc:
        logger.warning("broker unavailable, %s not queued: %s", task.name, exc)
        _down_until = time.monotonic() + max(3, settings.BROKER_TIMEOUT_SECONDS)
        return False
    return True


def _registered(name: str):
    # A web process registers only the tasks modules it happened to import; autodiscovery
    # (every app's tasks.py) runs on the first name it does not know yet.
    if name not in celery_app.tasks:
        celery_app.loader.import_default_modules()
    return celery_app.tasks[name]

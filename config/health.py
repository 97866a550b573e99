"""/healthz and /readyz for load balancers and compose health checks (docs/design.md §9, Health).

- /healthz: the process answers. Nothing is read or written: no database, no session.
- /readyz: the database answers a read, Redis answers, the file storage is reachable, and a Celery
  worker was seen in the last WORKER_SEEN_SECONDS (its heartbeat key in Redis, written by a thread
  of every worker: `heartbeat_start`, connected in config/celery.py).

Answered by the first middleware, before host checks, the https redirect and the session: a probe
comes from the load balancer's own address, over plain HTTP, with no cookie. The answer names the
checks that failed and nothing else (no data, no versions, no error texts); the causes go to the log.

django-health-check was the candidate: its database check writes and deletes a row and its storage
check writes a file on every probe (several hosts probed every few seconds), its Celery check pings
a worker that must be idle to answer in time (a worker busy with a long export looks dead), and its
pages list each backend's error. These few read-only checks are all a probe needs.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections
from django.http import HttpResponse

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "jixiao:worker:seen"
PATHS = {"/healthz", "/readyz"}


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in PATHS:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return _answer(405, "method not allowed\n", Allow="GET, HEAD")
        if request.path == "/healthz":
            return _answer(200, "ok\n")
        failed = [name for name, check in CHECKS if not _passes(name, check)]
        if failed:
            return _answer(503, "unavailable: " + ", ".join(failed) + "\n")
        return _answer(200, "ready\n")


def _answer(status: int, text: str, **headers) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name] = value
    return response


def _passes(name: str, check) -> bool:
    try:
        problem = check()
    except Exception as exc:  # any failure of a dependency is "not ready", never a 500
        problem = f"{type(exc).__name__}: {exc}"
    if problem:
        logger.warning("readyz: %s not ready: %s", name, problem)
    return not problem


def database_check() -> str | None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


def redis_check() -> str | None:
    if not settings.REDIS_URL:
        return None  # no broker configured: tasks run in the request, nothing to reach
    return None if _redis().ping() else "no PONG"


def storage_check() -> str | None:
    """Reachable as uploads and exports use it. The local file system: the media root (or the
    folder it will be made in) is a writable folder; any other backend answers a lookup."""
    if isinstance(default_storage, FileSystemStorage):
        folder = Path(default_storage.location)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not (folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)):
            return f"{folder} is not a writable folder"
        return None
    default_storage.exists("readyz-probe")  # raises when the endpoint or the bucket is unreachable
    return None


def worker_check() -> str | None:
    if not settings.REDIS_URL:
        return None  # Celery runs eagerly in the request: there is no worker to see
    seen = _redis().get(HEARTBEAT_KEY)
    if seen is None:
        return "no heartbeat"
    age = time.time() - float(seen)
    return f"last heartbeat {age:.0f} s ago" if age > settings.WORKER_SEEN_SECONDS else None


CHECKS = (("database", database_check), ("redis", redis_check), ("storage", storage_check), ("worker", worker_check))

_clients: dict[str, object] = {}


def _redis():
    """One client (and its connection pool) per process and URL, bounded by the broker's timeout."""
    client = _clients.get(settings.REDIS_URL)
    if client is None:
        import redis

        timeout = settings.BROKER_TIMEOUT_SECONDS
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout)
        _clients[settings.REDIS_URL] = client
    return client


def heartbeat_beat() -> None:
    # Kept a few intervals past the limit so that a stale value can still be reported by age.
    ttl = settings.WORKER_SEEN_SECONDS + 3 * settings.WORKER_HEARTBEAT_SECONDS
    _redis().set(HEARTBEAT_KEY, f"{time.time():.3f}", ex=ttl)


def heartbeat_start() -> threading.Event:
    """A daemon thread of the worker's main process writes the heartbeat now and every
    WORKER_HEARTBEAT_SECONDS, whatever its pool is busy with. Set the returned event to stop it."""
    stop = threading.Event()

    def run():
        while True:
            try:
                heartbeat_beat()
            except Exception as exc:  # Redis down: the worker goes on, the heartbeat resumes later
                logger.warning("worker heartbeat not written: %s", exc)
            if stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
                return

    threading.Thread(target=run, name="worker-heartbeat", daemon=True).start()
    return stop

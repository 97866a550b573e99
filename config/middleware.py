"""Answers for failures that are about load, not about the request."""

from __future__ import annotations

import logging
import sys

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

BUSY_MESSAGE = "系统繁忙（数据库正被其他操作占用），您的操作未保存，请稍后重试。"
RETRY_AFTER_SECONDS = 5
# Transient: a lock held too long (SQLite "database is locked", PostgreSQL lock timeouts and
# deadlocks) or a connection lost. Anything else ("no such table") is a real error: a 500.
TRANSIENT = ("locked", "lock timeout", "deadlock", "could not serialize", "could not connect", "connection", "timeout")


class DatabaseBusyMiddleware:
    """Turn a database that stays locked (SQLite's 'database is locked', a PostgreSQL lock
    timeout) or unreachable into 503 with a Chinese message and Retry-After, never a 500.

    Writes go through services, each one transaction: the one that met the lock has been
    rolled back by the time the exception gets here, so "未保存" is true."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_transient(exception):
            return None
        logger.warning("database busy on %s %s: %s", request.method, request.path, exception)
        return busy_response(request)


def server_error(request):
    """handler500: the same 503 for a lock met outside a view (a session saved by its
    middleware), the product's 500 page for everything else."""
    exception = sys.exc_info()[1]
    if is_transient(exception):
        return busy_response(request)
    return defaults.server_error(request)


def is_transient(exception) -> bool:
    return isinstance(exception, OperationalError) and any(t in str(exception).lower() for t in TRANSIENT)


def busy_response(request) -> HttpResponse:
    if _wants_json(request):
        response = JsonResponse({"message": BUSY_MESSAGE, "busy": True}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": BUSY_MESSAGE}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _wants_json(request) -> bool:
    return request.content_type == "application/json" or "application/json" in request.headers.get("Accept", "")

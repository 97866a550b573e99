"""Answers for failures that are about load, not about the request."""

from __future__ import annotations

import logging

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

BUSY_MESSAGE = "系统繁忙（数据库正被其他操作占用），您的操作未保存，请稍后重试。"
RETRY_AFTER_SECONDS = 5
# Transient: a lock held too long (SQLite "database is locked", PostgreSQL lock timeouts and
# deadlocks) or a connection lost. Anything else ("no such table") is a real error: a 500.
TRANSIENT = ("locked", "lock timeout", "deadlock", "could not serialize", "could not connect", "connection", "timeout")


class DatabaseBusyMiddleware:
    """Turn a database that stays locked (SQLite's 'database is locked', a PostgreSQL lock
    timeout) or unreachable into 503 with a Chinese message and Retry-After, never a 500.

    The request's transaction has already been rolled back when the exception gets here,
    so "未保存" is true."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError) or not any(t in str(exception).lower() for t in TRANSIENT):
            return None
        logger.warning("database busy on %s %s: %s", request.method, request.path, exception)
        if _wants_json(request):
            response = JsonResponse({"message": BUSY_MESSAGE, "busy": True}, status=503)
        else:
            html = render_to_string("503.html", {"message": BUSY_MESSAGE})
            response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def _wants_json(request) -> bool:
    return request.content_type == "application/json" or "application/json" in request.headers.get("Accept", "")

"""Errors as JSON: `{"detail": "中文信息", "errors": [{"field": "cells.12", "message": "…"}]}`.

The services raise Django's ValidationError (and the review workflow's subclasses); DRF raises
its own. Both end here, with the status the grid gives: 400 for a bad value, 409 for a stale
version, a locked row or a step the row's state refuses, 403, 404 as on the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from review.engine import NotEditable, StaleVersion, TransitionRefused

GENERIC = {
    status.HTTP_401_UNAUTHORIZED: "请提供有效的接口令牌（Authorization: Token <令牌>）或先登录",
    status.HTTP_403_FORBIDDEN: "您没有执行此操作的权限",
    status.HTTP_404_NOT_FOUND: "没有找到该对象",
    status.HTTP_405_METHOD_NOT_ALLOWED: "不支持该请求方法",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "请以 JSON 提交（Content-Type: application/json）",
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "数据已变化，请刷新后重试"

    def __init__(self, detail=None, *, extra: dict | None = None):
        super().__init__(detail)
        self.extra = extra or {}


def _flatten(detail, path: str = "") -> list[dict]:
    """DRF's nested error detail as a flat list of {field, message}."""
    if isinstance(detail, dict):
        return [e for key, value in detail.items() for e in _flatten(value, f"{path}.{key}" if path else str(key))]
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [{"field": path or None, "message": str(item)} for item in detail]
        return [e for i, item in enumerate(detail) for e in _flatten(item, f"{path}.{i}" if path else str(i))]
    return [{"field": path or None, "message": str(detail)}]


def _django_error(exc: DjangoValidationError) -> Response:
    if isinstance(exc, StaleVersion | NotEditable | TransitionRefused):
        code = status.HTTP_409_CONFLICT
    else:
        code = status.HTTP_400_BAD_REQUEST
    if hasattr(exc, "error_dict"):
        errors = [{"field": field, "message": m} for field, ms in exc.message_dict.items() for m in ms]
    else:
        errors = [{"field": None, "message": m} for m in exc.messages]
    return Response({"detail": "；".join(e["message"] for e in errors), "errors": errors}, status=code)


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return _django_error(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or GENERIC[404])
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or GENERIC[403])
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        what = "查询参数有误：" if getattr(exc, "query_parameters", False) else "提交的数据有误："
        detail = what + "；".join(f"{e['field'] or '请求'}：{e['message']}" for e in errors)
    elif isinstance(exc, exceptions.NotAuthenticated):
        errors = []
        detail = GENERIC[401]
    elif isinstance(exc, exceptions.Throttled):
        errors = []
        detail = f"请求过于频繁，请 {int(exc.wait or 1)} 秒后重试"
    else:
        errors = []
        detail = _chinese(exc, response.status_code)
    response.data = {"detail": detail, "errors": errors, **_extra(exc)}
    return response


def _chinese(exc, code: int) -> str:
    text = str(getattr(exc, "detail", "") or "")
    if text.startswith("CSRF Failed"):
        return "CSRF 校验失败：以浏览器登录会话写入时，须在 X-CSRFToken 请求头中带上 CSRF 令牌"
    # DRF's own English defaults are replaced; messages we raised in Chinese are kept.
    if text and any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text
    return GENERIC.get(code, "请求无法处理")


def _extra(exc) -> dict:
    return getattr(exc, "extra", None) or {}

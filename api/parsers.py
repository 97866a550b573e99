"""The API's JSON parser: the product's one JSON reader (units.inputs.read_json), so that a body the
web views refuse (nested thousands deep, NaN) is a 400 here too, never a RecursionError (a 500)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission

from units.inputs import MalformedJson, read_json


class JsonParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return read_json(stream.read().decode(encoding))
        except (MalformedJson, UnicodeDecodeError) as exc:
            raise ParseError(f"请求格式不正确：{exc}") from None


class BodyIsJson(BasePermission):
    """Every write's body is parsed before its view runs, so that a malformed one is a 400 on every
    endpoint, also on the steps that take no body (submit, export): DRF parses lazily, and a step
    that never reads `request.data` would act on a request whose body no client could have meant.
    A permission, because DRF runs them for every view, after authentication."""

    def has_permission(self, request, view):
        # A method the view does not take is its 405 (dispatch says so after the permissions), not a 415
        # for a body it would never have read.
        if request.method in ("POST", "PUT", "PATCH") and hasattr(view, request.method.lower()):
            request.data  # noqa: B018 - parsing is the check; ParseError is the 400
        return True

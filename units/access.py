"""Fetch and authorise: the one shape of every app's access module.

Each app's `access.py` names its objects and the policy question that guards them;
this answers with the object, or a 404 when the user may not see it (so that another
unit's object looks the same as a missing one)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404
from django.shortcuts import get_object_or_404

from .inputs import parse_id


def visible_or_404(queryset, pk, user, may_see: Callable, missing: str):
    # An id from a query string or a form field may be anything: what is not an id is not found.
    pk = parse_id(pk)
    if pk is None:
        raise Http404(missing)
    obj = get_object_or_404(queryset, pk=pk)
    if not may_see(user, obj):
        raise Http404(missing)
    return obj

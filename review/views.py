"""One step of the review workflow (提交, 退回, 通过, 重新打开) as a page's POST, for every reviewable.

A reviewable's pages declare each step with `step_view`: how its object is fetched (a 404 outside the
user's units), the rule that allows the step, the service that takes it, what the form adds to it,
the message, and where the page goes next. The view asks the rule (403), takes the step, says what
became of it and goes there; a refused step changes nothing and says why. The services ask the
rule again (`review.engine.transition`), so a step taken elsewhere is checked the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

REFUSED = "您没有执行此操作的权限"


def refused(request, exc: ValidationError) -> None:
    """Each reason a write was refused, as an error message."""
    for message in exc.messages:
        messages.error(request, message)


def back_to(name: str) -> Callable:
    """`back` for a step whose page is the object's own: the URL `name` with the object's pk."""

    def back(request, obj):
        return redirect(name, pk=obj.pk)

    return back


def read_comment(request, obj) -> dict:
    """The 意见 posted with a 退回 (the service refuses an empty one)."""
    return {"comment": request.POST.get("comment", "")}


def step_view(
    *,
    fetch: Callable,
    allowed: Callable,
    service: Callable,
    key: str,
    success: str | Callable,
    back: Callable,
    read: Callable | None = None,
    read_back: Callable | None = None,
    on_refused: Callable | None = None,
):
    """The POST view of one step.

    - `fetch(user, pk)`: the object, or a 404; `allowed(user, obj)`: may the user take the step (403);
    - `service(<key>=obj.pk, actor=user, **fields)`: the step, refusing with a ValidationError;
    - `read(request, obj)`: the fields the form adds (a comment, a reason), or a ValidationError
      that refuses the form before the step (then `read_back`, else `back`);
    - `success`: the message, or `success(obj)`; `back(request, obj)`: where the page goes next;
    - `on_refused(request, obj, exc, fields)`: a page of its own for a refusal, or None for the
      messages and `back`.
    """

    @login_required
    @require_POST
    def view(request, pk):
        obj = fetch(request.user, pk)
        if not allowed(request.user, obj):
            raise PermissionDenied(REFUSED)
        try:
            fields = read(request, obj) if read is not None else {}
        except ValidationError as exc:
            refused(request, exc)
            return (read_back or back)(request, obj)
        try:
            service(**{key: obj.pk}, actor=request.user, **fields)
        except ValidationError as exc:
            page = on_refused(request, obj, exc, fields) if on_refused is not None else None
            if page is not None:
                return page
            refused(request, exc)
        else:
            messages.success(request, success(obj) if callable(success) else success)
        return back(request, obj)

    return view

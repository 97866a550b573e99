"""One step of the review workflow (提交, 退回, 通过) as an API endpoint, for every reviewable the API
serves: the API's counterpart of `review.views.step_view`, over the same services.

`step_api_view` makes the view class of one step from what differs: how its object is fetched (404
outside the caller's scope), the rule that allows the step (403), the payload it takes (400), the
service that takes it (409 when the object's state refuses) and what it answers (the object again)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import generics

REFUSED = "您没有执行此操作的权限"


def step_api_view(
    name: str,
    allowed: Callable,
    service: Callable,
    summary: str,
    *,
    fetch: Callable,
    key: str,
    answer: Callable,
    serializer_class,
    responses: dict,
    payload=None,
    read: Callable | None = None,
) -> type[generics.GenericAPIView]:
    """The view class `name` of one step, taking POST, with its OpenAPI `summary` and `responses`.

    - `fetch(user, pk)`: the object, or a 404; `allowed(user, obj)`: may the caller take the step;
    - `payload`: the serializer of the body (None: the step takes none); `read(validated_data)`:
      the service's fields from it (default: the validated data as they are);
    - `service(<key>=obj.pk, actor=user, **fields)`; `answer(request, pk)`: the response.
    """

    @extend_schema(summary=summary, request=payload, responses=responses)
    def post(self, request, pk):
        obj = fetch(request.user, pk)
        if not allowed(request.user, obj):
            raise PermissionDenied(REFUSED)
        fields = {}
        if payload is not None:
            body = payload(data=request.data)
            body.is_valid(raise_exception=True)
            fields = read(body.validated_data) if read is not None else dict(body.validated_data)
        service(**{key: obj.pk}, actor=request.user, **fields)
        return answer(request, pk)

    return type(name, (generics.GenericAPIView,), {"serializer_class": serializer_class, "post": post})

"""Fetch and authorise: the user's own tokens, or a 404 (another user's token looks like a missing one)."""

from __future__ import annotations

from django.http import Http404

from .models import ApiToken


def token_for_owner(user, pk) -> ApiToken:
    """One of the user's own tokens; anyone else's is not found."""
    if not str(pk).isdigit():
        raise Http404("没有找到该令牌")
    token = ApiToken.objects.filter(pk=pk, user=user).first()
    if token is None:
        raise Http404("没有找到该令牌")
    return token

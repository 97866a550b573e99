"""The user's own API tokens: list, create (the token shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .access import token_for_owner
from .models import ApiToken
from .services import api_token_create, api_token_revoke


def _page(request, *, new_token: str = "", status: int = 200):
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "api/tokens.html", {"tokens": tokens, "new_token": new_token}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_list(request):
    if request.method != "POST":
        return _page(request)
    try:
        _token, text = api_token_create(user=request.user, name=request.POST.get("name", ""), actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _page(request, status=400)
    # Shown on this response only: the page after a reload has no way to show it again.
    return _page(request, new_token=text)


@login_required
@require_POST
def token_revoke(request, pk):
    token = token_for_owner(request.user, pk)
    api_token_revoke(token_id=token.pk, actor=request.user)
    messages.success(request, f"已吊销令牌“{token.name}”")
    return redirect("api:tokens")

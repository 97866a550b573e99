"""Token authentication for machine clients: `Authorization: Token <token>` (or `Bearer <token>`)."""

from __future__ import annotations

import hmac

from rest_framework import authentication, exceptions

from .models import ApiToken
from .services import api_token_touch, token_digest

KEYWORDS = ("token", "bearer")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Finds the token by its prefix, checks the HMAC of its secret; `request.auth` is the ApiToken."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("令牌格式不正确：应为“Authorization: Token <令牌>”")
        try:
            text = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("令牌格式不正确") from None
        token = api_token_check(text)
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效或已被吊销")
        api_token_touch(token)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


def api_token_check(text: str) -> ApiToken | None:
    """The active token this text proves, with its user (one query), or None."""
    prefix, dot, secret = (text or "").partition(".")
    if not dot or not prefix or not secret or len(prefix) > 16:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix, revoked_at__isnull=True).first()
    if token is None or not hmac.compare_digest(token.digest, token_digest(secret)):
        return None
    if not token.user.is_active:
        return None
    return token

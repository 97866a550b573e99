"""Writes of API tokens. A token is `<prefix>.<secret>`; only HMAC-SHA256(secret) is kept."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from units.audit import audit_record
from units.inputs import check_text

from .audit_actions import ApiAction
from .models import ApiToken

# Ten active tokens are plenty for the scripts of one person (the rate is counted per user, across
# all of them: api.throttling). How many a user may make in 24 hours is settings.API_TOKENS_PER_DAY,
# counted in the database (revoked ones too), under the user's row lock: exact across processes.
MAX_ACTIVE_TOKENS = 10
# A token is used at most this often to move `last_used_at` (one UPDATE a minute, not one a request).
LAST_USED_EVERY_SECONDS = 60


def token_digest(secret: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str, actor=None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the full token text, which is never shown again."""
    name = (name or "").strip() or "接口令牌"
    check_text(name, "“令牌名称”", limit=100)
    # The user's row is locked so that two pages posting at once cannot both pass the cap.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(f"每个用户最多同时持有 {MAX_ACTIVE_TOKENS} 个有效令牌，请先吊销不再使用的令牌")
    per_day = settings.API_TOKENS_PER_DAY
    made = ApiToken.objects.filter(user=user, created_at__gte=timezone.now() - timedelta(days=1))
    if made.count() >= per_day:
        first = made.order_by("created_at").values_list("created_at", flat=True).first()
        again = timezone.localtime(first + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
        raise ValidationError(
            f"24 小时内最多创建 {per_day} 个令牌（含已吊销的），请于 {again} 后再创建，或继续使用已有的令牌"
        )
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=token_digest(secret))
    audit_record(actor=actor or user, action=ApiAction.API_TOKEN_CREATED, obj=token, label=str(token))
    return token, f"{prefix}.{secret}"


@transaction.atomic
def api_token_revoke(*, token_id: int, actor) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=token.revoked_at)
        audit_record(actor=actor, action=ApiAction.API_TOKEN_REVOKED, obj=token, label=str(token))
    return token


@transaction.atomic(savepoint=False)  # one conditional UPDATE
def api_token_touch(token: ApiToken, now=None) -> None:
    """Note the token's use, at most once a minute."""
    now = now or timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= LAST_USED_EVERY_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now

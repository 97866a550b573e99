"""API tokens for machine clients: one user's key, stored only as a keyed hash."""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A token `<prefix>.<secret>`: the prefix finds it, the HMAC of the secret proves it.

    The secret is shown once when the token is made and never stored in clear."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("名称", max_length=100, help_text="如：预算系统对接")
    prefix = models.CharField("前缀", max_length=16, unique=True)
    digest = models.CharField("摘要", max_length=64)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

"""The audit codes of api (the API's tokens), with the labels the history shows.

Registered with `units.audit` when the app starts (`api.apps`); `audit_record` refuses a code
no app registered. `AuditEntry.action` is a plain CharField, so a new code needs no migration."""

from django.db import models


class ApiAction(models.TextChoices):
    API_TOKEN_CREATED = "api.token.created", "创建接口令牌"
    API_TOKEN_REVOKED = "api.token.revoked", "吊销接口令牌"

"""Writing the audit log. Every state change and value change calls `audit_record`."""

from __future__ import annotations

from django.db import models

from .models import AuditEntry


def object_key(obj: models.Model) -> tuple[str, str]:
    return f"{obj._meta.app_label}.{obj._meta.object_name}", str(obj.pk)


def audit_record(*, actor, action: str, obj: models.Model, before=None, after=None, comment: str = "", label: str = "") -> AuditEntry:
    object_type, object_id = object_key(obj)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=(label or str(obj))[:300],
        before=before,
        after=after,
        comment=comment,
    )


def audit_entries_for(obj: models.Model):
    object_type, object_id = object_key(obj)
    return AuditEntry.objects.filter(object_type=object_type, object_id=object_id).select_related("actor")

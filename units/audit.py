"""Writing the audit log. Every state change and value change calls `audit_record`
(or builds `AuditEntry` rows in bulk) with one of the codes the apps register here."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from .models import AuditEntry

# Every action the audit log records, with the label the history shows. Each app declares its
# codes ("<app>.<object>.<event>") as a TextChoices beside its models (`targets/audit_actions.py`,
# `projects/audit_actions.py` …) and registers them when it starts, as it registers its labels
# below: this module knows no app's codes. `AuditEntry.action` keeps a plain CharField (no
# choices) so that adding a code needs no migration; `audit_record` refuses a code no app registered.
_ACTIONS: dict[str, str] = {}


def actions_register(*choices: type[models.TextChoices]) -> None:
    """An app's audit codes and their labels (from its `ready()`)."""
    for item in choices:
        for code, label in item.choices:
            if _ACTIONS.get(code, label) != label:
                raise ImproperlyConfigured(f"the audit code {code} is registered twice, with two labels")
            _ACTIONS[code] = str(label)


def action_choices() -> list[tuple[str, str]]:
    """Every registered code with its label, in the order the apps registered them (the admin's filter)."""
    return list(_ACTIONS.items())


def is_action(code: str) -> bool:
    return str(code) in _ACTIONS


def _registered(action: str) -> str:
    code = str(action)  # a TextChoices member prints its code
    if code not in _ACTIONS:
        raise ValueError(f"{code!r} is no registered audit action")  # it would show raw in the history
    return code


# Before/after values name model fields (undertaker_leader, special, platform_kind …). Each app
# registers the Chinese names of its fields and choices when it starts, so that the history reads
# as the page does, without this module knowing the apps above it.
_FIELD_LABELS: dict[str, str] = {}
_VALUE_LABELS: dict[str, dict[str, str]] = {}


def labels_register(*models_or_choices, extra: dict[str, str] | None = None) -> None:
    """Field names and choice values of `models_or_choices` (models, or TextChoices by field name)."""
    for item in models_or_choices:
        if isinstance(item, tuple):  # (field name, TextChoices)
            name, choices = item
            _VALUE_LABELS.setdefault(name, {}).update(dict(choices.choices))
            _FIELD_LABELS.update({str(value): str(label) for value, label in choices.choices})
            continue
        for field in item._meta.get_fields():
            if hasattr(field, "verbose_name"):
                _FIELD_LABELS.setdefault(field.name, str(field.verbose_name))
            if getattr(field, "choices", None):
                _VALUE_LABELS.setdefault(field.name, {}).update({str(k): str(v) for k, v in field.choices})
    _FIELD_LABELS.update(extra or {})


def readable(value, key: str = "") -> str:
    """A before/after value as a person reads it: labels for names and codes, blanks said."""
    if value in (None, "", [], {}):
        return "（空）"
    if isinstance(value, dict):
        return "；".join(f"{_FIELD_LABELS.get(k, k)}：{readable(v, k)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(readable(v, key) for v in value)
    return _VALUE_LABELS.get(key, {}).get(str(value), str(value))


def action_label(action: str) -> str:
    """The history's label of a code; an unknown (retired) code is shown as written."""
    return _ACTIONS.get(str(action), action)


def object_key(obj: models.Model) -> tuple[str, str]:
    return f"{obj._meta.app_label}.{obj._meta.object_name}", str(obj.pk)


def audit_record(
    *, actor, action: str, obj: models.Model, before=None, after=None, comment: str = "", label: str = ""
) -> AuditEntry:
    object_type, object_id = object_key(obj)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) and actor.pk else None,  # the command line: none
        action=_registered(action),
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

from django import template

from targets import values as tv
from targets.models import ReviewStatus, TableStatus
from targets.values import format_number
from units import audit

register = template.Library()

STATUS_LABELS = {**dict(ReviewStatus.choices), **{f"table:{k}": v for k, v in TableStatus.choices}}


@register.filter
def action_label(action: str) -> str:
    return audit.action_label(action)


@register.filter
def audit_value(value) -> str:
    """An audit entry's before/after, as a person reads it."""
    if not value:
        return ""
    if set(value) == {"raw"}:
        return value["raw"] or "（空）"
    parts = []
    for key, item in value.items():
        if key == "status":
            parts.append(STATUS_LABELS.get(item, item))
        elif key == "version":
            parts.append(f"版本 {item}")
        elif key == "deadline":
            parts.append(f"截止 {item[:16].replace('T', ' ')}" if item else "无截止时间")
        else:
            parts.append(audit.readable({key: item}))
    return "；".join(parts)


@register.filter
def person(user) -> str:
    """A user as shown on pages: the display name, else the login name."""
    if user is None:
        return "—"
    return user.first_name or user.username


@register.filter
def get(mapping, key):
    """`mapping[key]`, or "" when either is missing (a stored row has no errors)."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""


@register.filter
def index(sequence, position):
    return sequence[position]


@register.filter
def decimal(value) -> str:
    """A Decimal without exponent or trailing zeros; blank for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value  # as typed, shown again after a refused save
    return format_number(value)


@register.filter
def money(value) -> str:
    if value is None:
        return ""
    return f"{value:,.2f}"


# A 参与单位 line's fields, with the column heads the 任务书 page shows (its inputs' accessible names).
PARTICIPANT_FIELDS = {
    "name": "单位名称",
    "contact": "项目联系人",
    "contact_title": "职务",
    "phone": "联系电话",
    "email": "电子邮箱",
    "address": "通讯地址",
}


@register.filter
def participant_fields(participant):
    """(field, its column head, the value) of a 参与单位 line; a blank line (None) has no values."""
    return [(f, label, getattr(participant, f) if participant else "") for f, label in PARTICIPANT_FIELDS.items()]


@register.filter
def reading(raw, unit: str = "") -> str:
    """How the product reads a written target (`≥15家（媒体） 且 ≥30篇`, `区间 80%–90%`); "" for blank."""
    value = tv.parse(raw or "", default_unit=unit or "")
    return "" if value.is_blank else tv.describe(value)


@register.filter
def derived_direction(raw, unit: str = "") -> str:
    """指标性质 as the target itself says it (正向 / 反向 / 区间 / 定性), for the "按指标值判断" choice."""
    value = tv.parse(raw or "", default_unit=unit or "")
    return "" if value.is_blank else tv.derived_direction(value).label


@register.simple_tag
def direction_choices():
    return [(d.value, d.label) for d in tv.Direction]

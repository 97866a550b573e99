from django import template

from targets.models import RowStatus, TableStatus

register = template.Library()

ACTION_LABELS = {
    "targets.cell.changed": "修改指标值",
    "targets.row.narrative_changed": "修改文字目标",
    "targets.row.started": "开始填报",
    "targets.row.submitted": "提交",
    "targets.row.returned": "退回",
    "targets.row.approved": "审核通过",
    "targets.row.reopened": "重新打开",
    "targets.row.removed": "删除",
    "targets.row.restored": "恢复",
    "targets.table.opened": "开放填报",
    "targets.table.closed": "截止填报",
    "targets.table.deadline_changed": "修改截止时间",
    "projects.agreement.created": "下达任务书",
    "projects.agreement.basic_changed": "修改基本情况",
    "projects.agreement.content_changed": "修改任务与进度",
    "projects.agreement.annex_changed": "修改附表",
    "projects.agreement.budget_changed": "修改经费",
    "projects.agreement.staff_changed": "修改参与人",
    "projects.agreement.submitted": "提交",
    "projects.agreement.returned": "退回",
    "projects.agreement.approved": "审核通过",
}
STATUS_LABELS = {**dict(RowStatus.choices), **{f"table:{k}": v for k, v in TableStatus.choices}}


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


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
            parts.append(str(item))
    return "，".join(parts)


@register.filter
def person(user) -> str:
    """A user as shown on pages: the display name, else the login name."""
    if user is None:
        return "—"
    return user.first_name or user.username


@register.filter
def split(text: str):
    return text.split()


@register.filter
def index(sequence, position):
    return sequence[position]


@register.filter
def decimal(value) -> str:
    """A Decimal without exponent or trailing zeros; blank for None."""
    if value is None or value == "":
        return ""
    from targets.values import format_number

    return format_number(value)


@register.filter
def money(value) -> str:
    if value is None:
        return ""
    return f"{value:,.2f}"


@register.filter
def participant_fields(participant):
    return [(f, getattr(participant, f)) for f in ("name", "contact", "contact_title", "phone", "email", "address")]

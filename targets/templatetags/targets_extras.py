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

"""Writing the audit log. Every state change and value change calls `audit_record`
(or builds `AuditEntry` rows in bulk) with one of the `AuditAction` codes below."""

from __future__ import annotations

from django.db import models

from .models import AuditEntry


class AuditAction(models.TextChoices):
    """Every action the audit log records, with the label the history shows.

    `AuditEntry.action` keeps a plain CharField (no choices) so that adding a code
    needs no migration; writers pass these members and `audit_record` refuses others.
    """

    CELL_CHANGED = "targets.cell.changed", "修改指标值"
    CELL_HANDED_DOWN = "targets.cell.handed_down", "填写下达值"
    CELL_CONFIRMED = "targets.cell.confirmed", "确认下达值"
    CELL_PROPOSED = "targets.cell.proposed", "提出调整"
    CELL_PLAUSIBILITY_CONFIRMED = "targets.cell.plausibility_confirmed", "确认提示（说明理由）"
    ROW_NARRATIVE_CHANGED = "targets.row.narrative_changed", "修改文字目标"
    ROW_STARTED = "targets.row.started", "开始填报"
    ROW_SUBMITTED = "targets.row.submitted", "提交"
    ROW_RETURNED = "targets.row.returned", "退回"
    ROW_APPROVED = "targets.row.approved", "审核通过"
    ROW_REOPENED = "targets.row.reopened", "重新打开"
    ROW_CREATED = "targets.row.created", "添加单位"
    ROW_REMOVED = "targets.row.removed", "删除"
    ROW_RESTORED = "targets.row.restored", "恢复"
    ROW_ADJUSTED = "targets.row.adjusted", "按调整批复修改"
    ROW_FUNDING_CHANGED = "targets.row.funding_changed", "修改资金"
    ADJUSTMENT_SUBMITTED = "targets.adjustment.submitted", "申请调整"
    ADJUSTMENT_RETURNED = "targets.adjustment.returned", "调整申请未获批准"
    ADJUSTMENT_APPROVED = "targets.adjustment.approved", "批准调整申请"
    TABLE_CREATED = "targets.table.created", "新建目标表"
    TABLE_OPENED = "targets.table.opened", "开放填报"
    TABLE_CLOSED = "targets.table.closed", "截止填报"
    TABLE_DEADLINE_CHANGED = "targets.table.deadline_changed", "修改截止时间"
    TABLE_UNITS_REORDERED = "targets.table.units_reordered", "调整单位顺序"
    TABLE_HANDED_DOWN = "targets.table.handed_down", "改为下达表"
    TABLE_REMINDED = "targets.table.reminded", "催报"
    COLUMN_CREATED = "targets.column.created", "新增列"
    COLUMN_CHANGED = "targets.column.changed", "修改列"
    COLUMN_REMOVED = "targets.column.removed", "删除列"
    COLUMN_ROLLUP_CHANGED = "targets.column.rollup_changed", "修改列的汇总（计入三级指标）"
    INDICATOR_CREATED = "targets.indicator.created", "新增三级指标"
    INDICATOR_CHANGED = "targets.indicator.changed", "修改三级指标"
    INDICATOR_MOVED = "targets.indicator.moved", "调整指标顺序"
    INDICATOR_REMOVED = "targets.indicator.removed", "删除三级指标"
    INDICATOR_RESTORED = "targets.indicator.restored", "恢复三级指标"
    TARGET_CHANGED = "targets.target.changed", "修改绩效目标值"
    PROJECT_CREATED = "projects.project.created", "新建项目"
    PROJECT_CHANGED = "projects.project.changed", "修改项目信息"
    FUNDING_CHANGED = "projects.funding.changed", "修改资金来源"
    PROJECT_COPIED = "projects.project.copied", "复制到新年度"
    AGREEMENT_CREATED = "projects.agreement.created", "下达任务书"
    AGREEMENT_FORMAT_CREATED = "projects.agreement_format.created", "新建任务书格式"
    AGREEMENT_FORMAT_CHANGED = "projects.agreement_format.changed", "修改任务书格式"
    AGREEMENT_BASIC_CHANGED = "projects.agreement.basic_changed", "修改基本情况"
    AGREEMENT_CONTENT_CHANGED = "projects.agreement.content_changed", "修改任务与进度"
    AGREEMENT_ANNEX_CHANGED = "projects.agreement.annex_changed", "修改附表"
    AGREEMENT_BUDGET_CHANGED = "projects.agreement.budget_changed", "修改经费"
    AGREEMENT_STAFF_CHANGED = "projects.agreement.staff_changed", "修改参与人"
    AGREEMENT_SUBMITTED = "projects.agreement.submitted", "提交"
    AGREEMENT_RETURNED = "projects.agreement.returned", "退回"
    AGREEMENT_APPROVED = "projects.agreement.approved", "审核通过"
    AGREEMENT_METRIC_CHANGED = "projects.agreement_metric.changed", "修改附表指标值"
    API_TOKEN_CREATED = "api.token.created", "创建接口令牌"
    API_TOKEN_REVOKED = "api.token.revoked", "吊销接口令牌"
    # 地方主管部门's filing of a project (organisations)
    FILING_CHANGED = "projects.filing.changed", "修改主管部门填报"
    FILING_STARTED = "projects.filing.started", "开始填报"
    FILING_SUBMITTED = "projects.filing.submitted", "提交"
    FILING_RETURNED = "projects.filing.returned", "退回"
    FILING_APPROVED = "projects.filing.approved", "审核通过"
    MONITORING_ROUND_OPENED = "monitoring.round.opened", "发起监控/自评"
    MONITORING_ROUND_CLOSED = "monitoring.round.closed", "结束监控/自评"
    MONITORING_ROUND_UNITS_ADDED = "monitoring.round.units_added", "加入单位"
    MONITORING_ROUND_DEADLINE_CHANGED = "monitoring.round.deadline_changed", "修改截止时间"
    MONITORING_WEIGHTS_CHANGED = "monitoring.round.weights_changed", "修改权重"
    MONITORING_REPORT_CHANGED = "monitoring.report.changed", "修改完成值"
    MONITORING_REPORT_GRADED = "monitoring.report.graded", "评定等级"
    MONITORING_REPORT_BUDGET_SET = "monitoring.report.budget_set", "设定预算数"
    MONITORING_REPORT_SUBMITTED = "monitoring.report.submitted", "提交"
    MONITORING_REPORT_RETURNED = "monitoring.report.returned", "退回"
    MONITORING_REPORT_APPROVED = "monitoring.report.approved", "审核通过"
    MONITORING_REPORT_REOPENED = "monitoring.report.reopened", "重新打开"
    MONITORING_EVIDENCE_ADDED = "monitoring.evidence.added", "上传佐证材料"
    MONITORING_EVIDENCE_REMOVED = "monitoring.evidence.removed", "删除佐证材料"


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
    try:
        return AuditAction(action).label
    except ValueError:
        return action


def object_key(obj: models.Model) -> tuple[str, str]:
    return f"{obj._meta.app_label}.{obj._meta.object_name}", str(obj.pk)


def audit_record(
    *, actor, action: AuditAction, obj: models.Model, before=None, after=None, comment: str = "", label: str = ""
) -> AuditEntry:
    object_type, object_id = object_key(obj)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) and actor.pk else None,  # the command line: none
        action=AuditAction(action),  # an unregistered code would show raw in the history
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

"""The audit codes of monitoring (绩效监控 and 自评: rounds, reports, evidence), with the labels the history shows.

Registered with `units.audit` when the app starts (`monitoring.apps`); `audit_record` refuses a code
no app registered. `AuditEntry.action` is a plain CharField, so a new code needs no migration."""

from django.db import models


class MonitoringAction(models.TextChoices):
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

"""The audit codes of projects (projects, 任务书, 主管部门's filings), with the labels the history shows.

Registered with `units.audit` when the app starts (`projects.apps`); `audit_record` refuses a code
no app registered. `AuditEntry.action` is a plain CharField, so a new code needs no migration."""

from django.db import models


class ProjectAction(models.TextChoices):
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
    # 地方主管部门's filing of a project (organisations)
    FILING_CHANGED = "projects.filing.changed", "修改主管部门填报"
    FILING_STARTED = "projects.filing.started", "开始填报"
    FILING_SUBMITTED = "projects.filing.submitted", "提交"
    FILING_RETURNED = "projects.filing.returned", "退回"
    FILING_APPROVED = "projects.filing.approved", "审核通过"

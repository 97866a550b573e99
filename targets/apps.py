from django.apps import AppConfig


class TargetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "targets"
    verbose_name = "绩效目标"

    def ready(self):
        from review.engine import queue_register
        from units.audit import actions_register, labels_register
        from units.policy import rules_register

        from . import audit_actions, models, permissions
        from .adjustment_selectors import adjustments_to_review

        rules_register(
            *permissions.RULES, exports=permissions.EXPORTS
        )  # policy.can_edit_row … answer with targets' rules
        queue_register(adjustments_to_review)  # 调整申请 wait in the review queue beside rows and 任务书

        # The history of handed-down tables (targets.handdown) reads in Chinese.
        actions_register(audit_actions.TargetAction)
        labels_register(
            ("state", models.AssignedState),
            ("mode", models.TableMode),
            extra={
                "raw": "指标值",
                "state": "确认状态",
                "reason": "调整理由",
                "mode": "填报方式",
                "cells": "保留的值",
                # 催报 (targets.reminder_services)
                "reminded": "已催报",
                "already": "今天已催报过",
                "no_account": "没有填报员账号",
                "warnings": "提示",  # a unit's confirmation of a flagged value (targets.plausibility)
            },
        )

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"
    verbose_name = "项目"

    def ready(self):
        from review.engine import queue_register
        from units.audit import actions_register, labels_register
        from units.policy import governance_register, rules_register

        from . import audit_actions, models, permissions
        from .agreements.selectors import agreements_to_review

        rules_register(*permissions.RULES, exports=permissions.EXPORTS)
        # who governs a project (its 主管部门) and who reviews it (the guardian grants)
        governance_register(governed_by="competent_department", grants=models.ProjectUserObjectPermission)
        queue_register(agreements_to_review)
        from .filings.selectors import filings_to_review

        queue_register(filings_to_review)
        actions_register(audit_actions.ProjectAction)
        labels_register(
            models.Agreement,
            models.AgreementParticipant,
            models.AgreementStaff,
            models.ProjectFiling,
            models.Project,  # the header fields a 主管部门 fills (项目负责人 …), in its filing's history
            ("kind", models.BudgetSourceKind),
            extra={
                "participants": "参与单位",
                "sources": "经费来源",
                "allocations": "经费分配",
                "expenses": "支出预算",
                "staff": "参与人",
                # 复制到新年度 (projects.copying) and the table editor's unit order
                "project_code": "项目编号",
                "budget_year": "预算年度",
                "copy_values": "指标值",
                "reviewers": "审核员",
                "units": "单位顺序",
            },
        )

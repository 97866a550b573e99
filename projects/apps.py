from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"
    verbose_name = "项目"

    def ready(self):
        from targets.review import queue_register
        from units.audit import labels_register

        from . import models
        from .agreements.selectors import agreements_to_review

        queue_register(agreements_to_review)
        labels_register(
            models.Agreement,
            models.AgreementParticipant,
            models.AgreementStaff,
            ("kind", models.BudgetSourceKind),
            extra={
                "participants": "参与单位",
                "sources": "经费来源",
                "allocations": "经费分配",
                "expenses": "支出预算",
                "staff": "参与人",
            },
        )

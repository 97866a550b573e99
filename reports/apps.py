from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "报表"

    def ready(self):
        from units.policy import rules_register

        from . import permissions

        rules_register(*permissions.RULES)  # policy.can_use_export_job

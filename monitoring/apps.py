from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"
    verbose_name = "绩效监控与自评"

    def ready(self):
        from review.engine import queue_register
        from targets.last_year import actual_register
        from units.audit import actions_register, labels_register
        from units.policy import rules_register

        from . import audit_actions, models, permissions
        from .last_year import cell_actual
        from .selectors import reports_to_review

        rules_register(*permissions.RULES, exports=permissions.EXPORTS)
        queue_register(reports_to_review)
        actual_register(cell_actual)  # 上年实际值 beside 上年值 in a copied year
        actions_register(audit_actions.MonitoringAction)
        labels_register(models.Report, models.ReportValue, models.Round, ("round_kind", models.RoundKind))
        labels_register(extra={"round_kind": "类型", "reference_date": "监控时点 / 自评截至日"})

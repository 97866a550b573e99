from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"
    verbose_name = "绩效监控与自评"

    def ready(self):
        from targets.review import queue_register
        from units.audit import labels_register

        from . import models
        from .selectors import reports_to_review

        queue_register(reports_to_review)
        labels_register(models.Report, models.ReportValue, models.Round, ("round_kind", models.RoundKind))
        labels_register(extra={"round_kind": "类型", "reference_date": "监控时点 / 自评截至日"})

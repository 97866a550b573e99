from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "数据接口"

    def ready(self):
        from units.audit import actions_register, labels_register

        from . import audit_actions, models

        actions_register(audit_actions.ApiAction)
        labels_register(models.ApiToken)

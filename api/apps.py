from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "数据接口"

    def ready(self):
        from units.audit import labels_register

        from . import models

        labels_register(models.ApiToken)

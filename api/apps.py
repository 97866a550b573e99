from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "数据接口"

    def ready(self):
        from units.audit import labels_register

        from . import models, schema  # noqa: F401  (schema: the token scheme's OpenAPI description)

        labels_register(models.ApiToken)

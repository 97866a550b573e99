from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "报表"

    def ready(self):
        # The 任务书 page's PDF link starts a job here: projects sits below reports and cannot import it.
        from projects.agreements import pdf

        from .views import agreement_pdf_start

        pdf.register_job_starter(agreement_pdf_start)

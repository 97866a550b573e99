from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "报表"

    def ready(self):
        # The 任务书 page's PDF link starts a job here: projects sits below reports and cannot import it.
        from projects.agreements import pdf

        pdf.register_job_starter(_agreement_pdf_start)


def _agreement_pdf_start(request, agreement):
    # The views (forms, templates, the whole page stack) are loaded by the first request, not when
    # the apps are ready: a worker process never serves one (docs/benchmarks.md, export memory).
    from .views import agreement_pdf_start

    return agreement_pdf_start(request, agreement)

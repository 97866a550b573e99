from django.urls import path

from . import evaluation_views, import_views, views

app_name = "reports"

urlpatterns = [
    path("exports/projects/<int:pk>/<slug:layout>.xlsx", views.export_project, name="export_project"),
    path("exports/projects/<int:pk>/bundle/", views.export_bundle, name="export_bundle"),
    path("exports/projects/<int:pk>/<slug:layout>.pdf", views.export_project_pdf, name="export_project_pdf"),
    path("exports/tables/<int:pk>.pdf", views.export_table_pdf, name="export_table_pdf"),
    path("exports/tables/<int:pk>/unsubmitted.xlsx", views.export_table_unsubmitted, name="export_table_unsubmitted"),
    path("exports/tables/<int:pk>.xlsx", views.export_table, name="export_table"),
    path("agreements/<int:pk>.pdf", views.agreement_pdf, name="agreement_pdf"),  # the 任务书 page's PDF link
    path("exports/agreements/<int:pk>.xlsx", views.export_agreement, name="export_agreement"),
    path("exports/reports/<int:pk>.xlsx", evaluation_views.export_report, name="export_report"),
    path("exports/rounds/<int:pk>/summary.xlsx", evaluation_views.export_round_summary, name="export_round_summary"),
    path("exports/rounds/<int:pk>/forms/", evaluation_views.export_round_forms, name="export_round_forms"),
    path("exports/jobs/<int:pk>/", views.export_job, name="export_job"),
    path("exports/jobs/<int:pk>/retry/", views.export_job_retry_view, name="export_job_retry"),
    path("exports/jobs/<int:pk>/download/", views.export_job_download, name="export_job_download"),
    path("exports/tables/<int:pk>/handdown-review.xlsx", views.export_table_handdown, name="export_table_handdown"),
    path("exports/tables/<int:pk>/template.xlsx", import_views.table_template_download, name="table_template"),
    path("imports/", import_views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", import_views.import_job, name="import_job"),
    path("imports/<int:pk>/apply/", import_views.import_apply, name="import_apply"),
]

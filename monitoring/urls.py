from django.urls import path

from . import casebook_views, summary_views, views

app_name = "monitoring"

urlpatterns = [
    path("projects/<int:pk>/monitoring/", views.rounds, name="rounds"),
    path("projects/<int:pk>/monitoring/open/", views.round_open, name="round_open"),
    path("monitoring/rounds/<int:pk>/", views.round_detail, name="round"),
    path("monitoring/rounds/<int:pk>/dashboard/", summary_views.round_dashboard_page, name="round_dashboard"),
    path("monitoring/rounds/<int:pk>/summary/", summary_views.round_summary_page, name="round_summary"),
    path("monitoring/rounds/<int:pk>/weights/", views.round_weights, name="round_weights"),
    path("monitoring/rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("monitoring/rounds/<int:pk>/deadline/", views.round_deadline, name="round_deadline"),
    path("monitoring/rounds/<int:pk>/add-units/", views.round_units_add, name="round_units_add"),
    path("monitoring/reports/<int:pk>/", views.report_detail, name="report"),
    path("monitoring/reports/<int:pk>/save/", views.report_save, name="report_save"),
    path("monitoring/reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("monitoring/reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("monitoring/reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("monitoring/reports/<int:pk>/reopen/", views.report_reopen, name="report_reopen"),
    path("monitoring/reports/<int:pk>/grade/", views.report_grade, name="report_grade"),
    path("monitoring/reports/<int:pk>/budget/", views.report_budget, name="report_budget"),
    path("monitoring/reports/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("monitoring/evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("monitoring/evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("monitoring/scoring-check/", casebook_views.scoring_check, name="scoring_check"),
]

from django.urls import path

from . import copy_views, create_views, rollup_views, views
from .agreements import format_views
from .agreements import views as agreement_views
from .filings import views as filing_views

app_name = "projects"

urlpatterns = [
    path("projects/new/", create_views.project_new, name="new"),
    path("projects/<int:pk>/edit/", views.project_edit, name="edit"),
    path("projects/<int:pk>/indicators/", views.indicators_save, name="indicators_save"),
    path("projects/<int:pk>/indicators/pairing/", views.indicators_pairing, name="indicators_pairing"),
    path("projects/<int:pk>/indicators/add/", views.indicator_add, name="indicator_add"),
    path("indicators/<int:pk>/move/", views.indicator_move, name="indicator_move"),
    path("indicators/<int:pk>/remove/", views.indicator_remove, name="indicator_remove"),
    path("projects/<int:pk>/copy-year/", copy_views.project_copy, name="copy_year"),
    path("projects/<int:pk>/tables/new/", views.table_create, name="table_create"),
    path("projects/<int:pk>/rollup/", rollup_views.project_rollup, name="rollup"),
    path("projects/<int:pk>/agreement-format/", format_views.agreement_format, name="agreement_format"),
    path("projects/<int:pk>/agreements/new/", agreement_views.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/", agreement_views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/save/<slug:section>/", agreement_views.agreement_save, name="agreement_save"),
    path("agreements/<int:pk>/budget-check/", agreement_views.agreement_budget_check, name="agreement_budget_check"),
    path("agreements/<int:pk>/submit/", agreement_views.agreement_submit, name="agreement_submit"),
    path("agreements/<int:pk>/return/", agreement_views.agreement_return, name="agreement_return"),
    path("agreements/<int:pk>/approve/", agreement_views.agreement_approve, name="agreement_approve"),
    path("agreements/<int:pk>.docx", agreement_views.agreement_word, name="agreement_word"),
    # 地方主管部门's filing (organisations)
    path("projects/<int:pk>/filing/", filing_views.filing_detail, name="filing"),
    path("projects/<int:pk>/filing/save/", filing_views.filing_save, name="filing_save"),
    path("projects/<int:pk>/filing/submit/", filing_views.filing_submit, name="filing_submit"),
    path("projects/<int:pk>/filing/return/", filing_views.filing_return, name="filing_return"),
    path("projects/<int:pk>/filing/approve/", filing_views.filing_approve, name="filing_approve"),
]

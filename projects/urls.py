from django.urls import path

from . import views
from .agreements import views as agreement_views

app_name = "projects"

urlpatterns = [
    path("projects/<int:pk>/edit/", views.project_edit, name="edit"),
    path("projects/<int:pk>/indicators/", views.indicators_save, name="indicators_save"),
    path("projects/<int:pk>/indicators/add/", views.indicator_add, name="indicator_add"),
    path("indicators/<int:pk>/move/", views.indicator_move, name="indicator_move"),
    path("indicators/<int:pk>/remove/", views.indicator_remove, name="indicator_remove"),
    path("projects/<int:pk>/tables/new/", views.table_create, name="table_create"),
    path("projects/<int:pk>/agreements/new/", agreement_views.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/", agreement_views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/save/<slug:section>/", agreement_views.agreement_save, name="agreement_save"),
    path("agreements/<int:pk>/submit/", agreement_views.agreement_submit, name="agreement_submit"),
    path("agreements/<int:pk>/return/", agreement_views.agreement_return, name="agreement_return"),
    path("agreements/<int:pk>/approve/", agreement_views.agreement_approve, name="agreement_approve"),
    path("agreements/<int:pk>.docx", agreement_views.agreement_word, name="agreement_word"),
    path("agreements/<int:pk>.pdf", agreement_views.agreement_pdf, name="agreement_pdf"),
]

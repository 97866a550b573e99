from django.urls import path

from . import adjustment_views, editor_views, grid_views, handdown_views, views

app_name = "targets"

urlpatterns = [
    path("rows/<int:pk>/", views.row_detail, name="row"),
    path("rows/<int:pk>/save/", views.row_save, name="row_save"),
    path("rows/<int:pk>/submit/", views.row_submit, name="row_submit"),
    path("rows/<int:pk>/return/", views.row_return, name="row_return"),
    path("rows/<int:pk>/approve/", views.row_approve, name="row_approve"),
    path("rows/<int:pk>/reopen/", views.row_reopen, name="row_reopen"),
    path("rows/<int:pk>/remove/", views.row_remove, name="row_remove"),
    path("rows/<int:pk>/restore/", views.row_restore, name="row_restore"),
    path("rows/<int:pk>/adjust/", adjustment_views.row_adjust, name="row_adjust"),
    path("rows/<int:pk>/versions/", adjustment_views.row_versions_compare, name="row_versions"),
    path("adjustments/<int:pk>/approve/", adjustment_views.adjustment_approve_view, name="adjustment_approve"),
    path("adjustments/<int:pk>/refuse/", adjustment_views.adjustment_refuse_view, name="adjustment_refuse"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/approve/", views.review_approve_many, name="review_approve_many"),
    path("rows/<int:pk>/cells/", grid_views.row_cells_save, name="row_cells_save"),
    path("tables/<int:pk>/grid/", grid_views.table_grid, name="table_grid"),
    path("tables/<int:pk>/progress/", views.table_progress, name="table_progress"),
    path("tables/<int:pk>/edit/", editor_views.table_edit, name="table_edit"),
    path("tables/<int:pk>/units/", editor_views.table_units, name="table_units"),
    path("tables/<int:pk>/rollup/", editor_views.table_rollup, name="table_rollup"),
    path("tables/<int:pk>/funding/", editor_views.table_funding, name="table_funding"),
    path("rows/<int:pk>/funding/", views.row_funding, name="row_funding"),
    path("tables/<int:pk>/open/", views.table_open, name="table_open"),
    path("tables/<int:pk>/close/", views.table_close, name="table_close"),
    path("tables/<int:pk>/remind/", views.table_remind_view, name="table_remind"),
    # handed-down tables (下达)
    path("rows/<int:pk>/assigned/", handdown_views.row_assigned_save, name="row_assigned_save"),
    path("rows/<int:pk>/answer/", handdown_views.row_assigned_answer, name="row_assigned_answer"),
    path("rows/<int:pk>/confirm-all/", handdown_views.row_assigned_confirm_all, name="row_assigned_confirm_all"),
    path("tables/<int:pk>/hand-down/", handdown_views.table_hand_down, name="table_hand_down"),
]

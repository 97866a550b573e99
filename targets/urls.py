from django.urls import path

from . import editor_views, grid_views, views

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
    path("review/", views.review_queue, name="review_queue"),
    path("review/approve/", views.review_approve_many, name="review_approve_many"),
    path("rows/<int:pk>/cells/", grid_views.row_cells_save, name="row_cells_save"),
    path("tables/<int:pk>/grid/", grid_views.table_grid, name="table_grid"),
    path("tables/<int:pk>/progress/", views.table_progress, name="table_progress"),
    path("tables/<int:pk>/edit/", editor_views.table_edit, name="table_edit"),
    path("tables/<int:pk>/units/", editor_views.table_units, name="table_units"),
    path("tables/<int:pk>/open/", views.table_open, name="table_open"),
    path("tables/<int:pk>/close/", views.table_close, name="table_close"),
]

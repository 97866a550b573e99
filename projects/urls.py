from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("projects/<int:pk>/edit/", views.project_edit, name="edit"),
    path("projects/<int:pk>/indicators/", views.indicators_save, name="indicators_save"),
    path("projects/<int:pk>/indicators/add/", views.indicator_add, name="indicator_add"),
    path("indicators/<int:pk>/move/", views.indicator_move, name="indicator_move"),
    path("indicators/<int:pk>/remove/", views.indicator_remove, name="indicator_remove"),
]

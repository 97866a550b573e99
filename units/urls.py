from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
]

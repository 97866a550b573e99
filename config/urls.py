from django.contrib import admin
from django.urls import include, path

from reports import views as report_views

urlpatterns = [
    path("", report_views.home, name="home"),
    path("", include("targets.urls")),
    path("", include("units.urls")),
    path("", include("projects.urls")),
    path("", include("monitoring.urls")),
    path("", include("reports.urls")),
    path("", include("api.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

# A database lock met outside a view (e.g. saving the session) is a 503 too, not a 500.
handler500 = "config.middleware.server_error"

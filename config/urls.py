from django.contrib import admin
from django.urls import include, path

from reports import views as report_views

admin.site.site_header = "绩效目标管理 · 后台"
admin.site.site_title = "绩效目标管理"
admin.site.index_title = "数据维护"

urlpatterns = [
    path("", report_views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig, SimpleAdminConfig


class BureauAdminSite(admin.AdminSite):
    """Django's admin, opened only to superusers (`policy.is_admin`): it lists every province's
    units and projects, so a bureau's admin, who governs only their own, works in the app's pages."""

    site_header = "绩效目标管理 · 后台"
    site_title = "绩效目标管理"
    index_title = "数据维护"

    def has_permission(self, request):
        # Not a cycle: this module is loaded from INSTALLED_APPS, before models may be imported.
        from units import policy

        return request.user.is_active and request.user.is_staff and policy.is_admin(request.user)


class BureauAdminConfig(AdminConfig):
    default_site = "config.admin_site.BureauAdminSite"


class WorkerAdminConfig(SimpleAdminConfig):
    """The admin in a process that serves no pages (DJANGO_PROCESS=worker: Celery workers and beat):
    installed, so its models and their foreign keys are the same everywhere, but no admin.py is
    imported; they bring django-import-export with tablib, openpyxl and lxml (25 MB a process)."""

    default_site = "config.admin_site.BureauAdminSite"

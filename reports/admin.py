from django.contrib import admin

from .models import ExportJob, ImportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "owner", "project", "status", "done_sheets", "total_sheets", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["owner", "project"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "owner", "filename", "status", "applied_at"]
    list_filter = ["status"]
    list_select_related = ["owner"]
    readonly_fields = ["plan"]

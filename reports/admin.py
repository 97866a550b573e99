from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "owner", "project", "status", "done_sheets", "total_sheets", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["owner", "project"]

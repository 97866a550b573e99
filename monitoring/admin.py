from django.contrib import admin

from .models import Evidence, GradeLevel, Report, Round, Weight


@admin.register(GradeLevel)
class GradeLevelAdmin(admin.ModelAdmin):
    """The grade table is data the bureau may change (达成 100, 部分达成 judged, 未达成 0)."""

    list_display = ["name", "code", "percent", "order"]
    list_editable = ["percent", "order"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "project", "kind", "reference_date", "deadline", "lag_threshold", "status"]
    list_filter = ["kind", "status"]
    readonly_fields = ["project", "kind", "year", "reference_date", "opened_by", "opened_at"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports move through their pages (audited), not here."""

    list_display = ["__str__", "status", "version", "submitted_at", "reviewed_at"]
    list_filter = ["status", "round__kind"]
    list_select_related = ["round__project", "unit"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Weight)
class WeightAdmin(admin.ModelAdmin):
    list_display = ["round", "column", "indicator", "weight"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["original_name", "report", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["report", "value", "file", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request):
        return False

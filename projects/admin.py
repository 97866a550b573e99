from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from targets.models import Indicator

from .models import (
    Agreement,
    AgreementAllocation,
    AgreementBudgetSource,
    AgreementExpense,
    AgreementMetric,
    AgreementMetricValue,
    AgreementParticipant,
    AgreementStaff,
    AgreementStageGoal,
    FundingSource,
    Project,
    ProjectFiling,
    ProjectUserObjectPermission,
)


class FundingSourceInline(admin.TabularInline):
    model = FundingSource
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["order", "category", "name", "measure_unit", "basis"]
    show_change_link = True


@admin.register(Project)
class ProjectAdmin(GuardedModelAdmin):
    list_display = [
        "code",
        "name",
        "level",
        "competent_department",
        "local_department",
        "budget_year",
        "funding_requirement",
    ]
    list_filter = ["level", "target_periods", "source"]
    search_fields = ["code", "name", "title"]
    autocomplete_fields = ["parent", "competent_department", "provincial_department", "local_department", "budget_unit"]
    list_select_related = ["competent_department", "local_department"]
    inlines = [FundingSourceInline, IndicatorInline]


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ["project", "order", "source_project", "label", "amount"]
    list_select_related = ["project"]
    search_fields = ["project__name", "label", "source_project"]


@admin.register(ProjectUserObjectPermission)
class ProjectUserObjectPermissionAdmin(admin.ModelAdmin):
    list_display = ["content_object", "user", "permission"]
    list_select_related = ["content_object", "user", "permission"]
    autocomplete_fields = ["user", "content_object"]
    search_fields = ["user__username", "content_object__name"]


class AgreementLockedWhenReviewed:
    """A 任务书 is filled on its own page, through services that check its status and version and
    write the audit. Here it and its parts are shown, never changed: an admin form would write
    neither, and a part's foreign key could even move it into an approved 任务书."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgreementMetricInline(AgreementLockedWhenReviewed, admin.TabularInline):
    model = AgreementMetric
    extra = 0
    show_change_link = True


@admin.register(Agreement)
class AgreementAdmin(AgreementLockedWhenReviewed, admin.ModelAdmin):
    list_display = ["title", "project", "platform_kind", "undertaker", "status", "start_year", "end_year"]
    list_filter = ["platform_kind", "status"]
    search_fields = ["title", "code", "project__name", "undertaker__name"]
    autocomplete_fields = ["project", "principal", "undertaker"]
    readonly_fields = [
        "status",
        "version",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "reviewed_by",
        "review_comment",
    ]
    inlines = [AgreementMetricInline]


class AgreementMetricValueInline(AgreementLockedWhenReviewed, admin.TabularInline):
    model = AgreementMetricValue
    extra = 0


@admin.register(AgreementMetric)
class AgreementMetricAdmin(AgreementLockedWhenReviewed, admin.ModelAdmin):
    list_display = ["agreement", "order", "group", "name", "measure_unit", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "group"]
    inlines = [AgreementMetricValueInline]


@admin.register(AgreementMetricValue)
class AgreementMetricValueAdmin(AgreementLockedWhenReviewed, admin.ModelAdmin):
    list_display = ["metric", "year", "value"]
    list_filter = ["year"]
    list_select_related = ["metric__agreement"]


class AgreementPartAdmin(AgreementLockedWhenReviewed, admin.ModelAdmin):
    list_display = ["agreement", "__str__"]
    list_select_related = ["agreement"]


for _model in (
    AgreementParticipant,
    AgreementStageGoal,
    AgreementBudgetSource,
    AgreementAllocation,
    AgreementExpense,
    AgreementStaff,
):
    admin.site.register(_model, AgreementPartAdmin)


# --- 地方主管部门's filing (organisations) ---


@admin.register(ProjectFiling)
class ProjectFilingAdmin(admin.ModelAdmin):
    """Read only: its values are the project's and its status moves through the review workflow."""

    list_display = ["project", "unit", "status", "version", "submitted_at", "reviewed_at"]
    list_filter = ["status"]
    list_select_related = ["project", "unit"]
    readonly_fields = [f.name for f in ProjectFiling._meta.fields]

    def has_add_permission(self, request):
        return False

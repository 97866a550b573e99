from django.contrib import admin
from import_export.admin import ImportExportMixin

from . import audit, policy
from .models import AuditEntry, Membership, Notification, Unit
from .resources import MembershipResource, UnitResource


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class PolicyImportExportMixin(ImportExportMixin):
    """django-import-export's buttons, for the users the policy calls bureau admins."""

    def has_import_permission(self, request):
        return policy.is_admin(request.user)

    has_export_permission = has_import_permission


@admin.register(Unit)
class UnitAdmin(PolicyImportExportMixin, admin.ModelAdmin):
    resource_classes = [UnitResource]
    list_display = ["name", "category", "order", "designation", "contact_person", "phone"]
    list_filter = ["category"]
    search_fields = ["name", "short_name", "designation"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(PolicyImportExportMixin, admin.ModelAdmin):
    resource_classes = [MembershipResource]
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit__category"]
    search_fields = ["user__username", "user__first_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


class ActionFilter(admin.SimpleListFilter):
    """Filter by action under its Chinese label, not its code."""

    title = "操作"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return audit.action_choices()

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log is read only: entries are added by the services, never edited."""

    list_display = ["at", "actor", "action_display", "object_label", "comment"]
    list_filter = [ActionFilter, "object_type"]
    search_fields = ["object_label", "comment", "actor__username"]
    list_select_related = ["actor"]
    date_hierarchy = "at"

    @admin.display(description="操作", ordering="action")
    def action_display(self, entry):
        return audit.action_label(entry.action)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]

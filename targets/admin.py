from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction

from . import values as tv
from .tasks import table_cells_reparse_queue
from units.admin import PolicyImportExportMixin
from units.resources import IndicatorCategoryResource

from . import workflow
from .models import Cell, Indicator, IndicatorCategory, RowSnapshot, TableColumn, TableRow, Target, TargetTable

VALUE_READONLY = ["kind", "comparator", "number", "measure_unit", "text"]


class TargetForm(forms.ModelForm):
    """Only the written value is edited; its parsed parts follow from it."""

    class Meta:
        model = Target
        fields = ["indicator", "period", "year", "raw"]

    def clean(self):
        data = super().clean()
        indicator = data.get("indicator") or getattr(self.instance, "indicator", None)
        unit = indicator.measure_unit if indicator else ""
        self.instance.set_value(tv.parse(data.get("raw", ""), default_unit=unit))
        return data


class TargetInline(admin.TabularInline):
    model = Target
    form = TargetForm
    extra = 0
    fields = ["period", "year", "raw", *VALUE_READONLY]
    readonly_fields = VALUE_READONLY


@admin.register(IndicatorCategory)
class IndicatorCategoryAdmin(PolicyImportExportMixin, admin.ModelAdmin):
    resource_classes = [IndicatorCategoryResource]
    list_display = ["name", "level", "parent", "order"]
    list_filter = ["level"]
    search_fields = ["name"]
    list_select_related = ["parent"]


class RemovedFilter(admin.SimpleListFilter):
    title = "是否已删除"
    parameter_name = "removed"

    def lookups(self, request, model_admin):
        return [("yes", "已删除"), ("no", "未删除")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(removed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(removed_at__isnull=True)
        return queryset


class RecoverableAdmin(admin.ModelAdmin):
    """Removed objects stay listed (filter 已删除) and an admin restores them with an action."""

    restore_service = None
    actions = ["restore_selected"]

    def get_queryset(self, request):
        return self.model.all_objects.get_queryset()

    def has_delete_permission(self, request, obj=None):
        return False  # removal goes through the service, which keeps the object

    @admin.action(description="恢复所选的已删除对象")
    def restore_selected(self, request, queryset):
        for obj in queryset.filter(removed_at__isnull=False):
            type(self).restore_service(obj.pk, request.user)
        self.message_user(request, "已恢复")


@admin.register(Indicator)
class IndicatorAdmin(RecoverableAdmin):
    restore_service = staticmethod(lambda pk, user: workflow.indicator_restore(indicator_id=pk, actor=user))
    list_display = ["name", "project", "category", "order", "removed_at"]
    list_filter = [RemovedFilter, "category__parent", "category"]
    search_fields = ["name", "project__name"]
    list_select_related = ["project", "category__parent"]
    autocomplete_fields = ["project", "category"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    form = TargetForm
    list_display = ["indicator", "period", "year", "raw", "comparator", "number", "measure_unit"]
    list_filter = ["period", "kind"]
    search_fields = ["raw", "indicator__name"]
    list_select_related = ["indicator"]
    readonly_fields = VALUE_READONLY
    autocomplete_fields = ["indicator"]


class TableColumnInline(admin.TabularInline):
    model = TableColumn
    extra = 0
    fields = ["order", "category", "name", "measure_unit", "value_kind", "allow_blank"]


class TableRowInline(admin.TabularInline):
    model = TableRow
    extra = 0
    fields = ["seq", "unit", "status", "funding", "version"]
    readonly_fields = ["version"]
    autocomplete_fields = ["unit"]
    show_change_link = True


@admin.register(TargetTable)
class TargetTableAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "unit_category", "start_year", "end_year", "status", "deadline"]
    list_filter = ["unit_category", "status"]
    search_fields = ["title", "project__name"]
    list_select_related = ["project"]
    inlines = [TableColumnInline, TableRowInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is TableColumn and any(
            {"measure_unit", "value_kind"} & set(changed) for _, changed in formset.changed_objects
        ):
            # Cells keep their text; their parsed unit and number follow the column.
            table_id = form.instance.pk
            transaction.on_commit(lambda: table_cells_reparse_queue(table_id), robust=True)


class CellForm(forms.ModelForm):
    class Meta:
        model = Cell
        fields = ["column", "raw"]

    def clean(self):
        data = super().clean()
        column = data.get("column")
        if column is not None:
            try:
                self.instance.set_value(column.parse(data.get("raw", "")))
            except ValidationError as exc:
                raise ValidationError({"raw": exc.messages}) from None
        return data


class CellInline(admin.TabularInline):
    model = Cell
    form = CellForm
    extra = 0
    fields = ["column", "raw", *VALUE_READONLY]
    readonly_fields = VALUE_READONLY

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A row's cells may only use its own table's columns.
        if db_field.name == "column" and request.resolver_match.kwargs.get("object_id"):
            kwargs["queryset"] = TableColumn.objects.filter(
                table__rows__pk=request.resolver_match.kwargs["object_id"]
            ).select_related("category")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TableRow)
class TableRowAdmin(RecoverableAdmin):
    restore_service = staticmethod(lambda pk, user: workflow.row_restore(row_id=pk, actor=user))
    list_display = ["table", "seq", "unit", "status", "version", "removed_at"]
    list_filter = [RemovedFilter, "status", "table__unit_category", "table"]
    search_fields = ["unit__name", "table__title"]
    list_select_related = ["table", "unit"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["version", "status", "submitted_at", "submitted_by", "reviewed_at", "reviewed_by",
                       "review_comment", "reopened_column_ids", "removed_at"]
    inlines = [CellInline]


@admin.register(TableColumn)
class TableColumnAdmin(admin.ModelAdmin):
    list_display = ["table", "order", "category", "name", "measure_unit", "value_kind"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"measure_unit", "value_kind"} & set(form.changed_data):
            transaction.on_commit(lambda: table_cells_reparse_queue(obj.table_id), robust=True)

    list_filter = ["value_kind", "table"]
    search_fields = ["name", "table__title"]
    list_select_related = ["table", "category__parent"]


@admin.register(Cell)
class CellAdmin(admin.ModelAdmin):
    form = CellForm
    list_display = ["row", "column", "raw", "comparator", "number", "measure_unit"]
    list_filter = ["kind", "column__table"]
    search_fields = ["raw", "row__unit__name"]
    list_select_related = ["row__unit", "row__table", "column"]
    readonly_fields = VALUE_READONLY


@admin.register(RowSnapshot)
class RowSnapshotAdmin(admin.ModelAdmin):
    list_display = ["row", "event", "version", "at", "actor"]
    list_filter = ["event"]
    list_select_related = ["row__unit", "row__table", "actor"]

    def has_change_permission(self, request, obj=None):
        return False

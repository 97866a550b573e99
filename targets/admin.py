from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction

from units.admin import PolicyImportExportMixin

from . import editing, workflow
from .models import (
    AdjustmentRequest,
    ApprovedVersion,
    AssignedValue,
    Cell,
    Indicator,
    IndicatorCategory,
    ReviewStatus,
    RowSnapshot,
    TableColumn,
    TableReminder,
    TableRow,
    Target,
    TargetTable,
    ValueConfirmation,
)
from .resources import IndicatorCategoryResource
from .services import row_cells_update
from .tasks import table_cells_reparse_queue

VALUE_READONLY = ["kind", "comparator", "number", "measure_unit", "text"]


class TargetForm(forms.ModelForm):
    """Only the written value is edited; its parsed parts follow from it."""

    class Meta:
        model = Target
        fields = ["indicator", "period", "year", "raw"]

    def clean(self):
        data = super().clean()
        indicator = data.get("indicator") or getattr(self.instance, "indicator", None)
        if indicator is None:
            return data
        try:
            self.instance.set_value(indicator.parse_target(data.get("raw", ""), data.get("period", "")))
        except ValidationError as exc:
            raise ValidationError({"raw": exc.messages}) from None
        return data


def _record_target_change(request, target: Target, before: str) -> None:
    if target.raw != before:
        editing.target_change_record(
            actor=request.user, indicator=target.indicator, period=target.period, before=before, after=target.raw
        )


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

    def save_formset(self, request, form, formset, change):
        if formset.model is not Target:
            return super().save_formset(request, form, formset, change)
        before = {f.instance.pk: f.initial.get("raw", "") for f in formset.forms if f.instance.pk}
        super().save_formset(request, form, formset, change)
        for target in formset.new_objects + [obj for obj, _ in formset.changed_objects]:
            _record_target_change(request, target, before.get(target.pk, ""))


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    form = TargetForm
    list_display = ["indicator", "period", "year", "raw", "comparator", "number", "measure_unit"]
    list_filter = ["period", "kind"]
    search_fields = ["raw", "indicator__name"]
    list_select_related = ["indicator"]
    readonly_fields = VALUE_READONLY
    autocomplete_fields = ["indicator"]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        before = Target.objects.filter(pk=obj.pk).values_list("raw", flat=True).first() if change else ""
        super().save_model(request, obj, form, change)
        _record_target_change(request, obj, before or "")


class TableColumnInline(admin.TabularInline):
    model = TableColumn
    extra = 0
    fields = ["order", "category", "name", "measure_unit", "value_kind", "allow_blank"]

    def has_delete_permission(self, request, obj=None):
        return False  # deleting a column deletes its cells: the table editor refuses it for filled ones


class TableRowInline(admin.TabularInline):
    """A row's state moves only through the workflow (audited, with a snapshot); units are added
    and removed on the table's own page, which keeps removed rows recoverable."""

    model = TableRow
    extra = 0
    fields = ["seq", "unit", "status", "funding", "version"]
    readonly_fields = ["unit", "status", "version"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TargetTable)
class TargetTableAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "unit_category", "start_year", "end_year", "status", "deadline"]
    readonly_fields = ["status", "deadline"]  # opened, extended and closed on the progress page (audited)
    list_filter = ["unit_category", "status"]
    search_fields = ["title", "project__name"]
    list_select_related = ["project"]
    inlines = [TableColumnInline, TableRowInline]

    def has_delete_permission(self, request, obj=None):
        # Deleting a table deletes its rows: never once a unit has submitted or been approved.
        reviewed = [ReviewStatus.SUBMITTED, ReviewStatus.APPROVED]
        return (
            obj is not None
            and not TableRow.all_objects.filter(table=obj, status__in=reviewed).exists()
            and super().has_delete_permission(request, obj)
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is TableColumn and any(
            {"measure_unit", "value_kind"} & set(changed) for _, changed in formset.changed_objects
        ):
            # Cells keep their text; their parsed unit and number follow the column.
            table_id = form.instance.pk
            transaction.on_commit(lambda: table_cells_reparse_queue(table_id), robust=True)


class CellForm(forms.ModelForm):
    """A cell's text, checked as the grid checks it; saved by `cells_save` through the service."""

    class Meta:
        model = Cell
        fields = ["raw"]

    def clean(self):
        data = super().clean()
        cell = self.instance
        row = cell.row
        if "raw" in self.changed_data and not row.column_is_editable(cell.column_id):
            raise ValidationError(
                {
                    "raw": f"“{row.unit.name}”的填报为“{row.get_status_display()}”，"
                    "指标值只能在填报流程中修改（已通过的行请先在填报页面重新打开）"
                }
            )
        try:
            cell.set_value(cell.column.parse(data.get("raw", "")))
        except ValidationError as exc:
            raise ValidationError({"raw": exc.messages}) from None
        return data


def cells_save(request, cells: list[Cell]) -> None:
    """Write cells changed in the admin as the grid does: one audited, versioned service call per row."""
    by_row: dict[int, dict[int, str]] = {}
    for cell in cells:
        by_row.setdefault(cell.row_id, {})[cell.column_id] = cell.raw
    for row_id, values in by_row.items():
        row = TableRow.objects.get(pk=row_id)
        row_cells_update(row_id=row_id, values=values, expected_version=row.version, actor=request.user)


class CellInline(admin.TabularInline):
    """Existing cells only: the grid creates them; a change goes through the grid's service."""

    model = Cell
    form = CellForm
    extra = 0
    fields = ["column", "raw", *VALUE_READONLY]
    readonly_fields = ["column", *VALUE_READONLY]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TableRow)
class TableRowAdmin(RecoverableAdmin):
    restore_service = staticmethod(lambda pk, user: workflow.row_restore(row_id=pk, actor=user))
    list_display = ["table", "seq", "unit", "status", "version", "removed_at"]
    list_filter = [RemovedFilter, "status", "table__unit_category", "table"]
    search_fields = ["unit__name", "table__title"]
    list_select_related = ["table", "unit"]
    autocomplete_fields = ["unit"]
    readonly_fields = [
        "table",
        "unit",
        "narrative",
        "version",
        "status",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "reviewed_by",
        "review_comment",
        "reopened_column_ids",
        "removed_at",
    ]
    inlines = [CellInline]

    def has_add_permission(self, request):
        return False  # units are added on the table's page (audited)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Cell:
            return super().save_formset(request, form, formset, change)
        changed = [f for f in formset.forms if f.has_changed()]
        cells_save(request, [f.instance for f in changed])
        # What the admin's own log of the change reads (formset.save() would have set these).
        formset.new_objects, formset.deleted_objects = [], []
        formset.changed_objects = [(f.instance, f.changed_data) for f in changed]


@admin.register(TableColumn)
class TableColumnAdmin(admin.ModelAdmin):
    list_display = ["table", "order", "category", "name", "measure_unit", "value_kind"]

    def has_delete_permission(self, request, obj=None):
        return False  # see TableColumnInline

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
    fields = ["row", "column", "raw", *VALUE_READONLY]
    readonly_fields = ["row", "column", *VALUE_READONLY]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        cells_save(request, [obj])
        # The service writes a changed cell anew: follow it for "保存并继续编辑" and the admin's log.
        obj.pk = Cell.objects.get(row_id=obj.row_id, column_id=obj.column_id).pk


@admin.register(RowSnapshot)
class RowSnapshotAdmin(admin.ModelAdmin):
    list_display = ["row", "event", "version", "at", "actor"]
    list_filter = ["event"]
    list_select_related = ["row__unit", "row__table", "actor"]

    # Snapshots are what a reviewer compares against: written by the workflow only, never edited or removed.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _WorkflowRecordAdmin(admin.ModelAdmin):
    """Written by the 调整 workflow only (targets/adjustment_services.py): read here, never edited or removed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApprovedVersion)
class ApprovedVersionAdmin(_WorkflowRecordAdmin):
    list_display = ["row", "number", "source", "at", "actor"]
    list_filter = ["source"]
    search_fields = ["row__unit__name", "row__table__title", "reason"]
    list_select_related = ["row__unit", "row__table", "actor"]


@admin.register(AdjustmentRequest)
class AdjustmentRequestAdmin(_WorkflowRecordAdmin):
    list_display = ["row", "status", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at"]
    list_filter = ["status"]
    search_fields = ["row__unit__name", "row__table__title", "reason"]
    list_select_related = ["row__unit", "row__table", "submitted_by", "reviewed_by"]


@admin.register(AssignedValue)
class AssignedValueAdmin(admin.ModelAdmin):
    """下达值 and the unit's answers: written through the grid and the row page (targets.handdown)."""

    list_display = ["row", "column", "raw", "state", "reason"]
    list_filter = ["state"]
    list_select_related = ["row__unit", "row__table", "column"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TableReminder)
class TableReminderAdmin(_WorkflowRecordAdmin):
    """催报 records: written by 填报进度's button (targets.reminder_services), one per unit and day."""

    list_display = ["table", "unit", "day", "sent_at", "sent_by"]
    list_filter = ["day"]
    search_fields = ["unit__name", "table__title"]
    list_select_related = ["table", "unit", "sent_by"]


@admin.register(ValueConfirmation)
class ValueConfirmationAdmin(_WorkflowRecordAdmin):
    """A unit's reason for a flagged value: written at submit (targets.plausibility_services), read here."""

    list_display = ["row", "column", "raw", "reason", "confirmed_by", "confirmed_at"]
    search_fields = ["row__unit__name", "row__table__title", "reason"]
    list_select_related = ["row__unit", "row__table", "column", "confirmed_by"]

"""Import and export of the indicator catalogue from the admin (django-import-export)."""

from import_export import fields, resources, widgets

from .models import IndicatorCategory


class IndicatorCategoryResource(resources.ModelResource):
    level = fields.Field(attribute="level", column_name="级别", widget=widgets.IntegerWidget())
    name = fields.Field(attribute="name", column_name="名称")
    parent = fields.Field(
        attribute="parent", column_name="上级指标", widget=widgets.ForeignKeyWidget(IndicatorCategory, field="name")
    )
    order = fields.Field(attribute="order", column_name="排序", widget=widgets.IntegerWidget())

    class Meta:
        model = IndicatorCategory
        import_id_fields = ["level", "parent", "name"]
        fields = ["level", "name", "parent", "order"]
        skip_unchanged = True

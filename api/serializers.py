"""What the API sends and accepts. Target values go out as `{raw, comparator, number, unit, text}`
(the number a decimal string) and come in as written (`≥500条`), read by the grid's own parser."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from projects.models import FundingSource, Project
from reports.models import ExportJob, ExportStatus
from targets import values as tv
from targets.models import Cell, Indicator, TableColumn, TableRow, Target, TargetTable
from targets.payloads import ColumnValuesField, narrative_field, version_field


class ValueSerializer(serializers.Serializer):
    """A target value as written and as read."""

    raw = serializers.CharField(help_text="原文，如 ≥500条")
    comparator = serializers.CharField(help_text="比较符：≥ > = < ≤，或空")
    number = serializers.CharField(allow_null=True, help_text="数值（十进制字符串），无数值时为 null")
    unit = serializers.CharField(help_text="计量单位")
    text = serializers.CharField(help_text="文字（定性指标）")
    reading = serializers.CharField(help_text="系统的理解：各分项（如 ≥15家（媒体） 且 ≥30篇）、区间、增减、定性")
    parts = serializers.ListField(
        child=serializers.DictField(),
        help_text="分项：comparator、number、unit、upper（区间上限）、subject、change（+1 增长 / -1 下降）",
    )


def _part_data(part: tv.Part) -> dict:
    return {
        "comparator": part.comparator.value,
        "number": tv.format_number(part.number),
        "unit": part.unit,
        "upper": None if part.upper is None else tv.format_number(part.upper),
        "subject": part.subject,
        "change": part.change,
    }


def value_data(obj) -> dict | None:
    """A stored value (Cell, Target, a 完成值) as the API shows it; None for no object. The first
    part is the one the single fields (comparator, number, unit) mirror."""
    if obj is None:
        return None
    number = None if obj.number is None else tv.format_number(obj.number)
    value = tv.parse(obj.raw, default_unit=obj.measure_unit) if obj.kind != tv.Kind.QUALITATIVE else None
    parts = tv.parts_of(value) if value is not None else ()
    return {
        "raw": obj.raw,
        "comparator": obj.comparator,
        "number": number,
        "unit": obj.measure_unit,
        "text": obj.text,
        "reading": "" if obj.raw.strip() == "" else (tv.describe(value) if value is not None else "定性，由审核员评定"),
        "parts": [_part_data(part) for part in parts],
    }


class FundingSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundingSource
        fields = ["order", "source_project", "label", "amount"]


class TargetSerializer(serializers.ModelSerializer):
    value = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = ["period", "year", "value"]

    @extend_schema_field(ValueSerializer)
    def get_value(self, obj):
        return value_data(obj)


class IndicatorSerializer(serializers.ModelSerializer):
    level1 = serializers.CharField(source="category.level1.name", help_text="一级指标")
    level2 = serializers.CharField(source="category.name", help_text="二级指标")
    long_term = serializers.SerializerMethodField(help_text="长期绩效目标")
    annual = serializers.SerializerMethodField(help_text="年度绩效目标")
    direction = serializers.CharField(
        help_text="指标性质（设定值）：positive / negative / range / qualitative，空为按指标值判断"
    )
    direction_label = serializers.SerializerMethodField(help_text="指标性质（生效值）：正向 / 反向 / 区间 / 定性")

    class Meta:
        model = Indicator
        fields = [
            "id",
            "order",
            "level1",
            "level2",
            "name",
            "measure_unit",
            "basis",
            "long_term",
            "annual",
            "direction",
            "direction_label",
            "part_shares",
        ]

    def get_direction_label(self, obj) -> str:
        annual = tv.parse(obj.annual.raw, default_unit=obj.measure_unit) if obj.annual else tv.parse("")
        return tv.effective_direction(obj.direction, annual).label

    @extend_schema_field(TargetSerializer(allow_null=True))
    def get_long_term(self, obj):
        return TargetSerializer(obj.long_term).data if obj.long_term else None

    @extend_schema_field(TargetSerializer(allow_null=True))
    def get_annual(self, obj):
        return TargetSerializer(obj.annual).data if obj.annual else None


class ProjectListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "code", "name", "title", "level", "budget_year", "start_year", "end_year"]


class ProjectSerializer(serializers.ModelSerializer):
    competent_department = serializers.StringRelatedField()
    budget_unit = serializers.StringRelatedField()
    funding = FundingSerializer(source="funding_sources", many=True)
    indicators = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "title",
            "level",
            "competent_department",
            "budget_unit",
            "leader",
            "fund_type",
            "budget_year",
            "start_year",
            "end_year",
            "funding_requirement",
            "money_unit",
            "expenditure_content",
            "policy_basis",
            "overall_goal",
            "long_term_goal",
            "note",
            "funding",
            "indicators",
        ]

    @extend_schema_field(IndicatorSerializer(many=True))
    def get_indicators(self, obj):
        return IndicatorSerializer(self.context["indicators"], many=True).data


class ColumnSerializer(serializers.ModelSerializer):
    level1 = serializers.CharField(source="category.level1.name")
    level2 = serializers.CharField(source="category.name")
    header = serializers.CharField()

    class Meta:
        model = TableColumn
        fields = [
            "id",
            "order",
            "level1",
            "level2",
            "name",
            "measure_unit",
            "header",
            "value_kind",
            "allow_blank",
            "direction",
            "part_shares",
        ]


class TableListSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = TargetTable
        fields = ["id", "project", "title", "unit_category", "start_year", "end_year", "status", "deadline"]


class TableSerializer(TableListSerializer):
    columns = ColumnSerializer(source="api_columns", many=True)

    class Meta(TableListSerializer.Meta):
        fields = [*TableListSerializer.Meta.fields, "columns"]


class CellSerializer(serializers.ModelSerializer):
    row = serializers.PrimaryKeyRelatedField(read_only=True)
    column = serializers.PrimaryKeyRelatedField(read_only=True)
    value = serializers.SerializerMethodField()

    class Meta:
        model = Cell
        fields = ["id", "row", "column", "value"]

    @extend_schema_field(ValueSerializer)
    def get_value(self, obj):
        return value_data(obj)


class RowListSerializer(serializers.ModelSerializer):
    table = serializers.PrimaryKeyRelatedField(read_only=True)
    unit = serializers.StringRelatedField()
    unit_id = serializers.IntegerField()

    class Meta:
        model = TableRow
        fields = [
            "id",
            "table",
            "unit_id",
            "unit",
            "seq",
            "status",
            "version",
            "submitted_at",
            "reviewed_at",
            "review_comment",
        ]


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="negative / percent_over_100 / times_over / times_under")
    message = serializers.CharField(help_text="提示（中文）")
    basis = serializers.CharField(help_text="比较的依据：上年审核通过值、下达值、项目目标，或空")


class ConfirmationSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="单位的说明")
    by = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField()


class ReviewAidSerializer(serializers.Serializer):
    """Beside a value: what a reviewer compares it with, and the plausibility flags (never refusals)."""

    assigned = serializers.CharField(allow_null=True, help_text="下达值（下达表）")
    assigned_change = serializers.CharField(allow_null=True, help_text="较下达值的变化，如 +20%")
    project_target = serializers.CharField(allow_null=True, help_text="该列计入的项目三级指标的目标")
    project_target_share = serializers.CharField(allow_null=True, help_text="占项目目标的比例，如 占 6.7%")
    last_year = serializers.CharField(allow_null=True, help_text="上年审核通过值（复制到新年度的表）")
    last_year_change = serializers.CharField(allow_null=True, help_text="较上年的变化，如 −50%")
    last_year_actual = serializers.CharField(allow_null=True, help_text="上年实际值（上年自评的完成值）")
    warnings = WarningSerializer(many=True)
    confirmation = ConfirmationSerializer(allow_null=True, help_text="单位对提示的说明（仍适用于当前值时）")


class RowCellSerializer(serializers.Serializer):
    column = serializers.IntegerField()
    value = ValueSerializer(allow_null=True)
    review = ReviewAidSerializer()


class RowSerializer(RowListSerializer):
    narrative = serializers.CharField()
    cells = serializers.SerializerMethodField(help_text="每列一项；未填的列 value 为 null")

    class Meta(RowListSerializer.Meta):
        fields = [*RowListSerializer.Meta.fields, "narrative", "cells"]

    @extend_schema_field(RowCellSerializer(many=True))
    def get_cells(self, obj):
        cells = {c.column_id: c for c in self.context["cells"]}
        aids = self.context["aids"]
        return [
            {"column": c.pk, "value": value_data(cells.get(c.pk)), "review": aids[c.pk].as_data()}
            for c in self.context["columns"]
        ]


class RowWriteSerializer(serializers.Serializer):
    """The caller's own row: values as written, by column id, and the version they were read at."""

    # The grid's own fields (targets.payloads): both refuse the same bodies.
    version = version_field(help_text="读取时的行版本；他人已保存时返回 409")
    cells = ColumnValuesField(required=False, default=dict, help_text='{列编号: 指标值原文}，如 {"12": "≥500条"}')
    narrative = narrative_field()


class SubmitSerializer(serializers.Serializer):
    reasons = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text="对合理性提示的说明 {列编号: 说明}；有未说明的提示时提交返回 409 并列出各项",
    )


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text="退回意见（必填）")


class ExportJobSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(read_only=True)
    percent = serializers.IntegerField()
    download_url = serializers.SerializerMethodField()
    retry_url = serializers.SerializerMethodField(
        help_text="失败或已过期（“已过期，请重新导出”）时：POST 此地址重新导出"
    )

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "project",
            "status",
            "done_sheets",
            "total_sheets",
            "percent",
            "error",
            "download_url",
            "retry_url",
        ]

    def get_download_url(self, obj) -> str | None:
        if obj.status != ExportStatus.DONE or not obj.file:
            return None
        return self._url("api:export_download", obj)

    def get_retry_url(self, obj) -> str | None:
        return self._url("api:export_retry", obj) if obj.status in (ExportStatus.FAILED, ExportStatus.EXPIRED) else None

    def _url(self, name: str, obj) -> str:
        request = self.context.get("request")
        path = reverse(name, args=[obj.pk])
        return request.build_absolute_uri(path) if request else path

"""The list endpoints' query parameters as django-filter FilterSets: a value that cannot be read
(`?year=-1`, `2022.5`, 23 digits, full-width `２０２２`, an unknown `status`) is a 400 naming the
parameter, never ignored (which answered every object, as if no filter had been asked for).

The FilterSets narrow what the policy already let the caller see (the selectors' querysets); they
also describe the parameters in the OpenAPI schema."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from monitoring.models import Report
from projects.models import Project
from review.engine import ReviewStatus
from targets.models import Cell, TableRow, TableStatus, TargetTable
from units.inputs import parse_id

YEARS = (1900, 2999)


class IdField(forms.CharField):
    """An object's id: plain ASCII digits of database size (`units.inputs.parse_id`)."""

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None or number < 1:
            raise forms.ValidationError(f"应为{self.what}（正整数，半角数字），“{_shown(value)}”无法识别")
        return number


class YearField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None or not YEARS[0] <= number <= YEARS[1]:
            raise forms.ValidationError(f"应为四位年度（如 2022，半角数字），“{_shown(value)}”无法识别")
        return number


def _shown(value: str) -> str:
    return value if len(value) <= 30 else value[:30] + "…"


def _integer(help_text: str) -> dict:
    return {"type": "integer", "description": help_text}


class IdFilter(filters.Filter):
    field_class = IdField

    def __init__(self, *, help_text: str, **kwargs):
        super().__init__(**kwargs)
        extend_schema_field(_integer(help_text))(self)  # the schema of this parameter, with its text


class YearFilter(filters.Filter):
    """Objects whose years include the year: `field_name` is the prefix of start_year/end_year."""

    field_class = YearField

    def __init__(self, *, help_text: str, **kwargs):
        super().__init__(**kwargs)
        extend_schema_field(_integer(help_text))(self)

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(years_include(value, self.field_name))


def years_include(year: int, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_year__lte": year, f"{prefix}end_year__gte": year})


def _status(choices, help_text: str, field_name: str = "status") -> filters.ChoiceFilter:
    names = "、".join(value for value, _label in choices)
    return filters.ChoiceFilter(
        field_name=field_name,
        choices=choices,
        help_text=help_text,
        error_messages={"invalid_choice": f"应为以下之一：{names}；“%(value)s”不是有效的状态"},
    )


class ProjectFilter(filters.FilterSet):
    year = YearFilter(method="filter_year", help_text="年度：预算年度为该年或年度范围包含该年的项目")

    class Meta:
        model = Project
        fields = ["year"]

    def filter_year(self, queryset, _name, year):
        return queryset.filter(Q(budget_year=year) | years_include(year))


class TableFilter(filters.FilterSet):
    year = YearFilter(field_name="", help_text="年度：只列出包含该年度的目标表")
    project = IdFilter(field_name="project_id", what="项目编号", help_text="项目编号（id）")
    status = _status(TableStatus.choices, "目标表状态")

    class Meta:
        model = TargetTable
        fields = ["year", "project", "status"]


class RowFilter(filters.FilterSet):
    year = YearFilter(field_name="table__", help_text="年度：只列出包含该年度的目标表中的行")
    table = IdFilter(field_name="table_id", what="目标表编号", help_text="目标表编号（id）")
    unit = IdFilter(field_name="unit_id", what="单位编号", help_text="单位编号（id）")
    status = _status(ReviewStatus.choices, "填报状态")

    class Meta:
        model = TableRow
        fields = ["year", "table", "unit", "status"]


class CellFilter(filters.FilterSet):
    year = YearFilter(field_name="row__table__", help_text="年度：只列出包含该年度的目标表中的单元格")
    table = IdFilter(field_name="row__table_id", what="目标表编号", help_text="目标表编号（id）")
    unit = IdFilter(field_name="row__unit_id", what="单位编号", help_text="单位编号（id）")
    row = IdFilter(field_name="row_id", what="填报行编号", help_text="填报行编号（id）")
    column = IdFilter(field_name="column_id", what="列编号", help_text="列编号（id）")
    status = _status(ReviewStatus.choices, "所在行的填报状态", field_name="row__status")

    class Meta:
        model = Cell
        fields = ["year", "table", "unit", "row", "column", "status"]


class ReportFilter(filters.FilterSet):
    round = IdFilter(field_name="round_id", what="轮次编号", help_text="轮次编号（id）")

    class Meta:
        model = Report
        fields = ["round"]


class QueryParamsInvalid(ValidationError):
    """A 400 for query parameters: {parameter: [message]} (api.exceptions says “查询参数有误”)."""

    query_parameters = True


def _refuse(filterset) -> None:
    if not filterset.is_valid():
        raise QueryParamsInvalid({name: list(messages) for name, messages in filterset.errors.items()})


class QueryFilterBackend(filters.DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        _refuse(filterset)
        return filterset.qs


def checked(filterset_class, params) -> dict:
    """The cleaned parameters of a list that is not a queryset (the caller's reports), or the same
    400 as QueryFilterBackend's."""
    filterset = filterset_class(params, queryset=filterset_class._meta.model.objects.none())
    _refuse(filterset)
    return filterset.form.cleaned_data

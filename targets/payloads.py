"""The shape of the JSON a row's values are saved with, from the grid (`values`) or the API
(`cells`): one set of fields, so that both refuse the same bodies (`"narrative": {"a": 1}`,
`"version": true`, a value that is a list) before anything is read."""

from __future__ import annotations

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from units.inputs import parse_id

from .cell_checks import cells_refused


class TypedText(serializers.CharField):
    """Text as typed: its characters are checked where it is stored (units.inputs.check_text names the
    cell or field), not here, where DRF would refuse NUL or a lone surrogate without saying where."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, trim_whitespace=False, **kwargs)
        self.validators = [
            v
            for v in self.validators
            if not isinstance(v, ProhibitNullCharactersValidator | ProhibitSurrogateCharactersValidator)
        ]


class ColumnValuesField(serializers.DictField):
    """{column id: the value as written}: ids are plain whole numbers, values text (null is blank)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", TypedText(allow_null=True))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        bad = {key: "列编号应为数字" for key in values if parse_id(key) is None}
        if bad:
            raise serializers.ValidationError(bad)
        return {parse_id(key): "" if raw is None else raw for key, raw in values.items()}


def version_field(**kwargs) -> serializers.IntegerField:
    # JSON true is no version (int(True) counted it as 1), nor 1e400 (infinity) or 2.5.
    return serializers.IntegerField(min_value=1, max_value=2**31 - 1, **kwargs)


def narrative_field(**kwargs) -> serializers.CharField:
    return TypedText(required=False, **kwargs)


class RowValuesSave(serializers.Serializer):
    """The grid's save of one row: the version it was read at, values by column id, the narrative."""

    version = version_field()
    values = ColumnValuesField(required=False, default=dict)
    narrative = narrative_field(allow_null=True)


FOREIGN_COLUMN = "提交的列不属于该目标表"


class GridRowSave(RowValuesSave):
    """The grid's save of one row of a table (`context["columns"]`: its columns by id): once the body
    has its shape, every value is read by its column as the save will read it (targets.cell_checks).
    A refusal of the values is `errors["columns"]` (a column not the table's) or `errors["cells"]`
    ({column id: why}); any other error is of the body's shape."""

    def validate(self, attrs):
        columns, values = self.context["columns"], attrs["values"]
        if set(values) - set(columns):
            raise serializers.ValidationError({"columns": FOREIGN_COLUMN})
        refused = cells_refused(columns, values)
        if refused:
            cells = {str(column_id): "；".join(messages) for column_id, messages in refused.items()}
            raise serializers.ValidationError({"cells": cells})
        return attrs


def payload_problem(serializer: serializers.Serializer) -> str:
    """The first error of an invalid body, named by its path (`narrative：不是有效的字符串。`)."""
    problems = []

    def walk(detail, path):
        if isinstance(detail, dict):
            for key, value in detail.items():
                walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(detail, list):
            for item in detail:
                walk(item, path)
        else:
            problems.append(f"{path}：{detail}" if path else str(detail))

    walk(serializer.errors, "")
    return "；".join(problems)

"""The shape of the JSON a row's values are saved with, from the grid (`values`) or the API
(`cells`): one set of fields, so that both refuse the same bodies (`"narrative": {"a": 1}`,
`"version": true`, a value that is a list) before anything is read."""

from __future__ import annotations

from rest_framework import serializers

from units.inputs import parse_id


class ColumnValuesField(serializers.DictField):
    """{column id: the value as written}: ids are plain whole numbers, values text (null is blank)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.CharField(allow_blank=True, allow_null=True, trim_whitespace=False))
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
    return serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, **kwargs)


class RowValuesSave(serializers.Serializer):
    """The grid's save of one row: the version it was read at, values by column id, the narrative."""

    version = version_field()
    values = ColumnValuesField(required=False, default=dict)
    narrative = narrative_field(allow_null=True)


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

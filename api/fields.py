"""Fields the API reads as the pages do (`units.inputs`), so a value refused on a page is refused
here with the same Chinese message."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from units.inputs import read_number


class NumberField(serializers.DecimalField):
    """A number the model field `model_field` stores: `1E+1000000`, `Infinity` and `NaN` are
    “数值过大” naming the field, not DRF's “总计不超过 14 个数字”. Described in the schema as DRF's
    DecimalField with the model field's precision."""

    def __init__(self, model_field, *, negative: bool = True, **kwargs):
        self.model_field, self.negative = model_field, negative
        kwargs.setdefault("help_text", str(model_field.verbose_name))
        if not negative:
            kwargs.setdefault("min_value", 0)
        super().__init__(model_field.max_digits, model_field.decimal_places, **kwargs)

    def to_internal_value(self, data):
        try:
            return read_number(data, f"“{self.model_field.verbose_name}”", self.model_field, negative=self.negative)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages[0], code="invalid") from None

    def validate_empty_values(self, data):
        if isinstance(data, str) and not data.strip() and self.allow_null:
            return (True, None)
        return super().validate_empty_values(data)

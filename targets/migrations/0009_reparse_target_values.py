"""Stored readings of target values read again by the parser that reads a value into parts
(3.5万件 = 35000件, a word comparator a few words before its number, 达到 as ≥, a sign, ％ as %).
The text (`raw`) is never touched; only the fields that mirror it."""

from decimal import Decimal

from django.db import migrations

FIELDS = ("kind", "comparator", "number", "measure_unit", "text")
LIMIT = Decimal(10) ** 18  # max_digits 24, decimal_places 6


def _reparse(rows, unit_of, text_only=lambda row: False):
    from targets import values as tv

    changed = []
    for row in rows:
        if not row.raw.strip() or text_only(row):
            continue
        value = tv.parse(row.raw, default_unit=unit_of(row))
        if value.number is not None and (abs(value.number) >= LIMIT or value.number.as_tuple().exponent < -6):
            continue
        new = {"kind": value.kind.value, "comparator": value.comparator.value, "number": value.number,
               "measure_unit": value.measure_unit, "text": value.text}
        if any(getattr(row, f) != new[f] for f in FIELDS):
            for f in FIELDS:
                setattr(row, f, new[f])
            changed.append(row)
    return changed


def reparse(apps, schema_editor):
    Target = apps.get_model("targets", "Target")
    Cell = apps.get_model("targets", "Cell")
    AssignedValue = apps.get_model("targets", "AssignedValue")
    targets = _reparse(Target.objects.select_related("indicator").iterator(), lambda t: t.indicator.measure_unit)
    Target.objects.bulk_update(targets, FIELDS, batch_size=500)
    for model in (Cell, AssignedValue):
        rows = _reparse(
            model.objects.select_related("column").iterator(),
            lambda c: c.column.measure_unit,
            lambda c: c.column.value_kind == "text",
        )
        model.objects.bulk_update(rows, FIELDS, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("targets", "0008_indicator_and_column_direction")]
    operations = [migrations.RunPython(reparse, migrations.RunPython.noop)]

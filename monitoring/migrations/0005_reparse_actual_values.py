"""完成值 read again by the parser that reads values into parts (see targets 0009)."""

from django.db import migrations



def reparse(apps, schema_editor):
    from importlib import import_module

    helper = import_module("targets.migrations.0009_reparse_target_values")
    ReportValue = apps.get_model("monitoring", "ReportValue")
    rows = helper._reparse(ReportValue.objects.iterator(), lambda v: v.target_unit)
    ReportValue.objects.bulk_update(rows, helper.FIELDS, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0004_report_value_baseline"), ("targets", "0009_reparse_target_values")]
    operations = [migrations.RunPython(reparse, migrations.RunPython.noop)]

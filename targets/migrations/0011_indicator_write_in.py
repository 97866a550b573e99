"""Write-in rows (targets.write_in): the field, and the placeholder lines of a database loaded
before it (seed 004's “... ..”, “指标7: ....” with no value) turned into blank write-in rows."""

import re

from django.db import migrations, models

# Frozen copy of targets.write_in: a migration does not follow later changes of the code.
NUMBERING = re.compile(r"^\s*指标\s*\d*\s*[:：]?")
FILLER = re.compile(r"^[\s.．。…·•⋯_＿-]*$")


def placeholders_to_write_in(apps, schema_editor):
    Indicator = apps.get_model("targets", "Indicator")
    Target = apps.get_model("targets", "Target")
    filled = set(Target.objects.exclude(raw="").values_list("indicator_id", flat=True))
    rows = []
    for indicator in Indicator.objects.exclude(name="").exclude(pk__in=filled).only("pk", "name"):
        if FILLER.match(NUMBERING.sub("", indicator.name, count=1)):
            indicator.name, indicator.write_in = "", True
            rows.append(indicator)
    Indicator.objects.bulk_update(rows, ["name", "write_in"])


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0010_part_shares"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="write_in",
            field=models.BooleanField(default=False, verbose_name="留白行（由填报单位自拟指标）"),
        ),
        migrations.RunPython(placeholders_to_write_in, migrations.RunPython.noop),
    ]

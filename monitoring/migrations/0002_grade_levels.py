"""The grade table (DESIGN §8 step 5): 达成 100%, 部分达成 judged per value, 未达成 0%. Data the bureau may change."""

from decimal import Decimal

from django.db import migrations

LEVELS = [
    ("achieved", "达成", Decimal("100"), 1),
    ("partial", "部分达成", None, 2),
    ("not_achieved", "未达成", Decimal("0"), 3),
]


def seed(apps, schema_editor):
    GradeLevel = apps.get_model("monitoring", "GradeLevel")
    for code, name, percent, order in LEVELS:
        GradeLevel.objects.get_or_create(code=code, defaults={"name": name, "percent": percent, "order": order})


def unseed(apps, schema_editor):
    apps.get_model("monitoring", "GradeLevel").objects.filter(code__in=[c for c, *_ in LEVELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

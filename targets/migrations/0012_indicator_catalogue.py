"""The standard 一级/二级指标 catalogue (fixtures/catalogue.yaml), so that a database with no seed
loaded can have projects created in the app (新建项目) with indicators under it. Data the admin
may change; the seed loader finds it and adds what is missing."""

from django.db import migrations

CATALOGUE = [
    ("产出指标", ["数量指标", "质量指标", "时效指标", "成本指标"]),
    ("效益指标", ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"]),
    ("满意度指标", ["服务对象满意度指标"]),
    ("成本指标", ["经济成本指标", "社会成本指标", "生态环境成本指标"]),
]


def seed(apps, schema_editor):
    Category = apps.get_model("targets", "IndicatorCategory")
    for order, (name, children) in enumerate(CATALOGUE):
        parent, _ = Category.objects.get_or_create(level=1, name=name, defaults={"order": order})
        for child_order, child in enumerate(children):
            Category.objects.get_or_create(level=2, parent=parent, name=child, defaults={"order": child_order})


class Migration(migrations.Migration):
    dependencies = [("targets", "0011_indicator_write_in")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

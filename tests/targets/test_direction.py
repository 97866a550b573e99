"""指标性质 (正向 / 反向 / 区间 / 定性) per indicator and per column: read from the target, set by the
bureau in the editors and the 附件2 import, carried into a new year, in the API, printed as ≥ ≤ ＝ 区间 定性."""

import json

import pytest
from django.urls import reverse

from projects.copying import project_copy_year
from reports.exporters import export_workbook, exporter_for, workbook_bytes
from reports.import_services import import_preview
from reports.importers import plan_apply
from targets import values as tv
from targets.models import Indicator, TableColumn, TargetTable
from targets.selectors import project_indicator_tree
from tests.api.conftest import token_client
from tests.reports import import_corpus as corpus
from units.models import AuditEntry


@pytest.mark.parametrize(
    ("raw", "label", "symbol"),
    [
        ("≥500条", "正向", "≥"),
        ("3000条", "正向", "≥"),
        ("=100%", "正向", "＝"),
        ("≤10件", "反向", "≤"),
        ("<5%", "反向", "≤"),
        ("10件以内", "反向", "≤"),
        ("0次", "反向", "≤"),  # a bare 0 can only be a ceiling
        ("0", "反向", "≤"),
        ("80%-90%", "区间", "区间"),
        ("介于80%和90%之间", "区间", "区间"),
        ("显著增长", "定性", "定性"),
        ("是", "定性", "定性"),
        ("增长10%", "正向", "≥"),
        ("下降3%", "反向", "≤"),
    ],
)
def test_the_direction_is_read_from_the_target(raw, label, symbol):
    value = tv.parse(raw)
    assert tv.derived_direction(value).label == label
    assert tv.direction_symbol("", value) == symbol


def test_the_bureaus_choice_overrides_the_targets_own():
    value = tv.parse("5件")
    assert tv.effective_direction("negative", value) == tv.Direction.NEGATIVE
    assert tv.direction_symbol("negative", value) == "≤" and tv.direction_symbol("range", value) == "区间"
    assert tv.read_direction(" 反向 ") == tv.Direction.NEGATIVE and tv.read_direction("＜") == tv.Direction.NEGATIVE
    assert tv.read_direction("") is None
    with pytest.raises(ValueError, match="不是指标性质"):
        tv.read_direction("斜向")


def _indicators_post(tree, **changes) -> dict:
    data = {"indicator": [i.pk for i in tree]}
    for i in tree:
        data.update(
            {
                f"ind-{i.pk}-category": i.category_id,
                f"ind-{i.pk}-name": i.name,
                f"ind-{i.pk}-unit": i.measure_unit,
                f"ind-{i.pk}-basis": i.basis,
                f"ind-{i.pk}-long_term": i.long_term.raw if i.long_term else "",
                f"ind-{i.pk}-annual": i.annual.raw if i.annual else "",
                f"ind-{i.pk}-direction": i.direction,
            }
        )
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_indicator_editor_sets_the_direction_shows_the_reading_and_audits_it(client, admin_user, hubei):
    client.force_login(admin_user)
    tree = project_indicator_tree(hubei)
    first = tree[0]
    page = client.get(reverse("projects:edit", args=[hubei.pk])).content.decode()
    assert "读作：3000条" in page and "按指标值（正向）" in page
    client.post(
        reverse("projects:indicators_save", args=[hubei.pk]),
        _indicators_post(tree, **{f"ind-{first.pk}-direction": "negative"}),
    )
    assert Indicator.objects.get(pk=first.pk).direction == "negative"
    entry = AuditEntry.objects.filter(action="targets.indicator.changed").latest("at")
    assert entry.after == {"direction": "negative"}
    response = client.post(
        reverse("projects:indicators_save", args=[hubei.pk]),
        _indicators_post(project_indicator_tree(hubei), **{f"ind-{first.pk}-direction": "sideways"}),
        follow=True,
    )
    assert "不是指标性质" in response.content.decode()
    assert Indicator.objects.get(pk=first.pk).direction == "negative"


@pytest.mark.django_db
def test_the_table_editor_sets_a_columns_direction(client, admin_user):
    table = TargetTable.objects.get(title__contains="市州类")
    client.force_login(admin_user)
    data = {"column": [c.pk for c in table.columns.order_by("order")] + ["new"]}
    for c in table.columns.all():
        data.update(
            {
                f"c-{c.pk}-category": c.category_id,
                f"c-{c.pk}-name": c.name,
                f"c-{c.pk}-unit": c.measure_unit,
                f"c-{c.pk}-kind": c.value_kind,
                f"c-{c.pk}-blank": "on",
                f"c-{c.pk}-direction": c.direction,
            }
        )
    column = table.columns.get(order=2)
    data.update(
        {
            f"c-{column.pk}-direction": "range",
            f"c-{column.pk}-shares": "1 : 2",
            "c-new-category": column.category_id,
            "c-new-kind": "any",
        }
    )
    assert client.post(reverse("targets:table_edit", args=[table.pk]), data).status_code == 302
    saved = TableColumn.objects.get(pk=column.pk)
    assert (saved.direction, saved.part_shares) == ("range", "1:2")
    assert '<option value="range" selected>区间</option>' in client.get(
        reverse("targets:table_edit", args=[table.pk])
    ).content.decode().replace("\n", "")


@pytest.mark.django_db
def test_copy_year_carries_the_directions(admin_user, hubei):
    first = project_indicator_tree(hubei)[0]
    Indicator.objects.filter(pk=first.pk).update(direction="negative")
    column = TableColumn.objects.filter(table__project=hubei).order_by("pk").first()
    TableColumn.objects.filter(pk=column.pk).update(direction="range")
    copy = project_copy_year(project=hubei, year=2023, actor=admin_user)
    assert Indicator.objects.get(project=copy, order=first.order).direction == "negative"
    assert TableColumn.objects.get(table__project=copy, copied_from=column).direction == "range"


@pytest.mark.django_db
def test_a_direction_column_in_an_attachment2_import_sets_the_directions(admin_user, hubei):
    def add_direction(wb):
        ws = wb.worksheets[0]
        width = ws.max_column + 1
        for row in ws.iter_rows():
            if row[3].value == "三级指标":
                ws.cell(row=row[0].row, column=width, value="指标性质")
            if row[3].value == "全省专利质押融资金额":
                ws.cell(row=row[0].row, column=width, value="反向")

    data = corpus.edit(
        workbook_bytes(export_workbook([(exporter_for("attachment2"), hubei)], admin_user)), add_direction
    )
    plan = import_preview(name="附件2.xlsx", data=data, user=admin_user, project=hubei)
    assert plan.ok, [str(e) for e in plan.errors]
    assert [(c.label, c.before, c.after) for c in plan.changes] == [
        ("全省专利质押融资金额（指标性质）", "按指标值", "反向")
    ]
    plan_apply(plan, actor=admin_user)
    assert Indicator.objects.get(project=hubei, name="全省专利质押融资金额").direction == "negative"


@pytest.mark.django_db
def test_a_bad_direction_in_an_import_is_refused_naming_its_cell(admin_user, hubei):
    def add_direction(wb):
        ws = wb.worksheets[0]
        width = ws.max_column + 1
        for row in ws.iter_rows():
            if row[3].value == "三级指标":
                ws.cell(row=row[0].row, column=width, value="指标性质")
            if row[3].value == "全省专利质押融资金额":
                ws.cell(row=row[0].row, column=width, value="越多越好")

    data = corpus.edit(
        workbook_bytes(export_workbook([(exporter_for("attachment2"), hubei)], admin_user)), add_direction
    )
    plan = import_preview(name="附件2.xlsx", data=data, user=admin_user, project=hubei)
    assert not plan.ok and "不是指标性质" in str(plan.errors[0])


@pytest.mark.django_db
def test_the_api_gives_the_directions(admin_user, hubei, open_table):
    Indicator.objects.filter(project=hubei, name="全省专利质押融资金额").update(direction="range")
    api = token_client(admin_user)
    indicators = api.get(f"/api/v1/projects/{hubei.pk}/").json()["indicators"]
    pledge = next(i for i in indicators if i["name"] == "全省专利质押融资金额")
    assert (pledge["direction"], pledge["direction_label"]) == ("range", "区间")
    assert {i["direction_label"] for i in indicators if i["name"] != "全省专利质押融资金额"} == {"正向"}
    table = api.get(f"/api/v1/tables/{open_table.pk}/").json()
    assert all(c["direction"] == "" for c in table["columns"])


@pytest.mark.django_db
def test_a_cell_whose_unit_contradicts_its_column_is_refused_naming_both(client, wuhan, wuhan_row, open_table):
    from django.core.exceptions import ValidationError

    column = open_table.columns.get(order=1)  # 收集中小微企业专利技术需求（条）
    with pytest.raises(ValidationError, match="“条”.*“%”"):
        column.parse("5%")
    assert tv.units_agree("亿元", "万元") and tv.units_agree("场次", "场") and not tv.units_agree("件", "万元")
    client.force_login(wuhan)
    body = {"version": wuhan_row.version, "values": {str(column.pk): "5%"}}
    response = client.post(
        reverse("targets:row_cells_save", args=[wuhan_row.pk]), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400 and "单位不一致" in json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.django_db
def test_the_reparse_migration_brings_stored_readings_to_the_parts_parser(wuhan_row):
    """Rows read by the old parser (3.5万件 as 3.5 “万”; 达到 as “=”) are read again; the text is kept."""
    import importlib

    from django.apps import apps

    from targets.models import Cell

    migration = importlib.import_module("targets.migrations.0009_reparse_target_values")
    cell = wuhan_row.cells.select_related("column").first()
    Cell.objects.filter(pk=cell.pk).update(raw="3.5万", kind="quantity", number=3.5, measure_unit="万", comparator="")
    stale = wuhan_row.cells.exclude(pk=cell.pk).first()
    Cell.objects.filter(pk=stale.pk).update(raw="达到500", kind="quantity", number=500, comparator="=")
    migration.reparse(apps, None)
    cell.refresh_from_db()
    assert (cell.raw, cell.number, cell.measure_unit) == ("3.5万", 35000, cell.column.measure_unit)
    assert Cell.objects.get(pk=stale.pk).comparator == "≥"

"""Typed input that the database cannot hold faithfully (issue 11, items 2, 3 and 18):
a number wider than its column, text with control characters, an unknown choice. Each is
refused with a Chinese message naming where, in every entry path, and nothing is saved;
a value already stored that way is still read everywhere."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from targets.models import Cell, TableColumn, TableRow, Target, TargetTable
from units.models import AuditEntry

pytestmark = pytest.mark.django_db

TOO_LARGE = "数值过大（最多 18 位整数、6 位小数）"
NINETEEN_DIGITS = "1234567890123456789"


def _column(row, order=1) -> TableColumn:
    return row.table.columns.get(order=order)


def _grid_save(client, row, values: dict, version=1, narrative=None):
    body = {"version": version, "values": {str(_column(row, o).pk): v for o, v in values.items()}}
    if narrative is not None:
        body["narrative"] = narrative
    return client.post(
        reverse("targets:row_cells_save", args=[row.pk]), json.dumps(body), content_type="application/json"
    )


def _untouched(row):
    row = TableRow.objects.get(pk=row.pk)
    assert row.version == 1
    assert Cell.objects.get(row=row, column__order=1).raw == "500"
    assert not AuditEntry.objects.filter(action="targets.cell.changed").exists()


# --- item 2: a number wider than its column ------------------------------------------------------


def test_a_grid_value_too_large_for_its_column_is_400_naming_the_cell_and_nothing_is_saved(
    client, wuhan, wuhan_row, open_table
):
    client.force_login(wuhan)
    response = _grid_save(client, wuhan_row, {1: NINETEEN_DIGITS, 2: "610"})
    assert response.status_code == 400
    assert response.json()["errors"] == {str(_column(wuhan_row).pk): f"“收集中小微企业专利技术需求（条）”{TOO_LARGE}"}
    _untouched(wuhan_row)


def test_a_grid_value_with_more_decimals_than_stored_is_400_not_rounded_away(client, wuhan, wuhan_row, open_table):
    client.force_login(wuhan)
    response = _grid_save(client, wuhan_row, {1: "0.0000000001", 2: "610"})
    assert response.status_code == 400
    assert "小数位数过多（最多 6 位小数）" in response.json()["errors"][str(_column(wuhan_row).pk)]
    _untouched(wuhan_row)


def test_the_largest_value_that_fits_is_saved_and_read_back(client, wuhan, wuhan_row, open_table):
    client.force_login(wuhan)
    assert _grid_save(client, wuhan_row, {1: "123456789012345678"}).status_code == 200
    cell = Cell.objects.get(row=wuhan_row, column__order=1)
    # SQLite keeps 15 significant digits of the reading; the text is kept whole.
    assert cell.raw == "123456789012345678" and abs(cell.number - Decimal("123456789012345678")) < 1000


def test_the_row_form_refuses_a_value_too_large_with_400_and_saves_nothing(client, wuhan, wuhan_row, open_table):
    client.force_login(wuhan)
    response = client.post(
        reverse("targets:row_save", args=[wuhan_row.pk]),
        {"version": 1, f"col-{_column(wuhan_row).pk}": NINETEEN_DIGITS},
    )
    assert response.status_code == 400 and TOO_LARGE in response.content.decode()
    _untouched(wuhan_row)


def test_the_admin_refuses_a_cell_value_too_large(client, admin_user, wuhan_row):
    client.force_login(admin_user)
    cell = Cell.objects.get(row=wuhan_row, column__order=1)
    response = client.post(
        reverse("admin:targets_cell_change", args=[cell.pk]), {"column": cell.column_id, "raw": NINETEEN_DIGITS}
    )
    assert response.status_code == 200 and TOO_LARGE in response.content.decode()
    assert Cell.objects.get(pk=cell.pk).raw == "500"


def test_the_admin_refuses_a_target_too_large(client, admin_user, hubei):
    client.force_login(admin_user)
    target = Target.objects.filter(indicator__project=hubei, period="annual").first()
    before = target.raw
    response = client.post(
        reverse("admin:targets_target_change", args=[target.pk]),
        {"indicator": target.indicator_id, "period": "annual", "year": 2022, "raw": f"≥{NINETEEN_DIGITS}条"},
    )
    assert response.status_code == 200 and TOO_LARGE in response.content.decode()
    assert Target.objects.get(pk=target.pk).raw == before


def test_the_indicator_editor_refuses_a_target_too_large_and_saves_nothing(client, admin_user, hubei):
    from django.core.exceptions import ValidationError

    from targets.editing import indicators_update

    indicator = hubei.indicators.first()
    item = {
        "id": indicator.pk,
        "category_id": indicator.category_id,
        "name": "改了名",
        "measure_unit": indicator.measure_unit,
        "basis": indicator.basis,
        "annual": NINETEEN_DIGITS,
        "long_term": "",
    }
    with pytest.raises(ValidationError) as refused:
        indicators_update(project=hubei, items=[item], actor=admin_user)
    assert refused.value.messages == [f"“改了名”的年度绩效目标{TOO_LARGE}"]
    assert hubei.indicators.get(pk=indicator.pk).name == indicator.name


@pytest.fixture
def stored_too_large(wuhan_row):
    """A value stored before the check existed: SQLite keeps any width, PostgreSQL none wider."""
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite stores a number wider than its column")
    cell = Cell.objects.get(row=wuhan_row, column__order=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE targets_cell SET raw = %s, number = %s WHERE id = %s",
            [NINETEEN_DIGITS, int(NINETEEN_DIGITS), cell.pk],
        )
    return cell


def test_a_value_too_large_already_stored_is_still_read_on_every_page_and_file(
    client, admin_user, wuhan, wuhan_row, open_table, stored_too_large
):
    client.force_login(wuhan)
    assert NINETEEN_DIGITS in client.get(reverse("targets:row", args=[wuhan_row.pk])).content.decode()
    assert client.get(reverse("targets:table_grid", args=[wuhan_row.table_id])).status_code == 200
    assert client.get(reverse("reports:export_table", args=[wuhan_row.table_id])).status_code == 200
    assert client.get(reverse("reports:table_template", args=[wuhan_row.table_id])).status_code == 200
    # Overwriting it with a value that fits works.
    assert _grid_save(client, wuhan_row, {1: "520"}).status_code == 200
    client.force_login(admin_user)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE targets_cell SET number = %s WHERE id = %s", [int(NINETEEN_DIGITS), stored_too_large.pk])
    assert client.get(reverse("admin:targets_cell_changelist")).status_code == 200
    assert client.get(reverse("admin:targets_tablerow_change", args=[wuhan_row.pk])).status_code == 200


# --- item 3: control characters ------------------------------------------------------------------


def test_a_cell_longer_than_a_cell_may_hold_is_refused_and_a_long_narrative_too(client, admin_user, open_table):
    row = TableRow.objects.get(unit__name="武汉轻工大学")
    text_column = TableColumn.objects.create(
        table=row.table, order=99, category=_column(row).category, name="备注", value_kind="text"
    )
    client.force_login(admin_user)
    url = reverse("targets:row_cells_save", args=[row.pk])
    body = {"version": row.version, "values": {str(text_column.pk): "字" * 200_000}}
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "“备注”内容过长（200000 字，最多 2000 字）" in response.json()["errors"][str(text_column.pk)]
    body = {"version": row.version, "values": {}, "narrative": "字" * 20_001}
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 400 and "文字目标内容过长（20001 字，最多 20000 字）" in response.json()["message"]
    row.refresh_from_db()
    assert row.narrative != "字" * 20_001 and not Cell.objects.filter(column=text_column).exists()


@pytest.mark.parametrize("bad", ["a\u000bb", "a\u0000b", "a\u001b[31m", "a\u007fb", "a\ud800b"])
def test_a_cell_with_a_control_character_is_refused_naming_the_cell(client, admin_user, open_table, bad):
    row = TableRow.objects.get(unit__name="武汉轻工大学")
    text_column = TableColumn.objects.create(
        table=row.table, order=99, category=_column(row).category, name="备注", value_kind="text"
    )
    client.force_login(admin_user)
    body = {"version": row.version, "values": {str(text_column.pk): bad}}
    response = client.post(
        reverse("targets:row_cells_save", args=[row.pk]), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert "“备注”含有不可见的控制字符" in response.json()["errors"][str(text_column.pk)]
    assert not Cell.objects.filter(column=text_column).exists()


def test_tabs_and_line_breaks_are_ordinary_text(client, admin_user, open_table):
    row = TableRow.objects.get(unit__name="武汉轻工大学")
    text_column = TableColumn.objects.create(
        table=row.table, order=99, category=_column(row).category, name="备注", value_kind="text"
    )
    client.force_login(admin_user)
    body = {"version": row.version, "values": {str(text_column.pk): "第一行\r\n第二行\t完"}}
    response = client.post(
        reverse("targets:row_cells_save", args=[row.pk]), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200


def test_a_narrative_with_a_control_character_is_refused_and_nothing_is_saved(client, wuhan, wuhan_row, open_table):
    client.force_login(wuhan)
    response = _grid_save(client, wuhan_row, {1: "520"}, narrative="全年\u000b完成")
    assert (
        response.status_code == 400 and "“武汉市”的文字目标含有不可见的控制字符（U+000B）" in response.json()["message"]
    )
    _untouched(wuhan_row)


# --- item 18: choices in the editors -------------------------------------------------------------


def test_a_table_with_an_unknown_unit_category_is_refused_and_not_created(client, admin_user, hubei):
    client.force_login(admin_user)
    count = TargetTable.objects.count()
    response = client.post(
        reverse("projects:table_create", args=[hubei.pk]),
        {"title": "城市表", "unit_category": "city", "start_year": "2023", "end_year": "2023"},
        follow=True,
    )
    assert "单位类别“city”无效" in response.content.decode()
    assert TargetTable.objects.count() == count


def test_a_column_with_an_unknown_kind_or_category_is_refused_and_nothing_is_saved(admin_user):
    from django.core.exceptions import ValidationError

    from targets.editing import table_columns_save

    table = TargetTable.objects.get(title__contains="市州类")
    columns = [
        {
            "id": c.pk,
            "category_id": c.category_id,
            "name": c.name,
            "measure_unit": c.measure_unit,
            "value_kind": c.value_kind,
            "allow_blank": c.allow_blank,
        }
        for c in table.columns.order_by("order")
    ]
    before = list(table.columns.order_by("order").values_list("name", "value_kind", "category_id"))
    columns[0] = {**columns[0], "name": "改名", "value_kind": "formula"}
    columns[1] = {**columns[1], "category_id": 999999}
    with pytest.raises(ValidationError) as refused:
        table_columns_save(table=table, columns=columns, actor=admin_user)
    assert refused.value.messages == ["第 1 列“改名”的值类型无效", f"第 2 列“{columns[1]['name']}”的指标类别无效"]
    assert list(table.columns.order_by("order").values_list("name", "value_kind", "category_id")) == before


def test_a_return_comment_with_a_control_character_is_refused_and_the_row_stays_submitted(
    client, wuhan, reviewer, wuhan_row, open_table
):
    from django.core.exceptions import ValidationError

    from targets.workflow import row_return, row_submit

    row_submit(row_id=wuhan_row.pk, actor=wuhan)
    client.force_login(reviewer)
    response = client.post(
        reverse("targets:row_return", args=[wuhan_row.pk]), {"comment": "请补充\u001b数据"}, follow=True
    )
    assert "“退回意见”含有不可见的控制字符（U+001B）" in response.content.decode()
    with pytest.raises(ValidationError, match="控制字符"):
        row_return(row_id=wuhan_row.pk, actor=reviewer, comment="请补充\u0007数据")
    assert TableRow.objects.get(pk=wuhan_row.pk).status == "submitted"

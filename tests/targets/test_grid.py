"""The grid page and its JSON save: parse as typed, refuse bad cells, never lose an update."""

import json

import pytest
from django.urls import reverse

from targets.models import Cell, ReviewStatus, TableRow
from units.models import Unit

pytestmark = pytest.mark.django_db


def _save(client, row, values: dict, version: int, narrative=None):
    body = {"version": version, "values": {str(row.table.columns.get(order=o).pk): v for o, v in values.items()}}
    if narrative is not None:
        body["narrative"] = narrative
    return client.post(
        reverse("targets:row_cells_save", args=[row.pk]), json.dumps(body), content_type="application/json"
    )


def test_a_typed_value_is_saved_and_read_back_as_parsed(client, wuhan, wuhan_row, open_table):
    client.force_login(wuhan)
    response = _save(client, wuhan_row, {1: "520", 3: ""}, version=1)
    assert response.status_code == 200
    data = response.json()
    column = str(wuhan_row.table.columns.get(order=1).pk)
    assert data["version"] == 2 and data["status"] == "draft" and data["status_label"] == "填报中"
    assert data["cells"][column] == {"raw": "520", "reading": "520条"}


def test_a_comparator_value_in_a_quantity_column_reads_as_typed(client, admin_user, open_table):
    row = TableRow.objects.get(unit__name="武汉轻工大学")
    client.force_login(admin_user)
    data = _save(client, row, {1: "≥75件"}, version=1).json()
    assert data["cells"][str(row.table.columns.get(order=1).pk)] == {"raw": "≥75件", "reading": "≥75件"}
    cell = Cell.objects.get(row=row, column__order=1)
    assert (cell.comparator, cell.number, cell.measure_unit) == ("≥", 75, "件")


def test_an_unparseable_value_in_a_numeric_column_is_an_error_on_that_cell_and_nothing_is_saved(
    client, wuhan, wuhan_row, open_table
):
    client.force_login(wuhan)
    response = _save(client, wuhan_row, {1: "五百", 2: "610"}, version=1)
    assert response.status_code == 400
    column = str(wuhan_row.table.columns.get(order=1).pk)
    assert response.json()["errors"] == {column: "“收集中小微企业专利技术需求（条）”应填写数字，“五百”不是数字"}
    assert list(
        Cell.objects.filter(row=wuhan_row, column__order__in=[1, 2])
        .order_by("column__order")
        .values_list("raw", flat=True)
    ) == ["500", "600"]
    assert TableRow.objects.get(pk=wuhan_row.pk).version == 1


def test_the_second_of_two_editors_is_refused_and_shown_the_first_ones_values(
    client, wuhan, reviewer, wuhan_row, open_table
):
    client.force_login(reviewer)
    assert _save(client, wuhan_row, {1: "530"}, version=1).status_code == 200
    client.force_login(wuhan)
    response = _save(client, wuhan_row, {1: "540"}, version=1)
    assert response.status_code == 409
    data = response.json()
    column = str(wuhan_row.table.columns.get(order=1).pk)
    assert data["conflict"] and data["version"] == 2 and data["current"][column] == "530"
    assert data["by"] == "t-reviewer"
    assert Cell.objects.get(row=wuhan_row, column__order=1).raw == "530"
    # Overwriting knowingly: the same values, sent against the version now current.
    assert _save(client, wuhan_row, {1: "540"}, version=2).status_code == 200
    assert Cell.objects.get(row=wuhan_row, column__order=1).raw == "540"


def test_a_locked_row_refuses_saves(client, wuhan, wuhan_row, open_table):
    TableRow.objects.filter(pk=wuhan_row.pk).update(status=ReviewStatus.APPROVED)
    client.force_login(wuhan)
    response = _save(client, wuhan_row, {1: "1"}, version=1)
    assert response.status_code == 409 and response.json()["locked"]
    assert "已通过" in response.json()["message"]


def test_a_narrative_row_is_edited_as_one_text(client, admin_user):
    row = TableRow.objects.get(unit__name="湖北省地理标志科技创新有限公司")
    client.force_login(admin_user)
    assert _save(client, row, {}, version=1, narrative="新的文字目标").status_code == 200
    assert TableRow.objects.get(pk=row.pk).narrative == "新的文字目标"


def test_a_malformed_request_is_refused_with_a_message(client, wuhan, wuhan_row, open_table):
    client.force_login(wuhan)
    response = client.post(
        reverse("targets:row_cells_save", args=[wuhan_row.pk]), "nonsense", content_type="application/json"
    )
    assert response.status_code == 400 and "请求格式不正确" in response.json()["message"]


@pytest.mark.parametrize("body", ['{"version": 1e400, "values": {}}', '{"version": NaN, "values": {}}'])
def test_a_version_that_is_no_whole_number_is_refused_with_a_message(client, wuhan, wuhan_row, open_table, body):
    # 1e400 reads as infinity, which int() refuses with an OverflowError (a 500 before).
    client.force_login(wuhan)
    response = client.post(
        reverse("targets:row_cells_save", args=[wuhan_row.pk]), body, content_type="application/json"
    )
    assert response.status_code == 400 and "请求格式不正确" in response.json()["message"]


def test_a_filler_sees_only_their_own_row_in_the_grid(client, outsider, open_table):
    client.force_login(outsider)
    response = client.get(reverse("targets:table_grid", args=[open_table.pk]))
    assert [r.unit.name for r in response.context["rows"]] == ["宜昌市"]
    assert "武汉市" not in response.content.decode()


def test_the_grid_draws_the_grouped_header_and_every_seed_value(client, observer, open_table):
    client.force_login(observer)
    body = client.get(reverse("targets:table_grid", args=[open_table.pk])).content.decode()
    assert '<th rowspan="1" colspan="2">产出指标</th>' in body and '<th rowspan="1" colspan="5">效益指标</th>' in body
    assert '<th rowspan="1" colspan="2">社会效益指标</th>' in body
    for raw in ["200000", "176", "12500", "显著增长"]:
        assert f">{raw}</td>" in body


def test_the_grid_filters_by_status(client, observer, open_table):
    TableRow.objects.filter(table=open_table, unit__name="襄阳市").update(status=ReviewStatus.SUBMITTED)
    client.force_login(observer)
    response = client.get(reverse("targets:table_grid", args=[open_table.pk]), {"status": "submitted"})
    assert [r.unit.name for r in response.context["rows"]] == ["襄阳市"]


def test_the_16_row_grid_does_a_constant_number_of_queries(client, reviewer, open_table, django_assert_num_queries):
    client.force_login(reviewer)
    url = reverse("targets:table_grid", args=[open_table.pk])
    # session, user, memberships, unread count, table, reviewed projects (policy),
    # columns, row count (pages), one page of rows, their cells
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200
    units = Unit.objects.bulk_create(Unit(name=f"网格测试市{i}", category="region") for i in range(100))
    rows = TableRow.objects.bulk_create(TableRow(table=open_table, unit=u, seq=300 + i) for i, u in enumerate(units))
    Cell.objects.bulk_create(
        Cell(row=r, column=c, raw="1", kind="quantity", number=1)
        for r in rows
        for c in open_table.columns.filter(value_kind="number")
    )
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(response.context["rows"]) == 116


def test_a_large_table_is_paged_and_filtered_by_unit(client, observer, open_table):
    units = Unit.objects.bulk_create(Unit(name=f"分页测试市{i:03d}", category="region") for i in range(300))
    TableRow.objects.bulk_create(TableRow(table=open_table, unit=u, seq=400 + i) for i, u in enumerate(units))
    client.force_login(observer)
    url = reverse("targets:table_grid", args=[open_table.pk])
    first = client.get(url)
    assert len(first.context["rows"]) == 200 and first.context["page"].count == 2
    second = client.get(url, {"page": 2})
    assert len(second.context["rows"]) == 116 and "第 2/2 页" in second.content.decode()
    found = client.get(url, {"q": "分页测试市29"})
    assert [r.unit.name for r in found.context["rows"]] == [f"分页测试市{i}" for i in range(290, 300)]
    assert client.get(url, {"page": "abc"}).context["page"].number == 1


def test_a_cell_save_does_a_constant_number_of_queries(client, wuhan, wuhan_row, open_table, django_assert_num_queries):
    """The grid's hot path (50 fillers at once). The 13 queries of one save of two cells:
    session, user; the row and the filler's memberships (row_for_user + policy); the
    table's columns (the view checks the values, and hands them to the service); then one
    transaction (a savepoint here, as the test runs in a transaction; BEGIN and COMMIT in
    production): the row locked (with its table), the row's current cells, one UPDATE per
    changed cell (a grid save updates in place), the row's version and status in one
    UPDATE, the audit entries in one INSERT. Before 2026-12-02: 19 (a savepoint more, the
    table and the columns fetched again, the row's status in a second UPDATE, DELETE +
    INSERT of the cells, the cells read again for the answer).

    Plausibility (targets.save_flags) adds one statement where the answer's warnings need a
    reference: column 1 counts toward the project's 3000条, so its target (and the unit's reasons)
    are read, 14; columns 2 and 3 count toward nothing, 13 as before."""
    client.force_login(wuhan)
    column = {o: str(wuhan_row.table.columns.get(order=o).pk) for o in (1, 2, 3)}
    assert _save(client, wuhan_row, {1: "505"}, version=1).status_code == 200  # warms the parser memo
    body = {"version": 2, "values": {column[1]: "510", column[2]: "610"}}
    with django_assert_num_queries(14):
        response = client.post(
            reverse("targets:row_cells_save", args=[wuhan_row.pk]), json.dumps(body), content_type="application/json"
        )
    assert response.status_code == 200 and response.json()["version"] == 3
    assert response.json()["cells"][column[2]]["raw"] == "610"
    body = {"version": 3, "values": {column[2]: "620", column[3]: "7000"}}
    with django_assert_num_queries(13):
        response = client.post(
            reverse("targets:row_cells_save", args=[wuhan_row.pk]), json.dumps(body), content_type="application/json"
        )
    assert response.status_code == 200 and response.json()["warnings"] == {column[2]: [], column[3]: []}


def test_the_grid_of_a_table_not_yet_open_tells_the_admin_where_to_open_it(client, wuhan_row, admin_user, reviewer):
    progress = reverse("targets:table_progress", args=[wuhan_row.table_id])
    hint = f'在 <a href="{progress}">填报进度</a> 页填写截止时间后开放填报'
    client.force_login(admin_user)
    assert hint in client.get(reverse("targets:table_grid", args=[wuhan_row.table_id])).content.decode()
    client.force_login(reviewer)  # who may not open it is not sent there
    assert hint not in client.get(reverse("targets:table_grid", args=[wuhan_row.table_id])).content.decode()


def test_no_submit_button_is_offered_while_the_table_is_not_open(client, wuhan_row, admin_user):
    client.force_login(admin_user)
    submit = reverse("targets:row_submit", args=[wuhan_row.pk])
    assert submit not in client.get(reverse("targets:table_grid", args=[wuhan_row.table_id])).content.decode()
    assert submit not in client.get(reverse("targets:row", args=[wuhan_row.pk])).content.decode()


def test_the_submit_button_is_offered_once_the_table_is_open(client, open_table, wuhan_row, wuhan):
    client.force_login(wuhan)
    submit = reverse("targets:row_submit", args=[wuhan_row.pk])
    assert submit in client.get(reverse("targets:table_grid", args=[wuhan_row.table_id])).content.decode()
    assert submit in client.get(reverse("targets:row", args=[wuhan_row.pk])).content.decode()


@pytest.mark.parametrize("raw", ["1E+1000000", "9" * 1999, "0." + "0" * 1990 + "1", "Infinity", "NaN", "1e-1000000"])
def test_a_number_no_column_holds_is_a_400_on_its_cell(client, wuhan, wuhan_row, open_table, raw):
    client.force_login(wuhan)
    response = _save(client, wuhan_row, {1: raw}, version=1)
    assert response.status_code == 400
    column = str(wuhan_row.table.columns.get(order=1).pk)
    assert "收集中小微企业专利技术需求" in response.json()["errors"][column]
    assert TableRow.objects.get(pk=wuhan_row.pk).version == 1


NESTED = "[" * 50000 + "]" * 50000  # 100 KB: json.loads raised RecursionError (a 500)


@pytest.mark.parametrize(
    "body",
    [NESTED, '{"version": 1, "values": ' + "[" * 5000 + "]" * 5000 + "}", '{"version": 1, "values": {"1": ' * 40],
    ids=["nested-array", "nested-values", "nested-objects-unclosed"],
)
def test_json_nested_thousands_deep_is_a_400_on_the_grids_saves(
    client, admin_user, wuhan_row, open_table, handed_down_copy, body
):
    client.force_login(admin_user)
    for url in (
        reverse("targets:row_cells_save", args=[wuhan_row.pk]),
        reverse("targets:row_assigned_save", args=[handed_down_copy.pk]),
    ):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, url
        assert "请求格式不正确" in response.json()["message"]


@pytest.fixture
def handed_down_copy(open_table, admin_user, hubei):
    """Another table of the project, handed down, for the 下达值 save (the 高校院所 table's first row)."""
    from targets import handdown

    row = TableRow.objects.filter(table__project=hubei).exclude(table=open_table).order_by("table_id", "seq").first()
    handdown.table_hand_down(table_id=row.table_id, actor=admin_user)
    return row


@pytest.mark.parametrize(
    "body, field",
    [
        ({"version": 1, "values": {}, "narrative": {"a": 1}}, "narrative"),
        ({"version": 1, "values": {}, "narrative": ["文字"]}, "narrative"),
        ({"version": 1, "values": {}, "narrative": True}, "narrative"),
        ({"version": True, "values": {}}, "version"),
        ({"version": "一", "values": {}}, "version"),
        ({"version": 1.5, "values": {}}, "version"),
        ({"version": 0, "values": {}}, "version"),
        ({"values": {}}, "version"),
        ({"version": 1, "values": ["500"]}, "values"),
        ({"version": 1, "values": "500"}, "values"),
        ({"version": 1, "values": {"COL": {"raw": "500"}}}, "values.COL"),
        ({"version": 1, "values": {"COL": ["500"]}}, "values.COL"),
        ({"version": 1, "values": {"COL": True}}, "values.COL"),
        ({"version": 1, "values": {"²": "500"}}, "values.²"),
        ([1], None),
        ("version", None),
    ],
)
def test_a_body_of_another_shape_is_refused_naming_the_field_and_nothing_is_saved(
    client, wuhan, wuhan_row, open_table, body, field
):
    """`"narrative": {"a": 1}` was stored as the text "{'a': 1}", `"version": true` counted as 1."""
    client.force_login(wuhan)
    column = str(wuhan_row.table.columns.get(order=1).pk)
    text = json.dumps(body).replace("COL", column)
    response = client.post(
        reverse("targets:row_cells_save", args=[wuhan_row.pk]), text, content_type="application/json"
    )
    assert response.status_code == 400
    message = response.json()["message"]
    assert "请求格式不正确" in message and (field is None or field.replace("COL", column) in message), message
    row = TableRow.objects.get(pk=wuhan_row.pk)
    assert row.version == 1 and row.narrative == ""


def test_a_value_sent_as_a_json_number_or_null_is_read_as_typed(client, wuhan, wuhan_row, open_table):
    client.force_login(wuhan)
    response = _save(client, wuhan_row, {1: 520, 2: None}, version=1)
    assert response.status_code == 200
    cells = response.json()["cells"]
    first, second = (str(wuhan_row.table.columns.get(order=o).pk) for o in (1, 2))
    assert cells[first]["raw"] == "520" and cells[second]["raw"] == ""
    assert Cell.objects.get(row=wuhan_row, column__order=1).raw == "520"


@pytest.mark.parametrize("char", ["\u202e", "\u2067", "\u200b", "\ufeff", "\ufdd0", "\uffff"])
def test_an_invisible_character_in_a_cell_or_the_narrative_is_refused_naming_it(
    client, wuhan, admin_user, wuhan_row, open_table, char
):
    client.force_login(wuhan)
    response = _save(client, wuhan_row, {1: f"5{char}20"}, version=1)
    assert response.status_code == 400
    column = str(wuhan_row.table.columns.get(order=1).pk)
    error = response.json()["errors"][column]
    assert error.startswith("“收集中小微企业专利技术需求（条）”含有") and f"U+{ord(char):04X}" in error
    assert TableRow.objects.get(pk=wuhan_row.pk).version == 1

    row = TableRow.objects.get(unit__name="湖北省地理标志科技创新有限公司")
    client.force_login(admin_user)
    response = _save(client, row, {}, version=1, narrative=f"新的{char}文字目标")
    assert response.status_code == 400 and f"U+{ord(char):04X}" in response.json()["message"]
    assert TableRow.objects.get(pk=row.pk).narrative != f"新的{char}文字目标"

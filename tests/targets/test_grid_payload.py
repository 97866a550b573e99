"""The grid's JSON body read by its serializer (targets.payloads.GridRowSave, issue 24 §3): the body's
shape first, then each value by its column; the grid's answers unchanged (tests/targets/test_grid.py,
tests/targets/test_inputs.py)."""

import json

import pytest
from django.urls import reverse

from targets import selectors
from targets.models import TableRow
from targets.payloads import FOREIGN_COLUMN, GridRowSave

pytestmark = pytest.mark.django_db


def _columns(row):
    return {c.pk: c for c in selectors.table_columns(row.table)}


def test_the_serializer_names_each_refused_cell_by_its_column_in_the_order_posted(wuhan_row):
    columns = _columns(wuhan_row)
    first, second, third = (wuhan_row.table.columns.get(order=o).pk for o in (1, 2, 3))
    body = {"version": 1, "values": {str(second): "六百", str(third): "", str(first): "五百"}}
    payload = GridRowSave(data=body, context={"columns": columns})
    assert not payload.is_valid()
    assert list(payload.errors) == ["cells"]
    cells = payload.errors["cells"]
    assert list(cells) == [str(second), str(first)]
    assert str(cells[str(first)]) == "“收集中小微企业专利技术需求（条）”应填写数字，“五百”不是数字"


def test_the_serializer_refuses_a_column_of_another_table_before_reading_any_value(wuhan_row):
    body = {"version": 1, "values": {"999999": "五百"}}
    payload = GridRowSave(data=body, context={"columns": _columns(wuhan_row)})
    assert not payload.is_valid()
    assert payload.errors == {"columns": [FOREIGN_COLUMN]}


def test_the_serializer_gives_the_values_keyed_by_column_id(wuhan_row):
    column = wuhan_row.table.columns.get(order=1).pk
    payload = GridRowSave(data={"version": 3, "values": {str(column): 520}}, context={"columns": _columns(wuhan_row)})
    assert payload.is_valid(), payload.errors
    assert payload.validated_data["values"] == {column: "520"} and payload.validated_data["version"] == 3


def test_a_body_of_another_shape_is_refused_as_such_before_its_cells_are_read(client, wuhan, wuhan_row, open_table):
    client.force_login(wuhan)
    column = wuhan_row.table.columns.get(order=1).pk
    body = json.dumps({"version": True, "values": {str(column): "五百"}})
    response = client.post(
        reverse("targets:row_cells_save", args=[wuhan_row.pk]), body, content_type="application/json"
    )
    assert response.status_code == 400
    data = response.json()
    assert "请求格式不正确" in data["message"] and "version" in data["message"] and "五百" not in data["message"]
    assert "errors" not in data
    assert TableRow.objects.get(pk=wuhan_row.pk).version == 1

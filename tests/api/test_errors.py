"""Errors are JSON in Chinese, each with the path of the field it is about; nothing is changed."""

import pytest

from targets.models import TableColumn, TableRow
from targets.services import row_cells_update

pytestmark = pytest.mark.django_db


def _state(row):
    row = TableRow.objects.get(pk=row.pk)
    return row.status, row.version, list(row.cells.order_by("column_id").values_list("raw", flat=True))


def test_a_stale_version_is_a_409_with_the_current_values_and_nothing_saved(wuhan_api, wuhan, open_table, wuhan_row):
    column = wuhan_row.table.columns.get(order=1)
    row_cells_update(row_id=wuhan_row.pk, values={column.pk: "2800"}, expected_version=1, actor=wuhan)
    before = _state(wuhan_row)
    response = wuhan_api.patch(
        f"/api/v1/rows/{wuhan_row.pk}/", {"version": 1, "cells": {str(column.pk): "100"}}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert "已被他人修改" in body["detail"]
    assert body["version"] == 2 and body["current"][str(column.pk)] == "2800"
    assert _state(wuhan_row) == before


def test_a_bad_value_names_its_cell_in_chinese_and_saves_no_other(wuhan_api, open_table, wuhan_row):
    first, second = wuhan_row.table.columns.order_by("order")[:2]
    before = _state(wuhan_row)
    response = wuhan_api.patch(
        f"/api/v1/rows/{wuhan_row.pk}/",
        {"version": 1, "cells": {str(first.pk): "100", str(second.pk): "很多"}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": f"cells.{second.pk}", "message": "“中小微企业接受专利转让次数（次）”应填写数字，“很多”不是数字"}
    ]
    assert _state(wuhan_row) == before


def test_a_column_of_another_table_is_refused_by_its_path(wuhan_api, open_table, wuhan_row):
    foreign = TableColumn.objects.exclude(table=wuhan_row.table).first()
    response = wuhan_api.patch(
        f"/api/v1/rows/{wuhan_row.pk}/", {"version": 1, "cells": {str(foreign.pk): "1"}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": f"cells.{foreign.pk}", "message": "该列不属于此目标表"}]


def test_a_malformed_request_names_the_field(wuhan_api, open_table, wuhan_row):
    response = wuhan_api.patch(f"/api/v1/rows/{wuhan_row.pk}/", {"cells": {"x": "1"}}, format="json")
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert "version" in fields
    assert "提交的数据有误" in response.json()["detail"]


def test_a_return_without_a_comment_is_refused_and_the_row_stays_submitted(
    wuhan_api, reviewer_api, open_table, wuhan_row
):
    wuhan_api.post(f"/api/v1/rows/{wuhan_row.pk}/submit/")
    response = reviewer_api.post(f"/api/v1/rows/{wuhan_row.pk}/return/", {"comment": "  "}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "comment"
    assert TableRow.objects.get(pk=wuhan_row.pk).status == "submitted"


def test_a_step_the_rows_state_refuses_is_a_409_in_chinese(wuhan_api, reviewer_api, open_table, wuhan_row):
    response = reviewer_api.post(f"/api/v1/rows/{wuhan_row.pk}/approve/")
    assert response.status_code == 409
    assert "只有已提交的行才能通过" in response.json()["detail"]


def test_another_units_row_is_a_404_as_on_the_pages(wuhan_api, outsider, open_table):
    other = TableRow.objects.get(table=open_table, unit__name="宜昌市")
    for response in (
        wuhan_api.get(f"/api/v1/rows/{other.pk}/"),
        wuhan_api.patch(f"/api/v1/rows/{other.pk}/", {"version": 1, "cells": {}}, format="json"),
        wuhan_api.post(f"/api/v1/rows/{other.pk}/submit/"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "没有找到该填报", "errors": []}
    assert wuhan_api.get("/api/v1/cells/", {"row": other.pk}).json()["results"] == []

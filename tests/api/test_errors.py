"""Errors are JSON in Chinese, each with the path of the field it is about; nothing is changed."""

import json

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


def test_a_stale_version_names_who_saved_last_as_the_grid_does(wuhan_api, reviewer, open_table, wuhan_row):
    """The 409's body is the grid's (targets.cell_checks.row_conflict): the values, the narrative, who and when."""
    column = wuhan_row.table.columns.get(order=1)
    row_cells_update(row_id=wuhan_row.pk, values={column.pk: "2800"}, expected_version=1, actor=reviewer)
    response = wuhan_api.patch(
        f"/api/v1/rows/{wuhan_row.pk}/", {"version": 1, "cells": {str(column.pk): "100"}}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["by"] == (reviewer.first_name or reviewer.username) and body["at"].startswith("20")
    assert body["conflict"] is True and body["narrative"] == "" and body["current"][str(column.pk)] == "2800"


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


NESTED = "[" * 50000 + "]" * 50000  # 100 KB: DRF's JSONParser raised RecursionError (a 500)


def _write_endpoints(row, report) -> list[tuple[str, str]]:
    return [
        ("PATCH", f"/api/v1/rows/{row.pk}/"),
        ("POST", f"/api/v1/rows/{row.pk}/submit/"),
        ("POST", f"/api/v1/rows/{row.pk}/approve/"),
        ("POST", f"/api/v1/rows/{row.pk}/return/"),
        ("PATCH", f"/api/v1/reports/{report.pk}/"),
        ("POST", f"/api/v1/reports/{report.pk}/submit/"),
        ("POST", f"/api/v1/reports/{report.pk}/grade/"),
        ("POST", f"/api/v1/reports/{report.pk}/return/"),
        ("POST", f"/api/v1/reports/{report.pk}/approve/"),
        ("POST", f"/api/v1/projects/{row.table.project_id}/exports/"),
    ]


@pytest.mark.parametrize("body", [NESTED, '{"version": 1, "cells": ' + "{" * 40, '{"version": NaN}', "\udcff"])
def test_a_malformed_body_is_a_400_on_every_write_and_changes_nothing(admin_user, open_table, wuhan_row, body):
    from datetime import date
    from decimal import Decimal

    from monitoring.services import round_open
    from reports.models import ExportJob

    from .conftest import token_client

    TableRow.objects.filter(pk=wuhan_row.pk).update(status="approved")
    report = round_open(
        project=open_table.project,
        kind="monitoring",
        reference_date=date(2022, 6, 30),
        deadline=None,
        lag_threshold=Decimal(10),
        actor=admin_user,
    ).reports.get(unit=wuhan_row.unit)
    api = token_client(admin_user)
    before = (_state(wuhan_row), report.version, report.status, ExportJob.objects.count())
    data = body.encode("utf-8", "surrogatepass")
    for method, url in _write_endpoints(wuhan_row, report):
        response = api.generic(method, url, data, content_type="application/json")
        assert response.status_code == 400, (method, url, response.content[:200])
        assert response.json()["detail"].startswith("请求格式不正确"), response.json()
    report.refresh_from_db()
    assert (_state(wuhan_row), report.version, report.status, ExportJob.objects.count()) == before


def test_the_api_parses_json_with_the_one_reader_everywhere():
    from django.conf import settings
    from rest_framework.views import APIView

    from api import urls

    assert settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] == ["api.parsers.JsonParser"]
    views = [p.callback.cls for p in urls.urlpatterns if hasattr(getattr(p, "callback", None), "cls")]
    own = [v.__name__ for v in views if issubclass(v, APIView) and "parser_classes" in vars(v)]
    assert not own, f"these views choose their own parsers: {own}"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"version": 1, "cells": {}, "narrative": {"a": 1}}, "narrative"),
        ({"version": True, "cells": {}}, "version"),
        ({"version": 1, "cells": {"COL": {"raw": "1"}}}, "cells.COL"),
    ],
)
def test_the_api_refuses_the_bodies_the_grid_refuses(wuhan_api, open_table, wuhan_row, body, field):
    column = str(wuhan_row.table.columns.get(order=1).pk)
    text = json.dumps(body).replace("COL", column)
    before = _state(wuhan_row)
    response = wuhan_api.generic("PATCH", f"/api/v1/rows/{wuhan_row.pk}/", text, content_type="application/json")
    assert response.status_code == 400
    assert field.replace("COL", column) in {e["field"] for e in response.json()["errors"]}
    assert _state(wuhan_row) == before

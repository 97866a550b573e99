"""What the read endpoints return and how they filter; the browser's session needs its CSRF token to write."""

import pytest
from rest_framework.test import APIClient

from targets.models import Cell, TableRow

from .conftest import token_client

pytestmark = pytest.mark.django_db


def test_a_project_gives_its_header_funding_and_both_targets_of_each_indicator(wuhan_api, hubei, open_table):
    project = wuhan_api.get(f"/api/v1/projects/{hubei.pk}/").json()
    assert project["name"] == hubei.name and project["funding"]
    pairs = [(i["long_term"], i["annual"]) for i in project["indicators"]]
    assert all(lt and an for lt, an in pairs)
    first = project["indicators"][0]
    assert first["level1"] and first["level2"] and first["name"]
    assert first["long_term"]["period"] == "long_term" and first["annual"]["year"] == 2022
    assert set(first["annual"]["value"]) == {"raw", "comparator", "number", "unit", "text", "reading", "parts"}


def test_rows_filter_by_year_table_unit_and_status(admin_user, hubei, open_table):
    api = token_client(admin_user)
    everything = api.get("/api/v1/rows/", {"page_size": 500}).json()["count"]
    assert everything == TableRow.objects.count()
    by_table = api.get("/api/v1/rows/", {"table": open_table.pk}).json()
    assert by_table["count"] == TableRow.objects.filter(table=open_table).count() == 16
    wuhan_unit = TableRow.objects.get(table=open_table, unit__name="武汉市").unit_id
    assert [r["unit"] for r in api.get("/api/v1/rows/", {"unit": wuhan_unit}).json()["results"]] == ["武汉市"]
    by_year = api.get("/api/v1/rows/", {"year": 2023}).json()["results"]
    assert by_year and all(r["table"] != open_table.pk for r in by_year)
    assert api.get("/api/v1/rows/", {"status": "approved"}).json()["count"] == 0
    tables = api.get("/api/v1/tables/", {"year": 2022, "project": hubei.pk}).json()["results"]
    assert open_table.pk in [t["id"] for t in tables] and all(t["start_year"] <= 2022 for t in tables)


def test_cells_come_by_cursor_without_gaps_or_repeats(admin_user, open_table):
    api = token_client(admin_user)
    seen, url, params = [], "/api/v1/cells/", {"table": open_table.pk, "page_size": 7}
    while url:
        page = api.get(url, params).json()
        seen += [c["id"] for c in page["results"]]
        url, params = page["next"], None
    expected = list(Cell.objects.filter(row__table=open_table).order_by("id").values_list("id", flat=True))
    assert seen == expected and len(expected) > 7


def test_a_unit_token_lists_only_its_own_rows_and_cells(wuhan_api, wuhan_row, open_table):
    rows = wuhan_api.get("/api/v1/rows/").json()["results"]
    assert [r["id"] for r in rows] == [wuhan_row.pk]
    cells = wuhan_api.get("/api/v1/cells/", {"page_size": 2000}).json()["results"]
    assert cells and {c["row"] for c in cells} == {wuhan_row.pk}


def test_a_session_write_without_the_csrf_token_is_refused(wuhan, wuhan_row, open_table):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(wuhan)
    assert browser.get(f"/api/v1/rows/{wuhan_row.pk}/").status_code == 200
    response = browser.post(f"/api/v1/rows/{wuhan_row.pk}/submit/")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert TableRow.objects.get(pk=wuhan_row.pk).status == "not_started"

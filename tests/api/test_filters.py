"""List filters read their values or refuse them: a value that cannot be read is a 400 naming the
parameter, never ignored (ignoring it answered every object, as if no filter had been asked)."""

import pytest

from targets.models import Cell, TableRow

from .conftest import token_client

pytestmark = pytest.mark.django_db

UNREADABLE_NUMBERS = ["-1", "2022.5", "9" * 23, "２０２２", "2022abc", "二〇二二", "0x7e6", " ", "1e3", "²"]
LISTS = {
    "/api/v1/projects/": ["year"],
    "/api/v1/tables/": ["year", "project"],
    "/api/v1/rows/": ["year", "table", "unit"],
    "/api/v1/cells/": ["year", "table", "unit", "row", "column"],
    "/api/v1/reports/": ["round"],
}
CASES = [(url, name) for url, names in LISTS.items() for name in names]


@pytest.mark.parametrize("value", UNREADABLE_NUMBERS)
@pytest.mark.parametrize("url, name", CASES)
def test_a_number_parameter_that_cannot_be_read_is_a_400_naming_it(admin_user, open_table, url, name, value):
    response = token_client(admin_user).get(url, {name: value})
    if value == " ":  # blank is no filter, as everywhere
        assert response.status_code == 200
        return
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["detail"].startswith("查询参数有误：") and name in body["detail"]
    assert [e["field"] for e in body["errors"]] == [name]


@pytest.mark.parametrize("url", ["/api/v1/tables/", "/api/v1/rows/", "/api/v1/cells/"])
@pytest.mark.parametrize("value", ["unknown", "APPROVED", "已通过", "approved "])
def test_an_unknown_status_is_a_400_listing_the_known_ones(admin_user, open_table, url, value):
    response = token_client(admin_user).get(url, {"status": value})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == "status" and "应为以下之一" in error["message"]


def test_readable_filters_still_narrow_as_before(admin_user, hubei, open_table):
    api = token_client(admin_user)
    assert api.get("/api/v1/rows/", {"table": open_table.pk}).json()["count"] == 16
    assert api.get("/api/v1/rows/", {"status": "approved"}).json()["count"] == 0
    submitted = TableRow.objects.filter(table=open_table).first()
    TableRow.objects.filter(pk=submitted.pk).update(status="submitted")
    cells = api.get("/api/v1/cells/", {"status": "submitted", "page_size": 2000}).json()["results"]
    assert {c["row"] for c in cells} == {submitted.pk}
    assert len(cells) == Cell.objects.filter(row=submitted).count()
    years = api.get("/api/v1/projects/", {"year": 2022}).json()["results"]
    assert hubei.pk in [p["id"] for p in years]
    assert api.get("/api/v1/projects/", {"year": 1990}).json()["count"] == 0
    assert api.get("/api/v1/tables/", {"project": 10**17}).json()["count"] == 0


def test_the_schema_describes_each_filter_with_its_type(client, wuhan):
    client.force_login(wuhan)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/rows/"]["get"]["parameters"]}
    assert params["year"]["schema"]["type"] == "integer" and params["table"]["schema"]["type"] == "integer"
    assert "submitted" in params["status"]["schema"]["enum"]

"""Uploads as hostile input: who may import at all, a damaged template's identification,
and files built to exhaust the server, each refused with a Chinese message and nothing changed."""

import io
import json

import pytest
from django.urls import reverse

from reports.importers import META_SHEET
from targets.models import TargetTable

from . import import_corpus as corpus
from .test_imports import _state

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return TargetTable.objects.get(title__contains="市州类")


def _upload(client, name: str, data: bytes):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(reverse("reports:import_upload"), {"file": upload})


# --- who may import -------------------------------------------------------------------------------


def test_the_observer_is_offered_no_import_and_is_refused_it_on_the_server(client, observer, region, open_table):
    client.force_login(observer)
    home = client.get(reverse("home")).content.decode()
    grid = client.get(reverse("targets:table_grid", args=[region.pk])).content.decode()
    for page in (home, grid):
        assert "导入 Excel/Word" not in page and "下载填报模板" not in page
        assert reverse("reports:import_upload") not in page
    assert client.get(reverse("reports:import_upload")).status_code == 403
    assert client.get(reverse("reports:table_template", args=[region.pk])).status_code == 403
    before = _state()
    assert _upload(client, "x.xlsx", corpus.template(region, observer)).status_code == 403
    assert _state() == before


def test_a_filler_and_the_admin_are_still_offered_the_import(client, wuhan, admin_user, region, open_table):
    for user in (wuhan, admin_user):
        client.force_login(user)
        grid = client.get(reverse("targets:table_grid", args=[region.pk])).content.decode()
        assert "下载填报模板" in grid and reverse("reports:import_upload") in grid
    assert "导入 Excel/Word" in client.get(reverse("home")).content.decode()


# --- a damaged _meta sheet ------------------------------------------------------------------------

BROKEN_META = [
    ("not-json", "请勿修改"),
    ("a-list", "[1, 2]"),
    ("a-number", "5"),
    ("rows-missing", '{"table": 1}'),
    ("table-missing", '{"rows": {}}'),
    ("rows-a-list", '{"table": 1, "rows": [1]}'),
    ("version-too-large", '{"table": 1, "rows": {"ROW": 1e309}}'),
    ("version-a-string", '{"table": 1, "rows": {"ROW": "1"}}'),
    ("version-a-bool", '{"table": 1, "rows": {"ROW": true}}'),
    ("version-negative", '{"table": 1, "rows": {"ROW": -1}}'),
    ("version-a-float", '{"table": 1, "rows": {"ROW": 1.5}}'),
    ("row-not-a-number", '{"table": 1, "rows": {"武汉": 1}}'),
    ("row-id-huge", '{"table": 1, "rows": {"' + "9" * 40 + '": 1}}'),
    ("table-a-dict", '{"table": {}, "rows": {"ROW": 1}}'),
    ("nan", '{"table": 1, "rows": {"ROW": NaN}}'),
]


@pytest.mark.parametrize(("case", "text"), BROKEN_META, ids=[c[0] for c in BROKEN_META])
def test_a_damaged_template_identification_is_refused_with_400_and_changes_nothing(
        case, text, client, wuhan, region, open_table):
    template = corpus.template(region, wuhan)
    row_id = next(iter(json.loads(_meta_text(template))["rows"]))

    def damage(workbook):
        workbook[META_SHEET]["A1"] = text.replace("ROW", row_id)
        workbook.worksheets[0]["C5"] = 777
    data = corpus.edit(template, damage)
    client.force_login(wuhan)
    before = _state()
    response = _upload(client, "模板.xlsx", data)
    assert response.status_code == 400
    assert "模板的识别信息已损坏" in response.content.decode()
    assert _state() == before


def _meta_text(data: bytes) -> str:
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))[META_SHEET]["A1"].value

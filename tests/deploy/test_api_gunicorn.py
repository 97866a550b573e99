"""The API in the production shape: gunicorn, DEBUG off, a token from the command, the Swagger UI's
files collected and served by WhiteNoise (no CDN: the intranet has no internet)."""

import re

import httpx
import pytest

from .server import gunicorn, logged_in, manage


@pytest.fixture(scope="module")
def server(tmp_path_factory, seeded_sqlite):
    with gunicorn(tmp_path_factory.mktemp("gunicorn-api"), seeded_sqlite) as (base, env):
        yield base, env


def test_a_token_from_the_command_reads_the_units_rows_under_gunicorn(server):
    base, env = server
    token = manage(env, "create_api_token", "wuhan").strip()
    # 2022: the seed's year (the demo's copy into 2023 holds a row of 武汉市 too)
    rows = f"{base}/api/v1/rows/?year=2022"
    response = httpx.get(rows, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert response.status_code == 200
    assert [r["unit"] for r in response.json()["results"]] == ["武汉市"]
    refused = httpx.get(f"{base}/api/v1/rows/", headers={"Authorization": "Token 0000.nope"}, timeout=30)
    assert refused.status_code == 401 and refused.json()["detail"] == "令牌无效或已被吊销"


def test_the_swagger_ui_and_its_files_are_served_from_our_own_static_files(server):
    base, _env = server
    client = logged_in(base, "wuhan")
    page = client.get("/api/docs/")
    assert page.status_code == 200
    files = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
    assert any("swagger-ui-bundle" in f for f in files) and any(f.endswith(".css") for f in files)
    assert not re.search(r'(?:src|href)="https?://', page.text)
    for path in files:
        response = client.get(path)
        assert response.status_code == 200, path
    schema = client.get("/api/schema/", headers={"Accept": "application/json"})
    assert schema.status_code == 200 and "/api/v1/rows/{id}/" in schema.json()["paths"]

"""The production shape works end to end: gunicorn, DEBUG off, static files from collectstatic."""

import re

import pytest

from .server import gunicorn, logged_in


@pytest.fixture(scope="module")
def server(tmp_path_factory, seeded_sqlite):
    with gunicorn(tmp_path_factory.mktemp("gunicorn"), seeded_sqlite) as (base, _env):
        yield base


def test_gunicorn_with_production_settings_serves_the_grid_with_its_js_and_css(server):
    client = logged_in(server, "wuhan")
    home = client.get("/")
    assert home.status_code == 200
    grid_url = re.search(r'href="(/tables/\d+/grid/)"', home.text).group(1)

    grid = client.get(grid_url)
    assert grid.status_code == 200 and "text/html" in grid.headers["content-type"]
    script = re.search(r'<script src="(/static/js/grid\.[0-9a-f]{12}\.js)"', grid.text).group(1)
    style = re.search(r'<link rel="stylesheet" href="(/static/css/app\.[0-9a-f]{12}\.css)"', grid.text).group(1)

    js = client.get(script)
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert "fetch(" in js.text
    css = client.get(style)
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "max-age" in css.headers.get("cache-control", "")  # hashed names are cached for good


def test_the_unhashed_names_the_issue_reported_as_404_are_served_too(server):
    for path, kind in (("/static/js/grid.js", "javascript"), ("/static/css/app.css", "text/css")):
        response = logged_in(server, "wuhan").get(path)
        assert response.status_code == 200 and kind in response.headers["content-type"], path


def test_an_unknown_page_is_the_chinese_404_under_gunicorn(server):
    response = logged_in(server, "wuhan").get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.text

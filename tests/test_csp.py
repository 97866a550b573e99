"""The Content-Security-Policy: scripts and styles from our files only. Every response carries it
(pages, error pages, the API docs), and no template holds what it would refuse (an inline script,
an event handler attribute, a style attribute). tests/e2e/test_csp_browser.py loads the pages in
Chromium and sees no violation."""

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
# A <script> with a src, or one of data (json_script writes type="application/json", not run).
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I | re.S)


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


def _strict(policy):
    assert policy["script-src"] == ["'self'"], policy
    assert "'unsafe-inline'" not in policy["style-src"] and "'unsafe-eval'" not in policy["style-src"], policy
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_no_template_holds_an_inline_script_handler_or_style_attribute(template):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "move the script into a file under static/js/"
    assert not HANDLER.search(text), "use addEventListener in a file under static/js/ (or data-* attributes)"
    assert not STYLE_ATTRIBUTE.search(text), "use a class in static/css/ (or data-width, static/js/page.js)"
    if template.name != "_standalone.html":
        assert "<style" not in text, "use a stylesheet under static/css/"


@pytest.mark.parametrize("source", sorted((ROOT / "static" / "js").glob("*.js")), ids=lambda p: p.name)
def test_no_script_of_ours_writes_what_the_policy_refuses(source):
    text = source.read_text(encoding="utf-8")
    assert not re.search(r"setAttribute\(\s*[\"'](style|on[a-z]+)[\"']", text)
    assert not re.search(r"\beval\(|new Function\(", text)
    assert not re.search(r"innerHTML\s*=\s*[^\"'\s;]", text), "innerHTML only to clear: build nodes instead"


@pytest.mark.parametrize(
    "url, user",
    [
        ("/accounts/login/", None),
        ("home", "wuhan"),
        ("grid", "wuhan"),
        ("api:docs", "wuhan"),
        ("/no-such-page/", "wuhan"),
        ("admin:index", "admin_user"),
    ],
)
def test_every_page_carries_the_strict_policy(client, request, open_table, url, user):
    if user:
        client.force_login(request.getfixturevalue(user))
    if url == "grid":
        url = reverse("targets:table_grid", args=[open_table.pk])
    elif not url.startswith("/"):
        url = reverse(url)
    response = client.get(url)
    assert response.status_code in (200, 404)
    _strict(_policy(response))


def test_the_api_docs_init_script_is_a_file_the_policy_allows(client, wuhan):
    client.force_login(wuhan)
    page = client.get(reverse("api:docs")).content.decode()
    assert not INLINE_SCRIPT.search(page) and "<style" not in page
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_error_pages_inline_style_is_allowed_by_its_hash_and_nothing_else(client):
    page = render_to_string("500.html")
    [style] = re.findall(r"<style>(.*?)</style>", page, re.S)
    digest = "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
    policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert policy["style-src"] == ["'self'", digest]
    assert not INLINE_SCRIPT.search(page)


def test_the_busy_page_carries_the_policy(client, monkeypatch):
    from django.db import OperationalError

    import reports.views

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(reports.views, "project_overview", busy)
    client.force_login(_user())
    response = client.get(reverse("home"))
    assert response.status_code == 503
    _strict(_policy(response))


def _user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("csp-busy", password="x-pass-2022!")

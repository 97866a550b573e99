"""The OpenAPI schema validates without a warning; its Swagger UI loads only files of our own."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings():
    # --fail-on-warn: a view the generator cannot describe fails here (and in CI, .ci/run).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stdout=StringIO())


def test_the_schema_lists_every_v1_route_with_the_token_scheme(client, wuhan):
    client.force_login(wuhan)
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    paths = set(schema["paths"])
    assert "/api/v1/rows/{id}/" in paths and "/api/v1/cells/" in paths
    assert {p for p in paths if not p.startswith("/api/v1/")} == set()


def test_the_swagger_page_loads_its_files_from_our_static_files_only(client, wuhan, settings):
    client.force_login(wuhan)
    page = client.get(reverse("api:docs")).content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', page) + re.findall(r'"(https?://[^"]+)"', page)
    assert urls, page
    assert "swagger-ui-bundle.js" in page
    # The page's init script is this same URL's `?script=` (a file, for the Content-Security-Policy).
    own = {reverse("api:schema"), reverse("api:docs") + "?script="}
    outside = [u for u in urls if not u.startswith("/" + settings.STATIC_URL.lstrip("/")) and u not in own]
    assert outside == []
    assert "cdn" not in page.lower()


def test_the_swagger_files_are_collected_for_whitenoise(tmp_path, settings):
    settings.STATIC_ROOT = str(tmp_path)
    call_command("collectstatic", "--noinput", stdout=StringIO())
    assert (tmp_path / "drf_spectacular_sidecar" / "swagger-ui-dist" / "swagger-ui-bundle.js").exists()

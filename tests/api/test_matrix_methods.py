"""Every method an API view answers is in the security matrix (tests/api/matrix.py), not only its URL."""

from django.urls import URLPattern, get_resolver

from api import urls

from .matrix import API_MATRIX, PAGE_ROUTES


def _handled_methods(pattern: URLPattern) -> set[str]:
    view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
    if view is None:
        return set()
    return {m.upper() for m in view.http_method_names if hasattr(view, m) and m not in ("options", "head")}


def test_every_method_of_every_api_view_is_in_the_matrix():
    missing = []
    for pattern in urls.urlpatterns:
        name = f"api:{pattern.name}"
        if name in PAGE_ROUTES:
            continue
        for method in _handled_methods(pattern):
            if (name, method) not in API_MATRIX:
                missing.append((name, method))
    assert missing == []


def test_the_api_urls_are_mounted():
    assert get_resolver().resolve("/api/v1/rows/1/").url_name == "row"

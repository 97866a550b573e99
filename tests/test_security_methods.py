"""Every URL of the matrices (tests/test_security_matrix.py, tests/api/matrix.py), asked with each
HTTP method it does not take: GET, POST, PUT, PATCH, DELETE. A method a URL does not take answers
405 (or a login redirect, 401, 403 or 404 to whoever may not see it), never 200, a redirect
elsewhere, 400 or 500, and changes nothing: every table's fingerprint (tests/fingerprint.py) and
the matrix's row stay as they were.

Walked as the anonymous visitor, the superuser (who passes every permission check, so reaches the
method check of every view), the project's reviewer and the 武汉市 filler (who owns the matrix's
row, job, import and notification)."""

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.matrix import API_MATRIX, PAGE_ROUTES
from tests.fingerprint import changed, fingerprint
from tests.test_security_matrix import MATRIX, _row_state, cast, objects  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
SWEEP_ROLES = ("anonymous", "admin", "reviewer", "wuhan")
REFUSALS = (401, 403, 404, 405)
# Methods a page takes besides the one its matrix entry walks, each with why. They are asked too, and
# must not answer 500; what they do is tested where the page is.
FORM = "the page's form posts to its own URL"
FORM_VIEW = "Django's FormView answers PUT as POST: the same form, the same checks"
ADMIN = "Django's admin index renders for any method, to superusers only (the rest: a login redirect)"
RESET_LINK = "Django's reset link is checked before the method: a bad link renders its notice for any method"
ALSO_TAKES = {
    "login": {"POST": FORM, "PUT": FORM_VIEW},
    "password_change": {"POST": FORM, "PUT": FORM_VIEW},
    "password_reset": {"POST": FORM, "PUT": FORM_VIEW},
    "password_reset_confirm": {"POST": FORM, "PUT": FORM_VIEW, "PATCH": RESET_LINK, "DELETE": RESET_LINK},
    "admin:index": dict.fromkeys(("POST", "PUT", "PATCH", "DELETE"), ADMIN),
    "projects:edit": {"POST": FORM},
    "targets:table_edit": {"POST": FORM},
    "reports:import_upload": {"POST": "the upload"},
    "projects:new": {"POST": FORM},
    "projects:agreement_format": {"POST": FORM},
    "monitoring:scoring_check": {"POST": "the pasted or uploaded cases, scored"},
}


def _taken(name: str) -> set[str]:
    """The methods a URL takes besides the matrix's own: ALSO_TAKES for a page, the API matrix's for a route."""
    if name in MATRIX:
        return set(ALSO_TAKES.get(name, {}))
    return {method for route, method in API_MATRIX if route == name}


def _object(name: str) -> str | None:
    if name in MATRIX:
        return MATRIX[name][1]
    return next(obj for (route, _method), (obj, _answers) in API_MATRIX.items() if route == name)


ALL_NAMES = sorted(set(MATRIX) | {route for route, _method in API_MATRIX})


def _send(client, method: str, url: str, data: dict):
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, data)
    return client.generic(method, url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded")


def _refused(response) -> bool:
    if response.status_code == 302:
        return "/login/" in response.url
    return response.status_code in REFUSALS


@pytest.mark.parametrize("name", ALL_NAMES)
def test_a_method_the_url_does_not_take_is_refused_and_changes_nothing(name, cast, objects, wuhan_row):
    declared = {MATRIX[name][0]} if name in MATRIX else set()
    others = [m for m in METHODS if m not in _taken(name) | declared]
    if _object(name) == "token":  # one of wuhan's API tokens, as in the API matrix
        from api.services import api_token_create

        objects = {**objects, "token": [api_token_create(user=cast["wuhan"], name="矩阵")[0].pk]}
    url = reverse(name, args=objects[_object(name)])
    data = {"version": "1", "comment": "请修改", "reason": "复核", "rows": [wuhan_row.pk], "name": "矩阵"}
    wrong = []
    for role in SWEEP_ROLES:
        client = Client()
        if cast[role] is not None:
            client.force_login(cast[role])
        for method in others:
            row, tables = _row_state(wuhan_row.pk), fingerprint()
            response = _send(client, method, url, data)
            if method in _taken(name):  # also taken (ALSO_TAKES): answered, never by an error
                if response.status_code >= 500:
                    wrong.append((role, method, response.status_code, []))
                continue
            moved = changed(tables, fingerprint())
            if not _refused(response) or moved or _row_state(wuhan_row.pk) != row:
                wrong.append((role, method, response.status_code, sorted(moved)))
    assert wrong == [], name


def test_every_matrix_url_is_swept():
    assert set(ALL_NAMES) >= set(MATRIX) and {route for route, _m in API_MATRIX} <= set(ALL_NAMES)
    assert set(ALSO_TAKES) <= set(MATRIX) and PAGE_ROUTES <= set(ALL_NAMES)


def test_every_function_view_declares_its_methods():
    """Function views say which methods they take (require_POST, require_safe, require_http_methods):
    the sweep above reaches a view only as far as some role gets; this reads every one."""
    import inspect

    from django.urls import URLPattern, URLResolver, get_resolver

    def views(resolver):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace != "admin":
                    yield from views(entry)
            elif isinstance(entry, URLPattern):
                if not hasattr(entry.callback, "view_class") and not hasattr(entry.callback, "cls"):
                    yield entry.callback

    undeclared = []
    for view in views(get_resolver()):
        function = inspect.unwrap(view)
        lines, _start = inspect.getsourcelines(function)
        decorators = "".join(line for line in lines if line.lstrip().startswith("@"))
        if "require_" not in decorators:
            undeclared.append(f"{function.__module__}.{function.__name__}")
    assert undeclared == []

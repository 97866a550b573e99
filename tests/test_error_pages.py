"""Error pages are the product's own, in Chinese, and tell nothing a user may not know."""

import json
import re

from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from targets.models import TableRow


def test_a_forbidden_row_and_a_missing_row_get_the_same_chinese_404(client, wuhan, hubei):
    client.force_login(wuhan)
    yichang_row = TableRow.objects.get(table__project=hubei, unit__name="宜昌市")
    missing_pk = TableRow.objects.order_by("-pk").first().pk + 1000

    forbidden = client.get(reverse("targets:row", args=[yichang_row.pk]))
    missing = client.get(reverse("targets:row", args=[missing_pk]))

    assert forbidden.status_code == missing.status_code == 404
    assert "页面不存在" in forbidden.content.decode()
    assert _without_csrf_tokens(forbidden) == _without_csrf_tokens(missing)


def _without_csrf_tokens(response) -> str:
    # The logout form's token is masked afresh on every page; everything else must match.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_a_refused_action_gets_the_chinese_403_page(client, observer, wuhan_row):
    client.force_login(observer)
    response = client.post(reverse("targets:row_submit", args=[wuhan_row.pk]))
    assert response.status_code == 403
    assert "无权操作" in response.content.decode()
    assert "绩效目标管理" in response.content.decode()  # inside the product's own layout


def test_a_csrf_refusal_explains_itself_in_chinese(wuhan, wuhan_row):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(wuhan)
    response = client.post(reverse("targets:row_submit", args=[wuhan_row.pk]))
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_the_500_page_is_chinese_and_needs_no_context(db):
    assert "服务器内部错误" in get_template("500.html").render()
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "服务器内部错误" in response.content.decode()


def test_a_database_lock_is_a_503_in_chinese_but_a_real_database_error_stays_a_500():
    from django.db import OperationalError

    from config.middleware import DatabaseBusyMiddleware

    middleware = DatabaseBusyMiddleware(lambda request: None)
    request = RequestFactory().post("/rows/1/cells/", data="{}", content_type="application/json")
    busy = middleware.process_exception(request, OperationalError("database is locked"))
    assert busy.status_code == 503 and "系统繁忙" in json.loads(busy.content)["message"] and busy["Retry-After"]
    page = middleware.process_exception(
        RequestFactory().post("/rows/1/submit/"), OperationalError("database is locked")
    )
    assert page.status_code == 503 and "系统繁忙" in page.content.decode()
    assert middleware.process_exception(request, OperationalError("no such table: targets_cell")) is None


def test_a_lock_met_outside_a_view_is_a_503_and_anything_else_the_500_page():
    from django.db import OperationalError

    from config.middleware import server_error as handler

    request = RequestFactory().get("/")
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        busy = handler(request)
    assert busy.status_code == 503 and "系统繁忙" in busy.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        crash = handler(request)
    assert crash.status_code == 500 and "服务器内部错误" in crash.content.decode()

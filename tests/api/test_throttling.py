"""Requests are counted per token (per user in the browser): one client over its rate waits, others do not."""

import pytest
from rest_framework.test import APIClient

from .conftest import token_client

pytestmark = pytest.mark.django_db


def test_a_token_over_its_rate_gets_a_429_in_chinese_and_another_token_does_not(settings, wuhan, outsider):
    settings.API_THROTTLE_RATE = "3/min"
    first, second_of_same_user, other = token_client(wuhan), token_client(wuhan), token_client(outsider)
    assert [first.get("/api/v1/rows/").status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get("/api/v1/rows/")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("请求过于频繁")
    assert int(refused.headers["Retry-After"]) > 0
    # Per token: the same user's other token, and another user's, still have their own counts.
    assert second_of_same_user.get("/api/v1/rows/").status_code == 200
    assert other.get("/api/v1/rows/").status_code == 200


def test_the_browser_session_is_counted_per_user(settings, wuhan):
    settings.API_THROTTLE_RATE = "2/min"
    browser = APIClient()
    browser.force_login(wuhan)
    assert [browser.get("/api/v1/projects/").status_code for _ in range(3)] == [200, 200, 429]

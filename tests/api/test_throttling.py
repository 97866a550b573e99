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


def test_a_user_cannot_multiply_the_rate_by_making_tokens(client, wuhan):
    """The rate is per token: the number of active tokens a user holds is capped (a revoked one frees a place)."""
    from api.models import ApiToken
    from api.services import MAX_ACTIVE_TOKENS

    client.force_login(wuhan)
    for n in range(MAX_ACTIVE_TOKENS):
        assert client.post("/account/api-tokens/", {"name": f"脚本{n}"}).status_code == 200
    refused = client.post("/account/api-tokens/", {"name": "又一个"})
    assert refused.status_code == 400 and "最多同时持有 10 个有效令牌" in refused.content.decode()
    assert ApiToken.objects.filter(user=wuhan).count() == MAX_ACTIVE_TOKENS
    first = ApiToken.objects.filter(user=wuhan).first()
    client.post(f"/account/api-tokens/{first.pk}/revoke/")
    assert client.post("/account/api-tokens/", {"name": "替换"}).status_code == 200

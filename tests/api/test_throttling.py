"""Requests are counted per user, whatever they present (each token, the session): one user over the
rate waits, others do not; making tokens neither multiplies the rate nor goes on without end."""

import pytest
from rest_framework.test import APIClient

from api.models import ApiToken

from .conftest import token_client

pytestmark = pytest.mark.django_db


def test_a_user_over_the_rate_gets_a_429_in_chinese_and_another_user_does_not(settings, wuhan, outsider):
    settings.API_THROTTLE_RATE = "3/min"
    first, other = token_client(wuhan), token_client(outsider)
    assert [first.get("/api/v1/rows/").status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get("/api/v1/rows/")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("请求过于频繁")
    assert int(refused.headers["Retry-After"]) > 0
    assert other.get("/api/v1/rows/").status_code == 200


def test_the_users_tokens_and_session_share_one_count(settings, wuhan):
    """With 10 tokens and the session a user had 11 times the rate."""
    settings.API_THROTTLE_RATE = "4/min"
    tokens = [token_client(wuhan) for _ in range(3)]
    browser = APIClient()
    browser.force_login(wuhan)
    answers = [c.get("/api/v1/projects/").status_code for c in [*tokens, browser, *tokens, browser]]
    assert answers == [200] * 4 + [429] * 4


def test_a_revoked_and_remade_token_starts_no_new_count(settings, client, wuhan):
    settings.API_THROTTLE_RATE = "2/min"
    api = token_client(wuhan)
    assert [api.get("/api/v1/rows/").status_code for _ in range(3)] == [200, 200, 429]
    ApiToken.objects.filter(user=wuhan).update(revoked_at="2022-01-01T00:00:00+08:00")
    assert token_client(wuhan).get("/api/v1/rows/").status_code == 429


def test_the_window_slides_and_refused_requests_do_not_count(settings, monkeypatch, wuhan):
    """2/min: two at the end of one minute, and the next minute a third only once a third of it is
    left of the last one's weight; the four refused at first do not count against it."""
    import api.throttling

    settings.API_THROTTLE_RATE = "2/min"
    api_client = token_client(wuhan)
    start = 1_800_000_000 - 1_800_000_000 % 60  # the start of a minute
    monkeypatch.setattr(api.throttling.time, "time", lambda: start + 59)
    assert [api_client.get("/api/v1/rows/").status_code for _ in range(6)] == [200, 200, 429, 429, 429, 429]
    monkeypatch.setattr(api.throttling.time, "time", lambda: start + 60 + 10)  # 2 × 50/60 + 1 > 2
    refused = api_client.get("/api/v1/rows/")
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 50
    monkeypatch.setattr(api.throttling.time, "time", lambda: start + 60 + 40)  # 2 × 20/60 + 1 ≤ 2
    assert [api_client.get("/api/v1/rows/").status_code for _ in range(2)] == [200, 429]


def test_a_user_cannot_hold_more_than_ten_active_tokens(client, wuhan):
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


def test_token_creation_is_capped_per_day_revoking_does_not_reset_it(settings, client, wuhan):
    settings.API_TOKENS_PER_DAY = 4
    client.force_login(wuhan)
    for n in range(4):
        assert client.post("/account/api-tokens/", {"name": f"脚本{n}"}).status_code == 200
        token = ApiToken.objects.filter(user=wuhan).latest("pk")
        client.post(f"/account/api-tokens/{token.pk}/revoke/")
    refused = client.post("/account/api-tokens/", {"name": "第五个"})
    assert refused.status_code == 400
    assert "24 小时内最多创建 4 个令牌" in refused.content.decode()
    assert ApiToken.objects.filter(user=wuhan).count() == 4
    # A day later the oldest no longer counts.
    from datetime import timedelta

    from django.utils import timezone

    oldest = ApiToken.objects.filter(user=wuhan).earliest("pk")
    ApiToken.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    assert client.post("/account/api-tokens/", {"name": "第五个"}).status_code == 200

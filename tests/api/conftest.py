"""Tokens for the cast, and clients that present them."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.services import api_token_create
from targets.models import TableRow
from targets.workflow import table_open
from tests.conftest import _member
from units.models import Role


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counts live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def token_client(user, keyword: str = "Token") -> APIClient:
    _token, text = api_token_create(user=user, name="测试")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {text}")
    client.token_text = text
    return client


@pytest.fixture
def wuhan_api(wuhan):
    return token_client(wuhan)


@pytest.fixture
def reviewer_api(reviewer):
    return token_client(reviewer)


@pytest.fixture
def wtu_row(hubei, admin_user):
    """武汉轻工大学's row of the 高校院所 table (whose columns take `≥50件`), the table open."""
    row = TableRow.objects.get(table__project=hubei, unit__name="武汉轻工大学")
    table_open(table_id=row.table_id, actor=admin_user, deadline=None)
    return row


@pytest.fixture
def wtu_api(db):
    return token_client(_member("t-wtu", "武汉轻工大学", Role.FILLER))

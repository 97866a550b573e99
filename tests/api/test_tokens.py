"""Tokens: stored as a keyed hash only, shown once, revocable, their use noted."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import api_token_create, api_token_revoke, token_digest
from units.models import AuditEntry

from .conftest import token_client

pytestmark = pytest.mark.django_db


def test_the_secret_is_kept_only_as_its_keyed_hash(wuhan):
    token, text = api_token_create(user=wuhan, name="预算系统")
    prefix, secret = text.split(".")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert stored["prefix"] == prefix
    assert stored["digest"] == token_digest(secret) != secret
    assert not any(secret in str(value) for value in stored.values())
    assert not AuditEntry.objects.filter(object_type="api.ApiToken", object_label__contains=secret).exists()


@pytest.mark.parametrize("keyword", ["Token", "Bearer"])
def test_a_token_authenticates_its_user_and_notes_its_use(wuhan, keyword):
    api = token_client(wuhan, keyword)
    response = api.get("/api/v1/rows/")
    assert response.status_code == 200
    token = ApiToken.objects.get(user=wuhan)
    assert token.last_used_at is not None and (timezone.now() - token.last_used_at).total_seconds() < 60


def test_a_wrong_secret_a_revoked_token_and_an_inactive_user_are_refused_in_chinese(wuhan):
    api = token_client(wuhan)
    prefix = api.token_text.split(".")[0]
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION=f"Token {prefix}.not-the-secret")
    response = wrong.get("/api/v1/rows/")
    assert response.status_code == 401 and response.json()["detail"] == "令牌无效或已被吊销"
    assert response.headers["WWW-Authenticate"] == "Token"

    assert api.get("/api/v1/rows/").status_code == 200
    api_token_revoke(token_id=ApiToken.objects.get(prefix=prefix).pk, actor=wuhan)
    assert api.get("/api/v1/rows/").status_code == 401

    again = token_client(wuhan)
    wuhan.is_active = False
    wuhan.save()
    assert again.get("/api/v1/rows/").status_code == 401


def test_no_credentials_is_a_401_in_chinese():
    response = APIClient().get("/api/v1/projects/")
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


def test_the_command_prints_a_new_token_once_and_it_works(wuhan):
    out = StringIO()
    call_command("create_api_token", "t-wuhan", "--name", "预算系统", stdout=out)
    text = out.getvalue().strip()
    assert re.fullmatch(r"[0-9a-f]{8}\.[A-Za-z0-9_-]{40,}", text)
    token = ApiToken.objects.get(user=wuhan)
    assert token.name == "预算系统" and text.split(".")[1] not in token.digest
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {text}")
    assert api.get("/api/v1/rows/").status_code == 200


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="没有找到用户"):
        call_command("create_api_token", "nobody", stdout=StringIO())


def test_the_token_page_shows_a_new_token_once_and_revokes_it(client, wuhan):
    client.force_login(wuhan)
    created = client.post(reverse("api:tokens"), {"name": "预算系统"})
    text = re.search(r"<code>([0-9a-f]{8}\.[^<]+)</code>", created.content.decode()).group(1)
    listing = client.get(reverse("api:tokens")).content.decode()
    assert "预算系统" in listing and text not in listing and text.split(".")[0] in listing

    token = ApiToken.objects.get(user=wuhan)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api.token.revoked", object_id=str(token.pk)).exists()


def test_another_users_token_cannot_be_revoked(client, wuhan, outsider):
    token, _text = api_token_create(user=wuhan, name="预算系统")
    client.force_login(outsider)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_admin_creates_a_token_for_a_user_and_sees_it_once(client, admin_user, wuhan):
    client.force_login(admin_user)
    response = client.post(reverse("admin:api_apitoken_add"), {"user": wuhan.pk, "name": "对接"}, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get(user=wuhan)
    page = response.content.decode()
    assert f"{token.prefix}." in page  # in the one-off message
    again = client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert f"{token.prefix}." not in again


def test_an_admin_revokes_a_users_token_with_the_admin_action(client, admin_user, wuhan):
    token, text = api_token_create(user=wuhan, name="对接")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {text}")
    assert api.get("/api/v1/rows/").status_code == 401
    assert AuditEntry.objects.filter(action="api.token.revoked", actor=admin_user).exists()

"""修改密码 and 找回密码 in the app's own look: a unit's filler never lands on Django's admin pages."""

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

ADMIN_MARKS = ("Django 管理", "Django administration", 'href="/admin/"')


def _no_admin_look(html: str):
    assert not any(mark in html for mark in ADMIN_MARKS)
    assert "绩效目标管理" in html and "/static/css/app.css" in html


def test_the_top_bar_offers_password_change_and_its_pages_are_the_app_s(client, wuhan):
    client.force_login(wuhan)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("password_change")}">修改密码' in home
    page = client.get(reverse("password_change")).content.decode()
    _no_admin_look(page)
    assert "原密码" in page and "确认新密码" in page
    response = client.post(
        reverse("password_change"),
        {"old_password": "test-pass-2022!", "new_password1": "Xin-mima-2024!", "new_password2": "Xin-mima-2024!"},
        follow=True,
    )
    _no_admin_look(response.content.decode())
    assert "密码已修改" in response.content.decode()
    wuhan.refresh_from_db()
    assert wuhan.check_password("Xin-mima-2024!")


def test_a_wrong_old_password_is_said_in_chinese_and_nothing_changes(client, wuhan):
    client.force_login(wuhan)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "Xin-mima-2024!", "new_password2": "Xin-mima-2024!"},
    )
    assert response.status_code == 200 and "旧密码不正确" in response.content.decode()
    wuhan.refresh_from_db()
    assert wuhan.check_password("test-pass-2022!")


def test_a_password_is_reset_by_e_mail_in_the_app_s_look(client, wuhan):
    wuhan.email = "wuhan@example.cn"
    wuhan.save()
    login = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login
    _no_admin_look(client.get(reverse("password_reset")).content.decode())
    done = client.post(reverse("password_reset"), {"email": "wuhan@example.cn"}, follow=True)
    _no_admin_look(done.content.decode())
    assert "请查收邮件" in done.content.decode()
    message = mail.outbox[-1]
    assert message.subject == "【绩效目标管理】重设密码" and "用户名：t-wuhan" in message.body
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", message.body)[1]
    form = client.get(link, follow=True)
    _no_admin_look(form.content.decode())
    assert "设置新密码" in form.content.decode()
    complete = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Chong-she-2024!", "new_password2": "Chong-she-2024!"},
        follow=True,
    )
    _no_admin_look(complete.content.decode())
    assert "密码已重设" in complete.content.decode()
    wuhan.refresh_from_db()
    assert wuhan.check_password("Chong-she-2024!")
    # The link works once.
    again = client.get(link, follow=True).content.decode()
    assert "链接无效或已过期" in again

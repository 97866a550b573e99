"""A refused 任务书 section comes back as it was typed, each error beside its field, nothing saved."""

import re

import pytest

from .test_agreements import BASIC, BUDGET, _save, _staff, agreement, platform_filler  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _beside(page: str, name: str, value: str, error: str) -> bool:
    """The input `name` shows `value` and is followed, in its own cell, by `error`."""
    pattern = rf'<input[^>]*name="{re.escape(name)}"[^>]*value="{re.escape(value)}"[^>]*>\s*<span class="field-error">[^<]*{re.escape(error)}'
    return re.search(pattern, page) is not None


def test_a_refused_basic_section_keeps_what_was_typed(client, agreement, platform_filler):
    client.force_login(platform_filler)
    response = _save(
        client, agreement, "basic", {**BASIC, "undertaker_email": "lihua-at-example", "p-2-contact": "赵六"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'name="undertaker_leader" value="张明"' in page and 'value="027-87654321"' in page
    assert _beside(page, "undertaker_email", "lihua-at-example", "电子邮箱格式不正确")
    assert 'value="华中科技大学"' in page
    assert _beside(page, "p-2-name", "", "参与单位2：请填写单位名称")
    assert 'value="赵六"' in page
    agreement.refresh_from_db()
    assert (agreement.undertaker_leader, agreement.version) == ("", 1)


def test_a_refused_budget_keeps_the_typed_amounts_with_the_error_beside_the_wrong_one(
    client, agreement, platform_filler
):
    client.force_login(platform_filler)
    response = _save(client, agreement, "budget", {**BUDGET, "a-1-amount": "一百二"})
    page = response.content.decode()
    assert response.status_code == 400
    assert _beside(page, "a-1-amount", "一百二", "湖北省知识产权发展中心金额应填写数字，“一百二”不是数字")
    assert 'name="source-special" value="160"' in page and 'value="平台功能开发"' in page and 'value="68"' in page
    assert not agreement.allocations.exists()


def test_a_refused_staff_list_keeps_every_person_typed(client, agreement, platform_filler):
    client.force_login(platform_filler)
    response = _save(client, agreement, "staff", {**_staff("leader", "finance"), "s-2-age": "二十"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="人员1"' in page and 'value="人员2"' in page
    assert _beside(page, "s-2-age", "二十", "第2人：年龄应为 16 到 100 的整数")
    assert not agreement.staff.exists()


def test_a_refused_annex_keeps_the_typed_values(client, agreement, platform_filler):
    client.force_login(platform_filler)
    metric = agreement.metrics.order_by("order").first()
    year = agreement.years[0]
    other = agreement.metrics.order_by("order")[1]
    response = _save(client, agreement, "annex", {f"m-{metric.pk}-{year}": "很多", f"m-{other.pk}-{year}": "12"})
    page = response.content.decode()
    assert response.status_code == 400
    assert _beside(page, f"m-{metric.pk}-{year}", "很多", "不是数字")
    assert f'name="m-{other.pk}-{year}" value="12"' in page

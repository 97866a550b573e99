"""The 任务书 sections as forms: plain data for the services, each error keyed by its posted field."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse

from projects.agreements.forms import FieldErrors, parse_section

from .test_agreements import BUDGET, _staff, agreement, platform_filler  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _post(data: dict) -> QueryDict:
    post = QueryDict(mutable=True)
    post.update(data)
    return post


def test_a_budget_becomes_plain_data_blank_rows_skipped(agreement):
    parsed = parse_section(
        "budget", _post({**BUDGET, "a-51-party": "", "e-52-is_equipment": "on"}), agreement, locked=True
    )
    assert parsed["sources"] == {"special": Decimal(160), "self": Decimal(40), "other": None}
    assert [a["amount"] for a in parsed["allocations"]] == [Decimal(120), Decimal(40)]
    assert [(e["content"], e["is_equipment"]) for e in parsed["expenses"]] == [
        ("平台功能开发", True),
        ("专题培训", False),
        ("对接活动", False),
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("age", "15", "第2人：年龄应为 16 到 100 的整数"),
        ("age", "101", "第2人：年龄应为 16 到 100 的整数"),
        ("age", "", "第2人：年龄应为 16 到 100 的整数"),
        ("months_per_year", "13", "第2人：工作时间（月/年）应为 1 到 12 的整数"),
        ("gender", "其他", "第2人：性别应为男或女"),
        ("role", "boss", "第2人：请选择任务角色"),
        ("name", "", "第2人：请填写姓名"),
    ],
)
def test_each_staff_rule_refuses_with_the_persons_number(agreement, field, value, message):
    with pytest.raises(FieldErrors) as refused:
        parse_section("staff", _post({**_staff("leader", "finance"), f"s-2-{field}": value}), agreement, locked=True)
    assert refused.value.errors == {f"s-2-{field}": message}


def test_staff_become_plain_data_with_whole_numbers(agreement):
    parsed = parse_section("staff", _post(_staff("leader", "finance")), agreement, locked=True)
    assert [(p["name"], p["age"], p["months_per_year"], p["role"]) for p in parsed["staff"]] == [
        ("人员1", 40, 6, "leader"),
        ("人员2", 40, 6, "finance"),
    ]


def test_a_unit_may_not_change_the_bureaus_code_but_the_bureau_may(agreement):
    with pytest.raises(FieldErrors) as refused:
        parse_section("basic", _post({"code": "X-1"}), agreement, locked=True)
    assert refused.value.errors == {"code": "项目编号（省局填写）由省局填写，承担单位不能修改"}
    assert parse_section("basic", _post({}), agreement, locked=True)["data"]["code"] == agreement.code
    assert parse_section("basic", _post({"code": " X-1 "}), agreement, locked=False)["data"]["code"] == "X-1"


@pytest.mark.parametrize(
    ("unit", "kind"),
    [("武汉市", "sub"), ("湖北省知识产权发展中心", "both"), ("湖北省知识产权发展中心", "")],
)
def test_an_agreement_is_issued_only_to_a_platform_unit_of_a_platform_kind(client, admin_user, hubei, unit, kind):
    from projects.models import Agreement
    from units.models import Unit

    client.force_login(admin_user)
    undertaker = Unit.objects.get(name=unit)
    url = reverse("projects:agreement_new", args=[hubei.pk])
    response = client.post(url, {"undertaker": undertaker.pk, "platform_kind": kind}, follow=True)
    assert "请选择承担单位（平台类）和平台类型" in response.content.decode()
    assert not Agreement.objects.filter(undertaker=undertaker).exists()


def test_the_bureau_issues_an_agreement_from_the_form(client, admin_user, hubei):
    from projects.models import Agreement
    from units.models import Unit

    client.force_login(admin_user)
    undertaker = Unit.objects.get(name="湖北省知识产权发展中心")
    response = client.post(
        reverse("projects:agreement_new", args=[hubei.pk]), {"undertaker": undertaker.pk, "platform_kind": "main"}
    )
    agreement = Agreement.objects.get(undertaker=undertaker)
    assert response.status_code == 302 and agreement.platform_kind == "main"

"""The 任务书 and project pages refuse what cannot be stored faithfully (issue 11, items 2, 3
and 17): a number wider than its column, text with control characters, and a unit writing
the fields the bureau fills. Nothing of the section is saved; a value already stored too
wide is still read on the page and in every file."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from projects.models import Agreement, AgreementBudgetSource, AgreementMetricValue, FundingSource

from .test_agreements import BASIC, BUDGET, _save, agreement, platform_filler  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

TWENTY_DIGITS = "12345678901234567890"
FIFTEEN_DIGITS = "123456789012345"


def _page(response) -> str:
    return response.content.decode()


# --- item 2 --------------------------------------------------------------------------------------


def test_an_annex_value_too_large_is_400_naming_it_and_nothing_is_saved(client, agreement, platform_filler):
    client.force_login(platform_filler)
    count = agreement.metrics.get(name="专利池入库专利数量")
    response = _save(client, agreement, "annex", {f"m-{count.pk}-2021": "1000", f"m-{count.pk}-2022": TWENTY_DIGITS})
    assert response.status_code == 400
    assert f"“{count.label}”2022年数值过大（最多 12 位整数、4 位小数）" in _page(response)
    assert not AgreementMetricValue.objects.filter(metric__agreement=agreement).exists()
    assert Agreement.objects.get(pk=agreement.pk).version == agreement.version


def test_a_budget_amount_too_large_is_400_naming_it_and_nothing_is_saved(client, agreement, platform_filler):
    client.force_login(platform_filler)
    response = _save(client, agreement, "budget", {**BUDGET, "source-self": FIFTEEN_DIGITS})
    assert response.status_code == 400 and "自筹经费数值过大（最多 12 位整数、2 位小数）" in _page(response)
    response = _save(client, agreement, "budget", {**BUDGET, "e-2-amount": "68.001"})
    assert response.status_code == 400 and "“专题培训”预算金额小数位数过多（最多 2 位小数）" in _page(response)
    assert not agreement.expenses.exists() and not agreement.allocations.exists()
    assert not AgreementBudgetSource.objects.filter(agreement=agreement, amount__isnull=False).exists()


@pytest.mark.parametrize("number", ["1E+1000000", "1e-1000000", "Infinity", "NaN", "1E+999999999999"])
def test_a_huge_exponent_in_the_budget_or_the_annex_is_400_too_large(client, agreement, platform_filler, number):
    client.force_login(platform_filler)
    response = _save(client, agreement, "budget", {**BUDGET, "e-2-amount": number})
    assert response.status_code == 400 and "“专题培训”预算金额数值过大" in _page(response)
    count = agreement.metrics.get(name="专利池入库专利数量")
    response = _save(client, agreement, "annex", {f"m-{count.pk}-2022": number})
    assert response.status_code == 400 and f"“{count.label}”2022年数值过大" in _page(response)
    assert not agreement.expenses.exists()
    assert not AgreementMetricValue.objects.filter(metric__agreement=agreement).exists()


def test_the_project_form_and_the_admin_refuse_an_amount_too_large(client, admin_user, hubei):
    from tests.targets.test_editors import _project_post

    client.force_login(admin_user)
    response = client.post(
        reverse("projects:edit", args=[hubei.pk]), _project_post(hubei, funding_requirement=FIFTEEN_DIGITS)
    )
    assert response.status_code == 400 and "数值过大（最多 12 位整数、2 位小数）" in _page(response)
    count = FundingSource.objects.count()
    response = client.post(
        reverse("admin:projects_fundingsource_add"),
        {"project": hubei.pk, "order": 9, "label": "超大", "amount": FIFTEEN_DIGITS},
    )
    assert response.status_code == 200 and "数值过大（最多 12 位整数、2 位小数）" in _page(response)
    assert FundingSource.objects.count() == count


def test_values_too_large_already_stored_are_still_read_on_the_page_and_in_every_file(
    client, agreement, platform_filler
):
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite stores a number wider than its column")
    metric = agreement.metrics.get(name="专利池入库专利数量")
    value = AgreementMetricValue.objects.create(metric=metric, year=2022, value=Decimal("1"))
    source = agreement.budget_sources.get(kind="self")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE projects_agreementmetricvalue SET value = %s WHERE id = %s", [TWENTY_DIGITS, value.pk])
        cursor.execute(
            "UPDATE projects_agreementbudgetsource SET amount = %s WHERE id = %s", [int(FIFTEEN_DIGITS), source.pk]
        )
    client.force_login(platform_filler)
    assert client.get(reverse("projects:agreement", args=[agreement.pk])).status_code == 200
    assert client.get(reverse("projects:agreement_word", args=[agreement.pk])).status_code == 200
    assert client.get(reverse("reports:export_agreement", args=[agreement.pk])).status_code == 200


# --- item 3 --------------------------------------------------------------------------------------


def test_agreement_text_with_a_control_character_is_refused_naming_the_field(client, agreement, platform_filler):
    client.force_login(platform_filler)
    response = _save(client, agreement, "basic", {**BASIC, "bank_name": "工商\u000b银行"})
    assert response.status_code == 400 and "“开户银行（全称，含清算行号）”含有不可见的控制字符（U+000B）" in _page(
        response
    )
    response = _save(client, agreement, "content", {"tasks_text": agreement.tasks_text, "goal-2022": "入库\u0000"})
    assert response.status_code == 400 and "“2022年阶段目标”含有不可见的控制字符（U+0000）" in _page(response)
    fresh = Agreement.objects.get(pk=agreement.pk)
    assert (fresh.version, fresh.bank_name) == (agreement.version, "")
    assert not fresh.stage_goals.exclude(text="").exists()


def test_the_project_form_refuses_a_control_character_beside_its_field(client, admin_user, hubei):
    from tests.targets.test_editors import _project_post

    client.force_login(admin_user)
    response = client.post(reverse("projects:edit", args=[hubei.pk]), _project_post(hubei, leader="张\u000b三"))
    assert response.status_code == 400 and "“项目负责人”含有不可见的控制字符（U+000B）" in response.content.decode()
    hubei.refresh_from_db()
    assert hubei.leader == "李述武"


# --- item 17 -------------------------------------------------------------------------------------


def test_a_unit_cannot_set_the_code_the_bureau_fills(client, agreement, platform_filler, admin_user):
    client.force_login(platform_filler)
    page = _page(client.get(reverse("projects:agreement", args=[agreement.pk])))
    assert '<input name="code" value="" disabled>' in page
    response = _save(client, agreement, "basic", {**BASIC, "code": "HB-2021-001"})
    assert response.status_code == 400 and "项目编号（省局填写）由省局填写，承担单位不能修改" in _page(response)
    assert Agreement.objects.get(pk=agreement.pk).code == ""

    client.force_login(admin_user)
    assert _save(client, agreement, "basic", {**BASIC, "code": "HB-2021-001"}).status_code == 302
    # The unit's form does not post the locked field: saving it keeps the bureau's code.
    client.force_login(platform_filler)
    assert _save(client, agreement, "basic", {**BASIC, "undertaker_leader": "王五"}).status_code == 302
    assert Agreement.objects.get(pk=agreement.pk).code == "HB-2021-001"


# --- item 18 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("category", ["abc", "999999", ""])
def test_an_indicator_with_an_unknown_category_is_refused_and_not_created(client, admin_user, hubei, category):
    client.force_login(admin_user)
    count = hubei.indicators.count()
    response = client.post(
        reverse("projects:indicator_add", args=[hubei.pk]),
        {"category": category, "name": "新指标", "annual": "5件"},
        follow=True,
    )
    assert "请选择指标类别" in response.content.decode()
    assert hubei.indicators.count() == count


def test_a_removal_reason_with_a_bidi_override_is_refused_and_removes_nothing(client, admin_user, hubei):
    from targets.models import Indicator

    indicator = Indicator.objects.filter(project=hubei).first()
    client.force_login(admin_user)
    response = client.post(
        reverse("projects:indicator_remove", args=[indicator.pk]), {"reason": "重复\u202e"}, follow=True
    )
    assert "U+202E" in response.content.decode()
    assert Indicator.objects.filter(pk=indicator.pk).exists()

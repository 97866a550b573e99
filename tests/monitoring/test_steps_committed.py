"""Every step of a report outside a test transaction, as in production: each request commits on
its own. 退回 and 重新打开 locked the report outside a transaction, which PostgreSQL refuses (and
the suite's SQLite now refuses too, tests/conftest.py), so both answered 500 in production."""

from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring.models import Report
from monitoring.services import report_save
from review.engine import ReviewStatus
from tests.api.conftest import token_client

from .conftest import fill

pytestmark = pytest.mark.django_db(transaction=True)

FILLED = {
    "收集中小微企业专利技术需求": "260条",
    "中小微企业接受专利转让次数": "300",
    "专利质押融资金额": "10亿元",
    "专利质押项目数": "90",
    "政策惠及的中小微企业营业收入增幅": "增长12%",
    "政策惠及的中小微企业就业人数增幅": "稳步增长",
}


def _status(report) -> str:
    return Report.objects.values_list("status", flat=True).get(pk=report.pk)


def _submit(client, report, wuhan):
    report.refresh_from_db()
    report_save(
        report_id=report.pk,
        expected_version=report.version,
        actor=wuhan,
        values=fill(report, FILLED),
        budget={"executed": Decimal("80")},
    )
    client.force_login(wuhan)
    assert client.post(reverse("monitoring:report_submit", args=[report.pk])).status_code == 302
    assert _status(report) == ReviewStatus.SUBMITTED


def test_a_report_is_returned_approved_and_reopened_on_the_web_each_step_committed(
    seeded_transactional_db, client, wuhan_report, wuhan, reviewer, admin_user
):
    _submit(client, wuhan_report, wuhan)
    client.force_login(reviewer)
    answer = client.post(reverse("monitoring:report_return", args=[wuhan_report.pk]), {"comment": "请补充佐证"})
    assert answer.status_code == 302 and _status(wuhan_report) == ReviewStatus.RETURNED

    _submit(client, wuhan_report, wuhan)
    client.force_login(reviewer)
    assert client.post(reverse("monitoring:report_approve", args=[wuhan_report.pk])).status_code == 302
    assert _status(wuhan_report) == ReviewStatus.APPROVED

    client.force_login(admin_user)
    answer = client.post(reverse("monitoring:report_reopen", args=[wuhan_report.pk]), {"comment": "复核数据"})
    assert answer.status_code == 302 and _status(wuhan_report) == ReviewStatus.RETURNED


def test_a_report_is_returned_through_the_api_committed(seeded_transactional_db, client, wuhan_report, wuhan, reviewer):
    _submit(client, wuhan_report, wuhan)
    answer = token_client(reviewer).post(
        f"/api/v1/reports/{wuhan_report.pk}/return/", {"comment": "请补充佐证"}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert _status(wuhan_report) == ReviewStatus.RETURNED

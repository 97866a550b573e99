"""Plausibility of the 完成值 on the monitoring and 自评 report page (targets.plausibility): flagged
beside the indicator table, never refused, compared with the value's own target."""

import pytest
from django.urls import reverse

from monitoring.models import ReportValue

pytestmark = pytest.mark.django_db

DEMAND = "收集中小微企业专利技术需求"  # 武汉市 target: 500 (条)


def _actual(report, label, raw, number):
    ReportValue.objects.filter(report=report, label=label).update(raw=raw, kind="quantity", number=number)


def _page(client, user, report) -> str:
    client.force_login(user)
    response = client.get(reverse("monitoring:report", args=[report.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_year_end_value_a_tenth_of_its_target_is_flagged(client, wuhan, wuhan_evaluation):
    _actual(wuhan_evaluation, DEMAND, "40", 40)
    body = _page(client, wuhan, wuhan_evaluation)
    assert "合理性提示（1 项）" in body
    assert f"{DEMAND} 的完成值 40 不到指标值（500）的十分之一（0.08 倍），请核实" in body


def test_mid_year_only_ten_times_the_target_is_flagged(client, wuhan, wuhan_report):
    _actual(wuhan_report, DEMAND, "40", 40)
    assert "合理性提示" not in _page(client, wuhan, wuhan_report)
    _actual(wuhan_report, DEMAND, "5001", 5001)
    assert f"{DEMAND} 的完成值 5001 是指标值（500）的 10 倍，请核实" in _page(client, wuhan, wuhan_report)


def test_a_plausible_report_shows_no_flags(client, reviewer, wuhan_evaluation):
    _actual(wuhan_evaluation, DEMAND, "520", 520)
    assert "合理性提示" not in _page(client, reviewer, wuhan_evaluation)

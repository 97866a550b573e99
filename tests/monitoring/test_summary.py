"""The bureau's summary of a round: each unit's total, grade, execution rate and shortfalls are the
report page's; the page is the bureau's, its queries do not grow with the units; the 汇总表."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from monitoring.models import Report, RoundKind
from monitoring.selectors import report_page
from monitoring.services import round_open
from monitoring.summary import round_summary
from targets.models import ReviewStatus, TableRow

from .test_forms import _scored

pytestmark = pytest.mark.django_db


def test_the_summary_shows_each_units_page_figures(client, wuhan_evaluation, wuhan, reviewer):
    report = _scored(wuhan_evaluation, wuhan, reviewer)
    page = report_page(report, reviewer)
    row = next(r for r in round_summary(report.round)["rows"] if r.report.pk == report.pk)
    assert row.scores["total"] == page["scores"]["total"] == Decimal("90.50")
    assert row.scores["grade"] == "优" and row.rate_pct == Decimal("95.00")
    assert row.short_labels == "收集中小微企业专利技术需求、政策惠及的中小微企业就业人数增幅"
    client.force_login(reviewer)
    html = client.get(reverse("monitoring:round_summary", args=[report.round_id])).content.decode()
    assert "90.50" in html and "95.00%" in html and "收集中小微企业专利技术需求" in html
    assert (
        reverse("monitoring:round_summary", args=[report.round_id])
        in client.get(reverse("monitoring:round", args=[report.round_id])).content.decode()
    )


def test_the_summary_is_the_bureaus(client, evaluation_round, wuhan, outsider, other_reviewer):
    url = reverse("monitoring:round_summary", args=[evaluation_round.pk])
    for user in (wuhan, outsider, other_reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 404


def _open(hubei, admin_user, day):
    return round_open(
        project=hubei,
        kind=RoundKind.SELF_EVALUATION,
        reference_date=date(2022, 12, day),
        deadline=None,
        lag_threshold=Decimal("10"),
        actor=admin_user,
    )


def test_the_summary_page_queries_do_not_grow_with_units(
    client, hubei, approved_wuhan, admin_user, django_assert_num_queries
):
    small = _open(hubei, admin_user, 30)
    more = TableRow.objects.filter(table__project=hubei).exclude(pk=approved_wuhan.pk)[:3]
    TableRow.objects.filter(pk__in=[r.pk for r in more]).update(status=ReviewStatus.APPROVED)
    large = _open(hubei, admin_user, 31)
    assert Report.objects.filter(round=large).count() > Report.objects.filter(round=small).count()
    client.force_login(admin_user)
    # 1 session, 2 user, 3 memberships (policy), 4 the round with project and opener, 5 reports with
    # units, 6 their budget lines, 7 values, 8 values seen (weights), 9 stored weights, 10 the linked
    # columns and 11 their targets (完成值汇总, over the values of 7), 12 unread notifications.
    for round_ in (small, large):
        with django_assert_num_queries(12):
            assert client.get(reverse("monitoring:round_summary", args=[round_.pk])).status_code == 200


def test_the_summary_workbook_holds_the_same_figures(client, wuhan_evaluation, wuhan, reviewer):
    report = _scored(wuhan_evaluation, wuhan, reviewer)
    client.force_login(reviewer)
    response = client.get(reverse("reports:export_round_summary", args=[report.round_id]))
    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = {r[1].value: [c.value for c in r] for r in ws.iter_rows(min_row=3)}
    assert [c.value for c in ws[2]] == ["序号", "单位", "状态", "总分", "等级", "预算执行率", "未完成指标"]
    assert Decimal(str(rows["武汉市"][3])) == Decimal("90.50") and rows["武汉市"][4] == "优"
    assert rows["武汉市"][5] == "95.00%" and "收集中小微企业专利技术需求" in rows["武汉市"][6]


def test_the_dashboard_has_the_summarys_figures_and_constant_queries(
    client, hubei, approved_wuhan, admin_user, wuhan, reviewer, django_assert_num_queries
):
    small = _open(hubei, admin_user, 30)
    report = _scored(Report.objects.get(round=small, unit__name="武汉市"), wuhan, reviewer)
    client.force_login(admin_user)
    html = client.get(reverse("monitoring:round_dashboard", args=[small.pk])).content.decode()
    assert "95.00%" in html and "echarts.min.js" in html and 'id="dashboard-data"' in html
    assert report.round_id == small.pk
    more = TableRow.objects.filter(table__project=hubei).exclude(pk=approved_wuhan.pk)[:3]
    TableRow.objects.filter(pk__in=[r.pk for r in more]).update(status=ReviewStatus.APPROVED)
    large = _open(hubei, admin_user, 31)
    # as the summary page: 1 session, 2 user, 3 memberships, 4 the round, 5 reports, 6 their budget
    # lines, 7 values, 8 values seen and 9 stored weights, 10 unread notifications.
    for round_ in (small, large):
        with django_assert_num_queries(10):
            assert client.get(reverse("monitoring:round_dashboard", args=[round_.pk])).status_code == 200

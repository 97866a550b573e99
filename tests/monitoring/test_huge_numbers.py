"""Numbers no column can hold (`1E+1000000`, `1e-1000000`, `Infinity`, `NaN`) on every number a
monitoring page or the API reads: a 400 naming the field, “数值过大”, nothing changed (a 500 before:
`normalize()` overflowed)."""

import pytest
from django.urls import reverse

from monitoring.models import Report, Round, Weight
from monitoring.selectors import weight_groups
from review.engine import ReviewStatus
from tests.api.conftest import token_client
from units.models import AuditEntry

pytestmark = pytest.mark.django_db

HUGE = ["1E+1000000", "1e-1000000", "Infinity", "-Infinity", "NaN", "1E+999999999999", "1E+99999999999999999999"]


def _page(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("number", HUGE)
def test_a_huge_budget_figure_on_the_report_page_is_refused_naming_it(client, wuhan_report, wuhan, number):
    client.force_login(wuhan)
    response = client.post(
        reverse("monitoring:report_save", args=[wuhan_report.pk]), {"version": 1, "executed-current": number}
    )
    assert response.status_code == 400
    assert "“当年财政拨款的执行数”数值过大" in _page(response)
    report = Report.objects.get(pk=wuhan_report.pk)
    assert report.budget.total.executed is None and report.version == 1


@pytest.mark.parametrize("number", HUGE)
def test_a_huge_budget_set_by_the_bureau_is_refused_naming_it(client, wuhan_report, reviewer, number):
    before = Report.objects.get(pk=wuhan_report.pk).budget.total.annual_budget
    client.force_login(reviewer)
    response = client.post(
        reverse("monitoring:report_budget", args=[wuhan_report.pk]), {"version": 1, "annual_budget-current": number}
    )
    assert response.status_code == 400
    assert "“当年财政拨款的全年预算数”数值过大" in _page(response)
    report = Report.objects.get(pk=wuhan_report.pk)
    assert report.budget.total.annual_budget == before and report.version == 1


@pytest.mark.parametrize("number", HUGE)
def test_a_huge_weight_is_refused_naming_its_column(client, monitoring_round, reviewer, number):
    client.force_login(reviewer)
    item = weight_groups(monitoring_round)[0]["items"][0]
    response = client.post(reverse("monitoring:round_weights", args=[monitoring_round.pk]), {item["field"]: number})
    assert response.status_code == 400
    assert f"“{item['label']}的权重”数值过大" in _page(response)
    assert not Weight.objects.filter(round=monitoring_round).exists()
    assert not AuditEntry.objects.filter(action="monitoring.round.weights_changed").exists()


@pytest.mark.parametrize("number", HUGE)
def test_a_huge_lag_threshold_is_refused_and_opens_nothing(client, hubei, approved_wuhan, admin_user, number):
    client.force_login(admin_user)
    data = {"kind": "monitoring", "reference_date": "2022-06-30", "lag_threshold": number}
    response = client.post(reverse("monitoring:round_open", args=[hubei.pk]), data)
    assert response.status_code == 400 and "数值过大" in _page(response)
    assert not Round.objects.exists()


@pytest.mark.parametrize("number", HUGE)
def test_a_huge_partial_grade_is_refused_naming_it(client, wuhan_evaluation, reviewer, number):
    Report.objects.filter(pk=wuhan_evaluation.pk).update(status=ReviewStatus.SUBMITTED)
    value = wuhan_evaluation.values.get(label="政策惠及的中小微企业营业收入增幅")
    client.force_login(reviewer)
    response = client.post(
        reverse("monitoring:report_grade", args=[wuhan_evaluation.pk]),
        {f"grade-{value.pk}": "partial", f"percent-{value.pk}": number},
    )
    assert response.status_code == 400 and "“得分比例”数值过大" in _page(response)
    value.refresh_from_db()
    assert value.grade_id is None


@pytest.mark.parametrize("number", HUGE)
def test_a_huge_budget_figure_by_the_api_is_refused_naming_its_path(wuhan_report, wuhan, number):
    api = token_client(wuhan)
    response = api.patch(
        f"/api/v1/reports/{wuhan_report.pk}/",
        {"version": 1, "budget": {"lines": {"current": {"executed": number}}}},
        format="json",
    )
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert error["field"] == "budget.lines.current.executed" and "数值过大" in error["message"]
    assert Report.objects.get(pk=wuhan_report.pk).budget.total.executed is None


def test_a_json_number_too_large_for_a_float_is_refused_by_the_api(wuhan_report, wuhan):
    api = token_client(wuhan)
    body = '{"version": 1, "budget": {"lines": {"current": {"executed": 1e400}}}}'
    response = api.generic("PATCH", f"/api/v1/reports/{wuhan_report.pk}/", body, content_type="application/json")
    assert response.status_code == 400 and "数值过大" in response.json()["errors"][0]["message"]


def test_a_huge_partial_grade_by_the_api_is_refused(wuhan_evaluation, reviewer):
    Report.objects.filter(pk=wuhan_evaluation.pk).update(status=ReviewStatus.SUBMITTED)
    value = wuhan_evaluation.values.get(label="政策惠及的中小微企业营业收入增幅")
    response = token_client(reviewer).post(
        f"/api/v1/reports/{wuhan_evaluation.pk}/grade/",
        {"grades": {str(value.pk): {"grade": "partial", "percent": "1E+1000000"}}},
        format="json",
    )
    assert response.status_code == 400 and "数值过大" in response.json()["detail"]


def test_an_ordinary_figure_still_saves_as_typed(client, wuhan_report, wuhan):
    client.force_login(wuhan)
    response = client.post(
        reverse("monitoring:report_save", args=[wuhan_report.pk]), {"version": 1, "executed-current": "１,２00.5"}
    )
    assert response.status_code == 302
    assert str(Report.objects.get(pk=wuhan_report.pk).budget.total.executed) == "1200.50"

"""Monitoring and the roll-up by token: the figures are the pages' own reads, the scope the policy's."""

from datetime import date
from decimal import Decimal

import pytest

from monitoring.models import Report
from monitoring.selectors import report_page
from monitoring.services import round_open
from targets.models import ReviewStatus, TableRow
from targets.selectors import project_rollup

from .conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(open_table, reviewer, wuhan_row):
    """武汉市's report in a 监控 round at mid-year, every row of the open table approved."""
    TableRow.objects.filter(table=open_table).update(status=ReviewStatus.APPROVED)
    round_ = round_open(
        project=open_table.project,
        kind="monitoring",
        reference_date=date(2022, 6, 30),
        deadline=None,
        lag_threshold=Decimal(20),
        actor=reviewer,
    )
    return round_.reports.get(unit=wuhan_row.unit)


def test_a_monitoring_report_shows_the_progress_and_deviation_of_the_report_page(report, wuhan_api, reviewer):
    value = report.values.exclude(target_raw="").first()
    target = value.target
    saved = wuhan_api.patch(
        f"/api/v1/reports/{report.pk}/",
        {"version": report.version, "values": {str(value.pk): {"actual": "1"}}},
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    line = next(v for v in saved.json()["values"] if v["id"] == value.pk)
    page = report_page(Report.objects.get(pk=report.pk), reviewer)
    expected = next(x for x in page["lines"] if x.value.pk == value.pk)
    assert line["progress"] == f"{expected.progress}" and line["deviation"] == f"{expected.deviation}"
    assert line["target"]["raw"] == target.raw and line["actual"]["number"] == "1"
    assert saved.json()["time_elapsed"] == f"{page['elapsed']}"
    assert saved.json()["scores"] is None  # a 监控 has no scores


def test_a_unit_sees_only_its_own_report(report, outsider):
    other = token_client(outsider)
    assert other.get(f"/api/v1/reports/{report.pk}/").status_code == 404
    assert other.patch(f"/api/v1/reports/{report.pk}/", {"version": 1}, format="json").status_code == 404
    assert report.pk not in [r["id"] for r in other.get("/api/v1/reports/").json()]


def test_a_value_of_another_report_is_refused_with_its_path_and_nothing_changes(report, wuhan_api):
    stranger = Report.objects.exclude(pk=report.pk).first().values.first()
    response = wuhan_api.patch(
        f"/api/v1/reports/{report.pk}/",
        {"version": report.version, "values": {str(stranger.pk): {"actual": "1"}}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": f"values.{stranger.pk}", "message": "该指标不在此报告中"}]
    report.refresh_from_db()
    assert report.version == 1 and stranger.raw == "" and not report.values.exclude(raw="").exists()


def test_the_rollup_is_the_rollup_pages_selector(report, reviewer_api, wuhan_api):
    project = report.round.project
    lines = project_rollup(project)
    answer = reviewer_api.get(f"/api/v1/projects/{project.pk}/rollup/").json()
    assert answer and all(set(a["figures"][0]) == {"group", "label", "sum", "units"} for a in answer)
    assert [(a["indicator"], a["period"], a["flag"]) for a in answer] == [
        (line.indicator.pk, line.period, line.flag) for line in lines
    ]
    assert wuhan_api.get(f"/api/v1/projects/{project.pk}/rollup/").status_code == 404


def test_a_negative_budget_figure_is_refused_with_its_path(report, wuhan_api):
    budget = {"lines": {"current": {"executed": "-5"}}}
    response = wuhan_api.patch(
        f"/api/v1/reports/{report.pk}/", {"version": report.version, "budget": budget}, format="json"
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["budget.lines.current.executed"]
    assert "budget.lines.current.executed" in response.json()["detail"], response.json()
    report.refresh_from_db()
    assert report.budget.total.executed is None and report.version == 1


def test_the_budget_itself_is_the_bureaus_and_refused_from_the_unit(report, wuhan_api):
    budget = {"annual_budget": "1000", "executed": "5"}
    response = wuhan_api.patch(
        f"/api/v1/reports/{report.pk}/", {"version": report.version, "budget": budget}, format="json"
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"budget.annual_budget"}
    assert "由省局设定" in response.json()["detail"]
    report.refresh_from_db()
    assert report.budget.total.annual_budget != Decimal("1000") and report.version == 1


def test_a_grade_of_a_value_of_another_report_is_refused_with_its_path(report, reviewer_api):
    Report.objects.filter(pk=report.pk).update(status=ReviewStatus.SUBMITTED)
    stranger = Report.objects.exclude(pk=report.pk).first().values.first()
    response = reviewer_api.post(
        f"/api/v1/reports/{report.pk}/grade/", {"grades": {str(stranger.pk): {"grade": "achieved"}}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": f"grades.{stranger.pk}", "message": "该指标不在此报告中"}]
    stranger.refresh_from_db()
    assert stranger.grade_id is None

"""Text a unit typed that starts like a formula (= + - @) is written as text in every monitoring
layout: the 监控表, the 自评表 and the round's 汇总表 (openpyxl reads no cell as a formula)."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from monitoring.models import Evidence, Report, ReportValue

pytestmark = pytest.mark.django_db

HOSTILE = {
    "raw": '=HYPERLINK("http://evil.example","点此")',
    "expected": "=2+2",
    "deviation_reason": "=1+1",
    "corrective_measure": "+cmd|' /C calc'!A0",
    "shortfall_reason": "@SUM(A1:A9)",
}
REPORT_TEXTS = {
    "conclusion": "-2+3",
    "problems": "=A1",
    "improvements": "@A1",
    "budget_reason": "+1",
    "goal_achievement": "=WEBSERVICE(A1)",
}


def _poison(report: Report) -> None:
    ReportValue.objects.filter(report=report).update(**HOSTILE)
    Report.objects.filter(pk=report.pk).update(**REPORT_TEXTS)
    value = report.values.first()
    Evidence.objects.create(
        report=report, value=value, original_name="=evil.pdf", content_type="application/pdf", size=1
    )
    Evidence.objects.create(report=report, original_name="@evil.pdf", content_type="application/pdf", size=1)


def _cells(content: bytes):
    workbook = load_workbook(BytesIO(content))
    return [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


def _assert_all_text(content: bytes) -> None:
    cells = _cells(content)
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert not formulas
    written = {c.value for c in cells}
    assert "=1+1" in written or "=evil.pdf" in " ".join(str(v) for v in written)


@pytest.mark.parametrize("report_fixture", ["wuhan_report", "wuhan_evaluation"])
def test_a_units_formula_like_text_is_text_in_its_report_form(client, reviewer, request, report_fixture):
    report = request.getfixturevalue(report_fixture)
    _poison(report)
    client.force_login(reviewer)
    response = client.get(reverse("reports:export_report", args=[report.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    _assert_all_text(content)


@pytest.mark.parametrize("report_fixture", ["wuhan_report", "wuhan_evaluation"])
def test_a_units_formula_like_text_is_text_in_the_rounds_summary(client, reviewer, request, report_fixture):
    report = request.getfixturevalue(report_fixture)
    _poison(report)
    client.force_login(reviewer)
    response = client.get(reverse("reports:export_round_summary", args=[report.round_id]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert not [(c.coordinate, c.value) for c in _cells(content) if c.data_type == "f"]

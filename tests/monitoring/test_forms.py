"""The 项目支出绩效自评表 and 绩效运行监控表: the sheet holds the page's figures (never recomputed),
LibreOffice prints every value, the download follows who may see the report, the command writes
the project's, a unit's and every unit's form."""

from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from monitoring.evidence import evidence_add
from monitoring.models import Report
from monitoring.selectors import report_page
from monitoring.services import report_grade, report_save, report_submit
from reports.exporters import export_workbook, exporter_for
from tests.reports.test_rendered_exports import _assert_all_present, _render, soffice  # noqa: F401

from .conftest import fill

pytestmark = pytest.mark.django_db

HEADERS = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
    "完成值",
    "权重",
    "得分",
    "未完成原因分析",
]
ACTUALS = {
    "收集中小微企业专利技术需求": "400条",
    "中小微企业接受专利转让次数": "600",
    "专利质押融资金额": "25亿元",
    "专利质押项目数": "176",
    "政策惠及的中小微企业营业收入增幅": "增长明显",
    "政策惠及的中小微企业就业人数增幅": "略有增长",
}


def _scored(report, filler, reviewer):
    report.refresh_from_db()
    report_save(
        report_id=report.pk,
        expected_version=report.version,
        actor=filler,
        values=fill(report, ACTUALS, shortfall_reason={"收集中小微企业专利技术需求": "需求征集渠道不足"}),
        budget={"executed": Decimal("152")},
        texts={"conclusion": "总体完成年度目标", "problems": "需求征集渠道单一", "improvements": "拓展征集渠道"},
    )
    upload = SimpleUploadedFile("转化台账.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    evidence_add(report_id=report.pk, value_id=None, upload=upload, actor=filler)
    report_submit(report_id=report.pk, actor=filler)
    ids = {v.label: v.pk for v in report.values.all()}
    report_grade(
        report_id=report.pk,
        actor=reviewer,
        grades={
            ids["政策惠及的中小微企业营业收入增幅"]: ("achieved", None),
            ids["政策惠及的中小微企业就业人数增幅"]: ("partial", Decimal("60")),
        },
    )
    return Report.objects.get(pk=report.pk)


def _sheet(report, user):
    workbook = export_workbook([(exporter_for("self_evaluation"), report)], user)
    buffer = BytesIO()
    workbook.save(buffer)
    return load_workbook(BytesIO(buffer.getvalue())).worksheets[0]


def _row_of(ws, text):
    return next(row for row in ws.iter_rows() if any(c.value == text for c in row))


def test_the_self_evaluation_form_holds_the_pages_scores(wuhan_evaluation, wuhan, reviewer):
    report = _scored(wuhan_evaluation, wuhan, reviewer)
    page = report_page(report, reviewer)
    ws = _sheet(report, reviewer)
    header = _row_of(ws, "一级指标")
    assert [c.value for c in header] == HEADERS
    first = header[0].row + 1
    for offset, line in enumerate(page["lines"]):
        row = [ws.cell(row=first + offset, column=c).value for c in range(1, 11)]
        assert row[2] == line.value.label
        assert Decimal(str(row[7])) == line.weight
        assert Decimal(str(row[8])) == line.score.points
        assert ws.cell(row=first + offset, column=9).number_format == "0.00"
    total = _row_of(ws, "总分")
    assert Decimal(str(total[8].value)) == page["scores"]["total"] == Decimal("90.50")
    assert total[9].value == "等级：优"
    budget = [c.value for c in ws[_row_of(ws, "预算执行情况")[0].row + 1]]
    assert budget[2] == 160 and budget[5] == 152 and budget[7] == "95.00%"
    assert Decimal(str(budget[9])) == page["scores"]["budget_points"] == Decimal("9.50")
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"总体完成年度目标", "需求征集渠道单一", "拓展征集渠道", "转化台账.pdf", "需求征集渠道不足"} <= texts
    assert {"项目负责人：", "财务负责人：", "单位（盖章）："} <= texts
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert any(m.min_col == 1 and m.max_row > m.min_row for m in ws.merged_cells.ranges if m.min_row >= first)


def test_without_money_the_form_says_not_applicable_and_scales(wuhan_evaluation, wuhan, reviewer):
    Report.objects.filter(pk=wuhan_evaluation.pk).update(budget_applicable=False, annual_budget=None)
    report = _scored(wuhan_evaluation, wuhan, reviewer)
    ws = _sheet(report, reviewer)
    budget = [c.value for c in ws[_row_of(ws, "预算执行情况")[0].row + 1]]
    assert budget[2] == budget[9] == "不适用"
    texts = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "总分按指标得分折算为百分制" in texts
    total = _row_of(ws, "总分")
    assert Decimal(str(total[8].value)) == report_page(report, reviewer)["scores"]["total"]


def test_the_printed_self_evaluation_shows_every_value(wuhan_evaluation, wuhan, reviewer, soffice, tmp_path):
    report = _scored(wuhan_evaluation, wuhan, reviewer)
    page = report_page(report, reviewer)
    texts = _render(soffice, tmp_path, "self_evaluation", "self_evaluation", report)
    expected = ["项目支出绩效自评表", "武汉市", "预算执行情况", "95.00%", "9.50", "90.50", "等级：优", "转化台账.pdf"]
    expected += ["项目负责人", "财务负责人", "填报人", "填报日期", "单位（盖章）", "总体完成年度目标"]
    for line in page["lines"]:
        expected += [line.value.label, line.value.raw, f"{line.weight:.2f}", f"{line.score.points:.2f}"]
    _assert_all_present(texts, expected)


def test_the_printed_monitoring_table_shows_progress_and_reasons(wuhan_report, wuhan, soffice, tmp_path):
    report_save(
        report_id=wuhan_report.pk,
        expected_version=wuhan_report.version,
        actor=wuhan,
        values=fill(
            wuhan_report,
            {"收集中小微企业专利技术需求": "100条", "专利质押融资金额": "10亿元"},
            deviation_reason={"收集中小微企业专利技术需求": "上半年征集活动延后"},
            corrective_measure={"收集中小微企业专利技术需求": "下半年集中开展征集"},
        ),
        budget={"executed": Decimal("60")},
    )
    report = Report.objects.get(pk=wuhan_report.pk)
    page = report_page(report, wuhan)
    texts = _render(soffice, tmp_path, "monitoring_table", "monitoring_table", report)
    expected = ["绩效运行监控表", "完成进度", "时间进度", "偏差原因", "纠偏措施", "49.59%", "20.00%", "50.00%"]
    expected += ["-29.59%", "上半年征集活动延后", "下半年集中开展征集", "37.50%"]
    expected += [line.value.label for line in page["lines"]]
    _assert_all_present(texts, expected)


def test_the_download_is_for_who_may_see_the_report(client, wuhan_evaluation, wuhan, outsider):
    url = reverse("reports:export_report", args=[wuhan_evaluation.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(wuhan)
    page = client.get(reverse("monitoring:report", args=[wuhan_evaluation.pk]))
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200 and quote("自评表") in response["Content-Disposition"]
    assert load_workbook(BytesIO(response.content)).worksheets[0]["A1"].value == "项目支出绩效自评表"


def test_the_command_writes_the_projects_a_units_and_every_units_form(
    hubei, wuhan_evaluation, wuhan, reviewer, tmp_path
):
    _scored(wuhan_evaluation, wuhan, reviewer)
    call_command("self_evaluation", hubei.code, "--year", "2022", "--unit", "武汉市", "--out", str(tmp_path / "w.xlsx"))
    ws = load_workbook(tmp_path / "w.xlsx").worksheets[0]
    assert Decimal(str(_row_of(ws, "总分")[8].value)) == Decimal("90.50")
    call_command("self_evaluation", hubei.code, "--year", "2022", "--out", str(tmp_path / "p.xlsx"))
    ws = load_workbook(tmp_path / "p.xlsx").worksheets[0]
    assert ws["A1"].value == "项目支出绩效自评表"
    call_command("self_evaluation", hubei.code, "--year", "2022", "--all-units", "--out", str(tmp_path / "all"))
    assert [p.name for p in (tmp_path / "all").iterdir()] == [
        f"{hubei.name}-2022年绩效自评（2022-12-31）-武汉市-自评表.xlsx"
    ]


def test_the_filling_date_is_the_day_in_the_bureaus_time_zone(wuhan_evaluation, wuhan, reviewer):
    report = _scored(wuhan_evaluation, wuhan, reviewer)
    # 2022-12-31 20:30 UTC is 2023-01-01 04:30 in Beijing: the unit filed it on New Year's Day.
    Report.objects.filter(pk=report.pk).update(submitted_at=datetime(2022, 12, 31, 20, 30, tzinfo=UTC))
    ws = _sheet(Report.objects.get(pk=report.pk), reviewer)
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert "填报日期：2023年01月01日" in texts

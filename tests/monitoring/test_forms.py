"""The 项目支出绩效自评表 as the Ministry of Finance prints it, read cell by cell: the header, the 项目资金
block by source (分值 10 and 得分 on 年度资金总额), 年度总体目标 with the unit's 实际完成情况, the
indicator table with merged 一级/二级 cells and a 小计 per 一级指标, 总分 and 等级, the signature lines;
targets printed as written; the figures the page's (never recomputed). LibreOffice prints every
value; the download follows who may see the report; the command writes the project's, a unit's and
every unit's form."""

from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from monitoring.budget_services import report_budget_set
from monitoring.evidence import evidence_add
from monitoring.models import Report, ReportBudget
from monitoring.selectors import report_page, weight_groups
from monitoring.services import report_grade, report_save, report_submit, weights_save
from reports.exporters import export_workbook, exporter_for
from tests.reports.test_rendered_exports import _assert_all_present, _render, soffice  # noqa: F401

from .conftest import fill

pytestmark = pytest.mark.django_db

HEADERS = [
    "绩效指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
]
BUDGET_HEADERS = ["项目资金（万元）", None, None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
ACTUALS = {
    "收集中小微企业专利技术需求": "400条",
    "中小微企业接受专利转让次数": "600",
    "专利质押融资金额": "25亿元",
    "专利质押项目数": "176",
    "政策惠及的中小微企业营业收入增幅": "增长明显",
    "政策惠及的中小微企业就业人数增幅": "略有增长",
}
ACHIEVED = "全年征集需求400条，促成专利转让600次，质押融资25亿元"


def _scored(report, filler, reviewer, budget=None, **texts):
    """Filled, submitted and graded, with the 市州 table's six indicators at 15 points each (the
    layout's figures, not the default 分值 by 一级指标, which tests/monitoring/test_scoring.py checks)."""
    table = weight_groups(report.round)[0]
    weights = {item["key"]: Decimal(15) for item in table["items"]}
    weights_save(round_id=report.round_id, weights=weights, actor=reviewer)
    report.refresh_from_db()
    report_save(
        report_id=report.pk,
        expected_version=report.version,
        actor=filler,
        values=fill(report, ACTUALS, shortfall_reason={"收集中小微企业专利技术需求": "需求征集渠道不足"}),
        budget={"current": {"executed": Decimal("152")}} if budget is None else budget,
        texts={"goal_achievement": ACHIEVED, "conclusion": "总体完成年度目标"} | texts,
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


def _sheet(report, user, layout="self_evaluation"):
    workbook = export_workbook([(exporter_for(layout), report)], user)
    buffer = BytesIO()
    workbook.save(buffer)
    return load_workbook(BytesIO(buffer.getvalue())).worksheets[0]


def _row_of(ws, text, col=None):
    return next(row for row in ws.iter_rows() if any(c.value == text and (col is None or c.column == col) for c in row))


def _values(ws, r, last=9):
    return [ws.cell(row=r, column=c).value for c in range(1, last + 1)]


def _merged(ws) -> set[str]:
    return {str(m) for m in ws.merged_cells.ranges}


def test_the_self_evaluation_form_is_the_ministrys_layout_cell_by_cell(wuhan_evaluation, wuhan, reviewer):
    report = _scored(wuhan_evaluation, wuhan, reviewer)
    page = report_page(report, reviewer)
    ws = _sheet(report, reviewer)
    assert (ws["A1"].value, ws["A2"].value) == ("项目支出绩效自评表", "（2022年度）")
    assert _values(ws, 3)[:2] == ["项目名称", "专利转化专项计划资金"]
    assert [ws[c].value for c in ("A4", "B4", "E4", "F4")] == ["主管部门", "湖北省知识产权局", "实施单位", "武汉市"]
    assert {"A1:I1", "B3:I3", "B4:D4", "F4:I4", "A5:A9"} <= _merged(ws)
    assert _values(ws, 5) == BUDGET_HEADERS
    # 年度资金总额, then 其中：当年财政拨款, 上年结转资金, 其他资金; 分值 and 得分 on the total only
    rows = [_values(ws, r) for r in range(6, 10)]
    assert [row[1] for row in rows] == ["年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金"]
    assert rows[0][3:] == [160, 160, 152, 10, "95.00%", 9.5]
    assert rows[1][3:] == [160, 160, 152, "—", "95.00%", "—"]
    assert rows[2][3:] == rows[3][3:] == [None, None, None, "—", None, "—"]
    assert ws["D6"].number_format == "#,##0.00" and ws["G6"].number_format == "0.00"
    assert {f"B{r}:C{r}" for r in range(5, 10)} <= _merged(ws)
    goal = _row_of(ws, "年度总体目标", col=1)[0].row
    assert [ws.cell(row=goal, column=c).value for c in (2, 6)] == ["预期目标", "实际完成情况"]
    assert ws.cell(row=goal + 1, column=6).value == ACHIEVED  # the unit's own words
    assert ws.cell(row=goal + 1, column=2).value == page["expected_goal"]
    assert {f"A{goal}:A{goal + 1}", f"B{goal}:E{goal}", f"F{goal}:I{goal}"} <= _merged(ws)

    head = _row_of(ws, "一级指标", col=2)[0].row
    assert _values(ws, head) == HEADERS
    body = [_values(ws, r) for r in range(head + 1, head + 10)]
    labels = [row[3] for row in body]
    assert labels == [
        "收集中小微企业专利技术需求（条）",
        "中小微企业接受专利转让次数（次）",
        None,
        "专利质押融资金额（万元）",
        "专利质押项目数（项）",
        "政策惠及的中小微企业营业收入增幅",
        "政策惠及的中小微企业就业人数增幅",
        None,
        None,
    ]
    assert body[0][1:] == ["产出指标", "数量指标", labels[0], "500", "400条", 15, 12, "需求征集渠道不足"]
    assert body[1][4:8] == ["600", "600", 15, 15]
    assert body[2][2:8] == ["小计", None, None, None, 30, 27]  # 产出指标: 15 + 15 of 30
    assert body[3][1:7] == ["效益指标", "经济效益指标", labels[3], "200000", "25亿元", 15]
    assert body[5][4:8] == ["显著增长", "增长明显", 15, 15]  # targets as written
    assert body[6][7] == 9  # 部分达成 60% of 15
    assert body[7][2:8] == ["小计", None, None, None, 60, 54]
    assert body[8][:9] == ["总分", None, None, None, None, None, 100, 90.5, "等级：优"]
    assert page["scores"]["total"] == Decimal("90.50") and page["scores"]["grade"] == "优"
    first = head + 1
    assert {
        f"A{head}:A{head + 8}",  # 绩效指标 down the indicator table
        f"B{first}:B{first + 2}",  # 产出指标 over its two indicators and its 小计
        f"C{first}:C{first + 1}",  # 数量指标
        f"C{first + 2}:F{first + 2}",  # 小计
        f"B{first + 3}:B{first + 7}",  # 效益指标
        f"C{first + 3}:C{first + 4}",  # 经济效益指标
        f"C{first + 5}:C{first + 6}",  # 社会效益指标
        f"A{first + 8}:F{first + 8}",  # 总分
    } <= _merged(ws)
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"项目负责人：", "财务负责人：", "单位（盖章）：", "填报人：t-wuhan", "转化台账.pdf"} <= texts
    assert any(t.startswith("填报日期：") and t.endswith("日") for t in texts)
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == f"${head}:${head}"


def test_the_budget_block_has_a_row_per_source_and_their_total(wuhan_evaluation, wuhan, reviewer):
    report_budget_set(
        report_id=wuhan_evaluation.pk,
        expected_version=wuhan_evaluation.version,
        actor=reviewer,
        budget={
            "current": {"initial_budget": Decimal("160"), "annual_budget": Decimal("150")},
            "carryover": {"initial_budget": Decimal("30"), "annual_budget": None},  # 全年 = 年初
            "other": {"initial_budget": None, "annual_budget": Decimal("20")},
        },
    )
    executed = {"current": {"executed": Decimal("150")}, "carryover": {"executed": Decimal("15")}}
    executed |= {"other": {"executed": Decimal("0")}}
    report = _scored(wuhan_evaluation, wuhan, reviewer, budget=executed, budget_reason="其他资金年末未到位")
    ws = _sheet(report, reviewer)
    assert _values(ws, 10)[:4] == ["预算执行偏低原因", None, None, "其他资金年末未到位"]
    rows = [_values(ws, r) for r in range(6, 10)]
    assert rows[0][3:] == [190, 200, 165, 10, "82.50%", 8.25]  # 165 ÷ 200
    assert rows[1][3:] == [160, 150, 150, "—", "100.00%", "—"]
    assert rows[2][3:] == [30, 30, 15, "—", "50.00%", "—"]
    assert rows[3][3:] == [None, 20, 0, "—", "0.00%", "—"]
    page = report_page(report, reviewer)
    assert page["scores"]["budget_points"] == Decimal("8.25")
    total = _row_of(ws, "总分")
    assert Decimal(str(total[7].value)) == page["scores"]["total"] == Decimal("81.00") + Decimal("8.25")
    assert total[8].value == "等级：良"


def test_without_money_the_form_says_not_applicable_and_scales(wuhan_evaluation, wuhan, reviewer):
    ReportBudget.objects.filter(report=wuhan_evaluation).update(initial_budget=None, annual_budget=None)
    report = _scored(wuhan_evaluation, wuhan, reviewer, budget={})
    ws = _sheet(report, reviewer)
    assert _values(ws, 6)[6:] == ["不适用", "不适用", "不适用"]
    note = ws.cell(row=10, column=1).value
    assert "预算执行 10 分不适用" in note and "总分按指标得分折算为百分制" in note
    total = _row_of(ws, "总分")
    # 81 of 90 → 90.00 of 100
    assert Decimal(str(total[7].value)) == report_page(report, reviewer)["scores"]["total"] == Decimal("90.00")


def test_the_hubei_project_report_has_its_budget_from_its_funding_sources(evaluation_round, reviewer):
    """资金来源: 年度金额 (blank), 其中：中央补助 5,000 → 当年财政拨款 5,000, not 不适用."""
    report = Report.objects.get(round=evaluation_round, unit__isnull=True)
    budget = report.budget
    assert budget.applicable and budget.total.annual_budget == Decimal("5000")
    assert [(line.source, line.initial_budget) for line in budget.lines] == [
        ("current", Decimal("5000")),
        ("carryover", None),
        ("other", None),
    ]
    ws = _sheet(report, reviewer)
    assert _values(ws, 6)[1:7] == ["年度资金总额", None, 5000, 5000, None, 10]
    assert _values(ws, 7)[3:5] == [5000, 5000]
    assert "不适用" not in {c.value for row in ws.iter_rows() for c in row}
    assert ws["F4"].value == "湖北省知识产权局"  # 实施单位 of the project's own report: its department


def test_the_printed_self_evaluation_shows_every_value(wuhan_evaluation, wuhan, reviewer, soffice, tmp_path):
    report = _scored(wuhan_evaluation, wuhan, reviewer)
    page = report_page(report, reviewer)
    texts = _render(soffice, tmp_path, "self_evaluation", "self_evaluation", report)
    expected = ["项目支出绩效自评表", "（2022年度）", "专利转化专项计划资金", "湖北省知识产权局", "武汉市"]
    expected += ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    expected += ["年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金", "160.00", "152.00", "95.00%", "9.50"]
    expected += ["年度总体目标", "预期目标", "实际完成情况", ACHIEVED, "绩效指标", "偏差原因分析及改进措施"]
    expected += ["小计", "30.00", "27.00", "60.00", "54.00", "总分", "100.00", "90.50", "等级：优", "转化台账.pdf"]
    expected += ["项目负责人", "财务负责人", "填报人", "填报日期", "单位（盖章）"]
    for line in page["lines"]:
        expected += [line.value.label, line.value.target_raw, line.value.raw, f"{line.weight:.2f}"]
        expected += [f"{line.score.points:.2f}"]
    _assert_all_present(texts, expected)
    assert len(texts) == 1  # one page


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
    assert Decimal(str(_row_of(ws, "总分")[7].value)) == Decimal("90.50")
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

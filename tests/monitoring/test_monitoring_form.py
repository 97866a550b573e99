"""The 绩效运行监控表 (财预〔2019〕136号): per indicator 年度指标值, 1-N月执行情况, 全年预计完成值,
偏差原因分析 by category (ticked √) with 原因说明, 完成目标可能性 (ticked √) and 完成目标采取的措施;
the budget side 全年预算数, 1-N月执行数, 执行率, 全年预计执行数 by source. The unit fills them on the
report page (validated, audited, versioned); the form prints them cell by cell; LibreOffice prints
every value."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from monitoring.models import Report
from monitoring.selectors import report_page
from monitoring.services import report_return, report_save, report_submit
from reports.exporters.monitoring_table import NOTE
from tests.reports.test_rendered_exports import _assert_all_present, _render, soffice  # noqa: F401
from units.models import AuditEntry

from .conftest import fill
from .test_forms import _merged, _row_of, _sheet, _values

pytestmark = pytest.mark.django_db

COLLECT = "收集中小微企业专利技术需求"
PLEDGE = "专利质押融资金额"
ANSWERS = {
    "expected": {COLLECT: "450条", PLEDGE: "21亿元"},
    "likelihood": {COLLECT: "possible", PLEDGE: "certain"},
    "deviation_categories": {COLLECT: ["funding", "staff"]},
    "deviation_reason": {COLLECT: "上半年征集活动延后"},
    "corrective_measure": {COLLECT: "下半年集中开展征集"},
}


def _answered(report, filler):
    report.refresh_from_db()
    report_save(
        report_id=report.pk,
        expected_version=report.version,
        actor=filler,
        values=fill(report, {COLLECT: "100条", PLEDGE: "10亿元"}, **ANSWERS),
        budget={"current": {"executed": Decimal("60"), "expected": Decimal("150")}},
        texts={"goal_achievement": "上半年征集需求100条，质押融资10亿元"},
    )
    return Report.objects.get(pk=report.pk)


def test_the_unit_fills_the_monitoring_answers_on_the_page(client, wuhan_report, wuhan):
    client.force_login(wuhan)
    values = {v.label: v for v in wuhan_report.values.all()}
    collect, pledge = values[COLLECT], values[PLEDGE]
    page = client.get(reverse("monitoring:report", args=[wuhan_report.pk])).content.decode()
    for name in ("expected", "likelihood", "deviation_categories"):
        assert f'name="{name}-{collect.pk}"' in page
    assert 'name="executed-current"' in page and 'name="expected-current"' in page
    assert 'name="annual_budget-current"' not in page  # the budget is the bureau's
    data = {
        "version": 1,
        f"actual-{collect.pk}": "100条",
        f"expected-{collect.pk}": "≥450条",
        f"likelihood-{collect.pk}": "possible",
        f"deviation_categories-{collect.pk}": ["", "hardware", "funding"],
        f"deviation_reason-{collect.pk}": "设备采购延后",
        f"expected-{pledge.pk}": "",
        f"deviation_categories-{pledge.pk}": [""],
        "goal_achievement": "上半年按计划推进",
    }
    assert client.post(reverse("monitoring:report_save", args=[wuhan_report.pk]), data).status_code == 302
    collect.refresh_from_db()
    assert (collect.expected, collect.likelihood, collect.deviation_categories) == (
        "≥450条",
        "possible",
        "funding,hardware",
    )
    assert collect.category_labels == ["经费保障", "硬件条件保障"]
    report = Report.objects.get(pk=wuhan_report.pk)
    assert report.version == 2 and report.goal_achievement == "上半年按计划推进"
    entry = AuditEntry.objects.filter(action="monitoring.report.changed").latest("pk")
    assert entry.after[COLLECT]["全年预计完成值"] == "≥450条"
    assert entry.after[COLLECT]["偏差原因类别"] == "经费保障、硬件条件保障"
    assert entry.after[COLLECT]["完成目标可能性"] == "有可能"
    page = client.get(reverse("monitoring:report", args=[wuhan_report.pk])).content.decode()
    assert 'value="hardware" checked' in page and 'value="possible" selected' in page


@pytest.mark.parametrize(
    ("field", "posted", "message"),
    [
        ("likelihood", "maybe", "完成目标可能性应为确定能、有可能或完全不可能"),
        ("deviation_categories", ["funding", "weather"], "偏差原因类别无效：weather"),
        ("expected", "9" * 30, "全年预计完成值"),
    ],
)
def test_a_bad_monitoring_answer_is_refused_naming_it_and_nothing_is_saved(
    client, wuhan_report, wuhan, field, posted, message
):
    client.force_login(wuhan)
    collect = wuhan_report.values.get(label=COLLECT)
    data = {"version": 1, f"actual-{collect.pk}": "100条", f"{field}-{collect.pk}": posted}
    response = client.post(reverse("monitoring:report_save", args=[wuhan_report.pk]), data)
    assert response.status_code == 400
    assert f"“{COLLECT}”" in response.content.decode() and message in response.content.decode()
    collect.refresh_from_db()
    assert collect.raw == "" and Report.objects.get(pk=wuhan_report.pk).version == 1


def test_a_lagging_target_still_needs_its_reason_and_measure(wuhan_report, wuhan):
    report = _answered(wuhan_report, wuhan)
    report_save(
        report_id=report.pk,
        expected_version=report.version,
        actor=wuhan,
        values=fill(report, {}, corrective_measure={COLLECT: ""}),
    )
    with pytest.raises(ValidationError, match=f"“{COLLECT}”进度落后于时间进度超过 10 个百分点，须填写纠偏措施"):
        report_submit(report_id=report.pk, actor=wuhan)


def test_the_answers_are_versioned_and_shown_as_changed_since_a_return(wuhan_report, wuhan, reviewer):
    from .test_reports import ON_TRACK

    report_save(
        report_id=wuhan_report.pk,
        expected_version=1,
        actor=wuhan,
        values=fill(wuhan_report, ON_TRACK, **ANSWERS),
        budget={"current": {"executed": Decimal("80")}},
    )
    report_submit(report_id=wuhan_report.pk, actor=wuhan)
    report_return(report_id=wuhan_report.pk, actor=reviewer, comment="请核对预计完成值")
    report = Report.objects.get(pk=wuhan_report.pk)
    report_save(
        report_id=report.pk,
        expected_version=report.version,
        actor=wuhan,
        values=fill(report, {}, expected={COLLECT: "500条"}, likelihood={COLLECT: "certain"}),
        budget={"current": {"expected": Decimal("160")}},
    )
    changes = report_page(Report.objects.get(pk=report.pk), reviewer)["changes"]
    assert [(c["label"], c["before"], c["after"]) for c in changes] == [
        (f"{COLLECT} · 全年预计完成值", "450条", "500条"),
        (f"{COLLECT} · 完成目标可能性", "有可能", "确定能"),
        ("当年财政拨款 · 全年预计执行数", "", "160.00"),
    ]


def test_the_monitoring_form_is_the_ministrys_layout_cell_by_cell(wuhan_report, wuhan):
    report = _answered(wuhan_report, wuhan)
    ws = _sheet(report, wuhan, "monitoring_table")
    assert ws["A1"].value == "绩效运行监控表"
    assert ws["A2"].value == "（2022年度 · 监控时点：2022年6月30日 · 时间进度 49.59%）"
    assert [ws[c].value for c in ("A3", "B3", "A4", "B4", "G4", "H4")] == [
        "项目名称",
        "专利转化专项计划资金",
        "主管部门",
        "湖北省知识产权局",
        "实施单位",
        "武汉市",
    ]
    heads = _values(ws, 5, 17)
    assert [heads[i] for i in (0, 4, 5, 6, 7, 12)] == [
        "项目资金（万元）",
        "年初预算数",
        "全年预算数",
        "1-6月执行数",
        "执行率",
        "全年预计执行数",
    ]
    rows = [_values(ws, r, 17) for r in range(6, 10)]
    assert [row[1] for row in rows] == ["年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金"]
    assert [rows[0][i] for i in (4, 5, 6, 7, 12)] == [160, 160, 60, "37.50%", 150]
    assert [rows[1][i] for i in (4, 5, 6, 7, 12)] == [160, 160, 60, "37.50%", 150]
    assert {"A5:A9", "B6:D6", "H6:L6", "M6:Q6"} <= _merged(ws)
    goal = _row_of(ws, "年度总体目标", col=1)[0].row
    assert [ws.cell(row=goal, column=c).value for c in (2, 8)] == ["预期目标", "1-6月执行情况"]
    assert ws.cell(row=goal + 1, column=8).value == "上半年征集需求100条，质押融资10亿元"

    head = _row_of(ws, "一级指标", col=2)[0].row
    assert _values(ws, head, 17) == [
        "绩效指标",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "1-6月执行情况",
        "全年预计完成值",
        "偏差原因分析",
        None,
        None,
        None,
        None,
        None,
        "完成目标可能性",
        None,
        None,
        "完成目标采取的措施",
    ]
    assert _values(ws, head + 1, 17)[7:16] == [
        "经费保障",
        "制度保障",
        "人员保障",
        "硬件条件保障",
        "其他",
        "原因说明",
        "确定能",
        "有可能",
        "完全不可能",
    ]
    assert {f"H{head}:M{head}", f"N{head}:P{head}", f"Q{head}:Q{head + 1}", f"B{head}:B{head + 1}"} <= _merged(ws)
    collect = _values(ws, head + 2, 17)
    assert collect[1:7] == ["产出指标", "数量指标", f"{COLLECT}（条）", "500", "100条", "450条"]
    assert collect[7:] == ["√", None, "√", None, None, "上半年征集活动延后", None, "√", None, "下半年集中开展征集"]
    pledge = _values(ws, head + 4, 17)
    assert pledge[3:7] == [f"{PLEDGE}（万元）", "200000", "10亿元", "21亿元"]
    assert pledge[7:12] == [None] * 5 and pledge[13:16] == ["√", None, None]
    assert f"A{head}:A{head + 7}" in _merged(ws)  # 绩效指标 down the two heading rows and six indicators
    assert ws.print_title_rows == f"${head}:${head + 1}"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.page_setup.orientation == "landscape"


def test_the_printed_monitoring_table_shows_every_answer(wuhan_report, wuhan, soffice, tmp_path):
    report = _answered(wuhan_report, wuhan)
    page = report_page(report, wuhan)
    texts = _render(soffice, tmp_path, "monitoring_table", "monitoring_table", report)
    expected = ["绩效运行监控表", "时间进度49.59%", "项目资金", "年初预算数", "全年预算数", "1-6月执行数"]
    expected += ["执行率", "全年预计执行数", "年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金"]
    expected += ["160.00", "60.00", "37.50%", "150.00", "年度总体目标", "上半年征集需求100条，质押融资10亿元"]
    expected += ["1-6月执行情况", "全年预计完成值", "偏差原因分析", "经费保障", "制度保障", "人员保障"]
    expected += ["硬件条件保障", "原因说明", "完成目标可能性", "确定能", "有可能", "完全不可能"]
    expected += ["完成目标采取的措施", "450条", "21亿元", "上半年征集活动延后", "下半年集中开展征集"]
    expected += ["项目负责人", "财务负责人", "填报人", "填报日期", "单位（盖章）"]
    expected += [line.value.label for line in page["lines"]] + [line.value.target_raw for line in page["lines"]]
    _assert_all_present(texts, expected)
    assert "".join(texts).count("√") == 4 + NOTE.count("√")  # two categories and two likelihoods ticked
    assert len(texts) == 1

"""绩效监控 and 自评 in the browser: the reviewer opens the rounds, 武汉市 fills and submits its
monitoring report (a lagging target needs reasons) and its 自评 (with evidence), the reviewer grades
the qualitative targets and approves."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from monitoring.models import Report
from targets.models import TableRow

from .conftest import click_and_load, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _open_round(page, kind: str, day: str):
    page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + "/")
    page.click("text=绩效监控与自评 >> nth=0")
    page.select_option("select[name=kind]", label=kind)
    page.fill("input[name=reference_date]", day)
    click_and_load(page, "button:has-text('发起')")
    expect(page.locator(".messages")).to_contain_text("已通知各单位填报")


def _fill(page, actuals: dict[str, str]):
    for label, value in actuals.items():
        page.fill(f"textarea[aria-label='{label}的完成值']", value)


def _save(page):
    click_and_load(page, "#save")
    expect(page.locator(".messages")).to_contain_text("已保存")


def _submit(page):
    page.once("dialog", lambda dialog: dialog.accept())
    click_and_load(page, "#submit")


def _fill_monitoring(unit):
    unit.click("tr:has-text('绩效运行监控') >> a:has-text('填报')")
    _fill(
        unit,
        {
            "收集中小微企业专利技术需求": "150条",  # 30% at 49.59% of the year: lags
            "中小微企业接受专利转让次数": "300",
            "专利质押融资金额": "10亿元",
            "专利质押项目数": "90",
            "政策惠及的中小微企业营业收入增幅": "增长12%",
            "政策惠及的中小微企业就业人数增幅": "稳步增长",
        },
    )
    unit.fill("input[name=executed-current]", "80")
    # the 监控表's answers (财预〔2019〕136号): projection, likelihood, the reason's categories
    label = "收集中小微企业专利技术需求"
    unit.fill(f"textarea[aria-label='{label}的全年预计完成值']", "450条")
    unit.select_option(f"select[aria-label='{label}的完成目标可能性']", value="possible")
    unit.check(f"fieldset[aria-label='{label}的偏差原因类别'] input[value=staff]")
    unit.fill("input[name=expected-current]", "150")
    unit.fill("textarea[aria-label='实际完成情况']", "上半年征集需求150条")
    _save(unit)
    expect(unit.locator("tr.lagging")).to_contain_text("落后超过阈值")
    _submit(unit)
    expect(unit.locator(".messages")).to_contain_text("须填写偏差原因和纠偏措施")
    unit.fill("textarea[aria-label='收集中小微企业专利技术需求的偏差原因']", "上半年企业走访延后")
    unit.fill("textarea[aria-label='收集中小微企业专利技术需求的纠偏措施']", "三季度集中走访高校与园区")
    _save(unit)
    screenshot(unit, "monitoring_report")
    _submit(unit)
    expect(unit.locator(".messages")).to_contain_text("已提交，等待省局审核")


def _fill_evaluation(unit, tmp_path):
    unit.goto(unit.url.split("/monitoring/")[0] + "/")
    unit.click("tr:has-text('绩效自评') >> a:has-text('填报')")
    _fill(
        unit,
        {
            "收集中小微企业专利技术需求": "400条",
            "中小微企业接受专利转让次数": "612",
            "专利质押融资金额": "25亿元",
            "专利质押项目数": "180",
            "政策惠及的中小微企业营业收入增幅": "营业收入同比增长18%",
            "政策惠及的中小微企业就业人数增幅": "就业人数略有增长",
        },
    )
    unit.fill("textarea[aria-label='收集中小微企业专利技术需求的未完成原因分析']", "需求征集渠道不足")
    unit.fill("input[name=executed-current]", "152")
    unit.fill("textarea[name=conclusion]", "总体完成年度目标")
    _save(unit)
    evidence = tmp_path / "专利质押台账.pdf"
    evidence.write_bytes(PDF)
    unit.set_input_files("input[name=file]", str(evidence))
    click_and_load(unit, "#evidence button:has-text('上传')")
    expect(unit.locator("#evidence")).to_contain_text("专利质押台账.pdf")
    _submit(unit)
    expect(unit.locator(".messages")).to_contain_text("已提交，等待省局审核")


def test_a_unit_reports_monitoring_and_self_evaluation_and_the_reviewer_grades_and_approves(login, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    row = TableRow.objects.get(table__project__code="hubei-2022-patent-transfer", unit__name="武汉市")
    TableRow.objects.filter(pk=row.pk).update(status="approved", funding=Decimal("160"))

    reviewer = login("reviewer")
    _open_round(reviewer, "绩效运行监控", "2022-06-30")
    _open_round(reviewer, "绩效自评", "2022-12-31")
    # the 市州 table's six columns by 一级: 产出 56.25 over two, 效益 33.75 over four (no 满意度 column)
    expect(reviewer.locator("input[aria-label='收集中小微企业专利技术需求的权重']").first).to_have_value("28.13")

    unit = login("wuhan")
    _fill_monitoring(unit)
    _fill_evaluation(unit, tmp_path)
    summary = unit.locator(".score-summary")
    expect(summary).to_contain_text("待评定")  # once: the one qualitative line still to be graded
    expect(summary).not_to_have_text(re.compile("待评定.*待评定", re.S))

    reviewer.goto(reviewer.url.split("/monitoring/")[0] + "/review/")
    reviewer.click("tr:has-text('绩效自评') >> a:has-text('查看与审核')")
    reviewer.select_option("select[aria-label='政策惠及的中小微企业营业收入增幅的等级']", value="achieved")
    # 审核通过 before every grade: one message says both what was saved and why it is not approved.
    reviewer.click("#approve")
    expect(reviewer.locator(".messages li")).to_have_text(
        ["评定已保存，但未审核通过：请先评定：政策惠及的中小微企业就业人数增幅"]
    )
    reviewer.select_option("select[aria-label='政策惠及的中小微企业就业人数增幅的等级']", value="partial")
    reviewer.fill("input[aria-label='政策惠及的中小微企业就业人数增幅的得分比例']", "60")
    click_and_load(reviewer, "button:has-text('保存评定')")
    expect(reviewer.locator(".messages")).to_contain_text("评定已保存")
    # 22.50 + 28.12 + 8.44 × 3 + 5.06 = 81 of 90; budget 152 of 160 = 95%: 9.50; total 90.50, 优
    expect(reviewer.locator(".score-summary .total")).to_contain_text("90.50")
    expect(reviewer.locator(".score-summary .grade")).to_have_text("优")
    click_and_load(reviewer, "#approve")
    expect(reviewer.locator(".messages")).to_contain_text("已审核通过")
    screenshot(reviewer, "self_evaluation")

    reviewer.goto(reviewer.url.split("/monitoring/")[0] + "/review/")
    reviewer.click("tr:has-text('绩效运行监控') >> a:has-text('查看与审核')")
    click_and_load(reviewer, "#approve")
    expect(reviewer.locator(".messages")).to_contain_text("已审核通过")
    value = Report.objects.get(unit__name="武汉市", round__kind="monitoring").values.get(
        label="收集中小微企业专利技术需求"
    )
    assert (value.expected, value.likelihood, value.category_codes) == ("450条", "possible", ["staff"])
    assert sorted(Report.objects.filter(unit__name="武汉市").values_list("status", flat=True)) == [
        "approved",
        "approved",
    ]

"""The 任务书 of a sub-platform, filled in the browser from empty to approved."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import Agreement

from .conftest import click_and_load, eventually, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_sub_platform_fills_its_agreement_in_the_browser_and_the_bureau_approves_it(login):
    admin = login("admin")
    admin.click("text=编辑项目与指标")
    admin.select_option("select[aria-label=承担单位]", label="湖北省知识产权发展中心")
    admin.select_option("select[aria-label=平台类型]", value="sub")
    click_and_load(admin, "button:has-text('下达任务书')")
    expect(admin.locator(".messages")).to_contain_text("已为“湖北省知识产权发展中心”下达任务书")

    unit = login("platform")
    dialogs: list[str] = []

    def answer(dialog):  # the first question is dismissed, the others accepted
        dialogs.append(dialog.message)
        dialog.dismiss() if len(dialogs) == 1 else dialog.accept()

    unit.on("dialog", answer)
    click_and_load(unit, "text=湖北省专利转化专项计划项目任务书（平台类）")  # guard.js must listen before typing
    # Typing in one section, then saving another, would lose the typing: the page asks first.
    unit.fill("input[name=undertaker_leader]", "张明")
    unit.click("button:has-text('保存附表')")
    eventually(unit, lambda: dialogs, "the page asks before leaving the unsaved section")
    assert "“基本情况” 有未保存的修改" in dialogs[0]
    expect(unit.locator("input[name=undertaker_leader]")).to_have_value("张明")
    for name, value in {
        "undertaker_leader": "张明",
        "undertaker_contact": "李华",
        "undertaker_phone": "027-87654321",
        "bank_account_name": "湖北省知识产权发展中心",
        "bank_name": "中国工商银行武汉水果湖支行（102521000123）",
        "bank_account": "3202001234567890123",
    }.items():
        unit.fill(f"input[name={name}]", value)
    click_and_load(unit, "button:has-text('保存基本情况')")
    expect(unit.locator(".messages")).to_contain_text("已保存")

    unit.fill("input[name=source-special]", "160")
    unit.fill("input[aria-label=分配金额] >> nth=0", "160")
    unit.fill("input[aria-label=分配单位] >> nth=0", "湖北省知识产权发展中心")
    unit.fill("input[aria-label=开支内容] >> nth=0", "平台功能开发")
    unit.fill("input[aria-label=预算金额] >> nth=0", "40")
    unit.check("input[aria-label=设备购置] >> nth=0")
    expect(unit.locator("#budget-check")).to_contain_text("超过专项经费的 20%（32 万元）")  # live, before saving
    unit.fill("input[aria-label=预算金额] >> nth=0", "32")
    unit.fill("input[aria-label=开支内容] >> nth=1", "专题培训")
    unit.fill("input[aria-label=预算金额] >> nth=1", "128")
    expect(unit.locator("#budget-check")).to_have_text(re.compile("^合计一致"))
    click_and_load(unit, "button:has-text('保存经费')")
    expect(unit.locator(".messages")).to_contain_text("已保存")

    for n, (name, role) in enumerate([("张明", "项目负责人"), ("王芳", "财务负责人")]):
        unit.fill(f"input[aria-label=姓名] >> nth={n}", name)
        unit.select_option(f"select[aria-label=性别] >> nth={n}", "男")
        unit.fill(f"input[aria-label=年龄] >> nth={n}", "40")
        unit.fill(f"input[aria-label=工作月数] >> nth={n}", "6")
        unit.select_option(f"select[aria-label=任务角色] >> nth={n}", label=role)
    click_and_load(unit, "button:has-text('保存参与人')")
    expect(unit.locator(".messages")).to_contain_text("已保存")
    expect(unit.locator("#obligations")).to_contain_text("壹佰陆拾万元整")
    screenshot(unit, "agreement-filler")
    click_and_load(unit, "button:has-text('提交任务书')")
    expect(unit.locator(".status.st-submitted").first).to_be_visible()
    assert "确定提交任务书" in dialogs[-1]

    reviewer = login("reviewer")
    reviewer.goto(unit.url.split("#")[0])
    click_and_load(reviewer, "button:has-text('审核通过')")
    expect(reviewer.locator(".status.st-approved").first).to_be_visible()
    agreement = Agreement.objects.get(undertaker__name="湖北省知识产权发展中心")
    assert (agreement.status, agreement.undertaker_leader, agreement.staff.count()) == ("approved", "张明", 2)

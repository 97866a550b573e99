"""复制到新年度 in the browser: the admin copies the Hubei project into 2023, opens the copied
市州 table's grid with last year's approved values under each cell, and builds a new table's
unit list with 全选 by category, in the official order."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import Project
from targets.models import ReviewStatus, TableRow, TargetTable

from .conftest import click_and_load, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HUBEI = "hubei-2022-patent-transfer"
REGION_2023 = "湖北省专利转化专项计划区域绩效目标表-市州类（2023年度）"
OFFICIAL = ["武汉市", "宜昌市", "襄阳市", "黄石市", "十堰市", "荆州市"]


def test_copy_into_2023_and_see_last_years_values_in_the_grid(login, demo):
    hubei = Project.objects.get(code=HUBEI)
    # Last year: every 市州 approved but 仙桃市, 天门市 and 潜江市.
    TableRow.objects.filter(table__project=hubei, table__unit_category="region").exclude(
        unit__name__in=["仙桃市", "天门市", "潜江市"]
    ).update(status=ReviewStatus.APPROVED)
    page = login("admin")
    page.goto(f"{demo}/projects/{hubei.pk}/edit/")
    form = page.locator("#copy-year form")
    expect(form.locator("input[name=year]")).to_have_value("2023")
    form.locator("input[name=values][value=copy]").check()
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("已复制到2023年度")
    copy = Project.objects.get(copied_from=hubei)
    expect(page).to_have_url(re.compile(f"/projects/{copy.pk}/edit/$"))
    expect(page.locator("#copy-year").get_by_text("本项目复制自")).to_have_count(1)
    screenshot(page, "copy_year")

    page.click(f"li:has-text('{REGION_2023}') >> text=填报表格")
    rows = page.locator("tr.datarow")
    expect(rows).to_have_count(16)
    for n, unit in enumerate(OFFICIAL):
        expect(rows.nth(n)).to_have_attribute("data-unit", unit)
    wuhan = page.locator("tr.datarow[data-unit='武汉市'] td.cell")
    expect(wuhan.nth(3)).to_have_attribute("data-last-year", "200000")
    expect(wuhan.nth(3)).to_have_text("200000")  # copied as the starting value
    shown = wuhan.nth(3).evaluate("td => getComputedStyle(td, '::after').content")
    assert "上年 200000" in shown
    xiantao = page.locator("tr.datarow[data-unit='仙桃市'] td.cell").nth(3)
    expect(xiantao).to_have_attribute("data-last-year", "—")
    expect(page.locator(".last-year-note")).to_be_visible()
    screenshot(page, "last_year_values")

    # Editing a cell keeps the 上年值 beside it (it is not part of the cell's text).
    cell = wuhan.nth(0)
    cell.click()
    page.keyboard.press("F2")
    page.keyboard.press("Control+A")
    page.keyboard.type("550")
    page.keyboard.press("Enter")
    expect(page.locator("#statusbar")).to_have_text(re.compile("^已保存"))
    expect(cell).to_have_text("550")
    expect(cell).to_have_attribute("data-last-year", "500")


def test_a_new_tables_units_by_select_all_of_the_category_in_the_official_order(login, demo):
    hubei = Project.objects.get(code=HUBEI)
    page = login("admin")
    page.goto(f"{demo}/projects/{hubei.pk}/edit/")
    add = page.locator("form.addform:has(input[name=title])")
    add.locator("input[name=title]").fill("市州测试表（2023年度）")
    add.locator("select[name=unit_category]").select_option("region")
    add.locator("input[name=start_year]").fill("2023")
    add.locator("input[name=end_year]").fill("2023")
    add.locator("input[name=all_units]").uncheck()
    add.locator("button[type=submit]").click()
    expect(page.locator("#unit-picker")).to_be_visible()
    expect(page.locator("#unit-picker input[name=units]:checked")).to_have_count(0)
    labels = page.locator("#unit-picker .unitlist label")
    for n, unit in enumerate(OFFICIAL):
        expect(labels.nth(n)).to_have_text(unit)
    page.click("#unit-picker button:has-text('全选市州')")
    expect(page.locator("#unit-picker input[name=units]:checked")).to_have_count(16)
    expect(page.locator("#unit-picker .picked")).to_have_text("已选 16 / 16 个单位")
    # Reorder by number: 襄阳市 first, 武汉市 third.
    page.fill("#unit-picker input[aria-label='襄阳市 序号']", "1")
    page.fill("#unit-picker input[aria-label='武汉市 序号']", "3")
    screenshot(page, "unit_picker")
    click_and_load(page, "#unit-picker button:has-text('保存单位')")
    expect(page.locator(".messages")).to_contain_text("已添加 16 个单位")
    table = TargetTable.objects.get(project=hubei, title="市州测试表（2023年度）")
    names = list(TableRow.objects.filter(table=table).order_by("seq").values_list("unit__name", flat=True))
    assert names[:4] == ["襄阳市", "宜昌市", "武汉市", "黄石市"]
    assert len(names) == 16

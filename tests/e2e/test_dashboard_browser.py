"""The summary and the dashboard in Chromium, on the demo rounds: the charts are drawn (SVG by the
vendored ECharts) beside their tables; without JavaScript the tables alone carry the numbers."""

import os
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from playwright.sync_api import expect

from monitoring.demo import DEMO_YEAR, demo_project, monitoring_demo_load
from monitoring.models import GradeLevel, Round
from monitoring.services import round_open
from targets.rollup import Group
from tests.monitoring.test_actuals import demo_expected

from .conftest import SCREENSHOTS, screenshot


def test_the_summary_and_dashboard_show_the_demo_rounds(login, demo, browser):
    GradeLevel.objects.all().delete()  # as a test before may have left it (flushed): the demo still grades
    monitoring_demo_load()
    round_ = Round.objects.get(kind="self_evaluation")
    page = login("reviewer")
    page.goto(f"{demo}/monitoring/rounds/{round_.pk}/")
    page.click("text=汇总表")
    expect(page.locator("table.summary tbody tr")).to_have_count(6)
    expect(page.locator("table.summary")).to_contain_text("黄石市")
    screenshot(page, "monitoring_summary")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{demo}/monitoring/rounds/{round_.pk}/dashboard/")
    expect(page.locator("[data-chart=units] svg")).to_be_visible()
    expect(page.locator(".chart svg")).to_have_count(5)
    # drawn, not only set up: bars and pie sectors are paths, in every chart (the custom ECharts build
    # holds the chart types the page uses: static-src/echarts/entry.js)
    for chart in ("units", "indicators", "ontime", "grades", "budget"):
        expect(page.locator(f"[data-chart={chart}] svg path").first).to_be_attached()
    assert errors == []
    screenshot(page, "monitoring_dashboard")
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(f"{demo}/accounts/login/")
    plain.fill("input[name=username]", "reviewer")
    plain.fill("input[name=password]", "demo-pass-2022")
    plain.click("button[type=submit]")
    expect(plain).to_have_url(f"{demo}/")
    plain.goto(f"{demo}/monitoring/rounds/{round_.pk}/dashboard/")
    expect(plain.locator("body")).to_contain_text("襄阳市")
    expect(plain.locator("body")).to_contain_text("按时提交率")
    expect(plain.locator(".chart svg")).to_have_count(0)
    context.close()


def test_the_project_rollup_leads_to_a_rounds_completions_against_the_provincial_targets(login, demo):
    GradeLevel.objects.all().delete()  # as above
    monitoring_demo_load()
    mid = Round.objects.get(kind="monitoring")
    collect = demo_expected("monitoring")["收集中小微企业专利技术需求"]
    page = login("reviewer")
    page.goto(f"{demo}/projects/{mid.project_id}/rollup/")
    page.click(f".rollup-rounds a:has-text('{mid}')")
    expect(page).to_have_url(f"{demo}/monitoring/rounds/{mid.pk}/summary/#actuals")
    section = page.locator("#actuals")
    expect(section).to_contain_text("完成值汇总（对照省级指标）")
    row = section.locator("tbody tr", has_text="收集中小微企业专利技术需求")
    rate = (collect[Group.FILLED] * 100 / 3000).quantize(Decimal(1), ROUND_HALF_UP)
    for text in (f"{int(collect[Group.FILLED]):,}条", f"{int(collect[Group.APPROVED]):,}条", f"{rate}%", "未达目标"):
        expect(row).to_contain_text(text)
    expect(section.locator("tbody tr")).to_have_count(2)
    expect(section).to_contain_text("35亿元")
    if os.environ.get("SAVE_SCREENSHOTS") == "1":
        section.screenshot(path=str(SCREENSHOTS / "rollup_actuals.png"))


def test_a_chart_with_nothing_to_draw_is_left_out_and_its_table_says_so(login, demo, admin_user):
    GradeLevel.objects.all().delete()
    monitoring_demo_load()
    fresh = round_open(
        project=demo_project(),
        kind="monitoring",
        reference_date=date(DEMO_YEAR, 9, 30),
        deadline=None,
        lag_threshold=Decimal("10"),
        actor=admin_user,
    )
    page = login("reviewer")
    page.goto(f"{demo}/monitoring/rounds/{fresh.pk}/dashboard/")
    expect(page.locator("[data-chart=ontime] svg")).to_be_visible()
    expect(page.locator("[data-chart=budget]")).to_be_hidden()  # was drawn as bare axes
    expect(page.locator("body")).to_contain_text("尚无预算执行数据")

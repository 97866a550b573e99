"""The summary and the dashboard in Chromium, on the demo rounds: the charts are drawn (SVG by the
vendored ECharts) beside their tables; without JavaScript the tables alone carry the numbers."""

import os
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from monitoring.demo import monitoring_demo_load
from monitoring.models import GradeLevel, Round
from monitoring.services import round_open
from projects.models import Project
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
    assert page.locator("table.summary tbody tr").count() == 6
    assert "黄石市" in page.inner_text("table.summary")
    screenshot(page, "monitoring_summary")
    page.goto(f"{demo}/monitoring/rounds/{round_.pk}/dashboard/")
    page.wait_for_selector("[data-chart=units] svg")
    assert page.locator(".chart svg").count() == 5
    screenshot(page, "monitoring_dashboard")
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(f"{demo}/accounts/login/")
    plain.fill("input[name=username]", "reviewer")
    plain.fill("input[name=password]", "demo-pass-2022")
    plain.click("button[type=submit]")
    plain.goto(f"{demo}/monitoring/rounds/{round_.pk}/dashboard/")
    assert plain.locator(".chart svg").count() == 0
    assert "襄阳市" in plain.inner_text("body") and "按时提交率" in plain.inner_text("body")
    context.close()


def test_the_project_rollup_leads_to_a_rounds_completions_against_the_provincial_targets(login, demo):
    GradeLevel.objects.all().delete()  # as above
    monitoring_demo_load()
    mid = Round.objects.get(kind="monitoring")
    collect = demo_expected("monitoring")["收集中小微企业专利技术需求"]
    page = login("reviewer")
    page.goto(f"{demo}/projects/{mid.project_id}/rollup/")
    page.click(f".rollup-rounds a:has-text('{mid}')")
    page.wait_for_url(f"**/monitoring/rounds/{mid.pk}/summary/#actuals")
    section = page.locator("#actuals")
    assert "完成值汇总（对照省级指标）" in section.inner_text()
    row = section.locator("tbody tr", has_text="收集中小微企业专利技术需求")
    text = row.inner_text()
    rate = (collect[Group.FILLED] * 100 / 3000).quantize(Decimal(1), ROUND_HALF_UP)
    assert f"{int(collect[Group.FILLED]):,}条" in text and f"{int(collect[Group.APPROVED]):,}条" in text
    assert f"{rate}%" in text and "未达目标" in text
    assert section.locator("tbody tr").count() == 2 and "35亿元" in section.inner_text()
    if os.environ.get("SAVE_SCREENSHOTS") == "1":
        section.screenshot(path=str(SCREENSHOTS / "rollup_actuals.png"))


def test_a_chart_with_nothing_to_draw_is_left_out_and_its_table_says_so(login, demo, admin_user):
    GradeLevel.objects.all().delete()
    monitoring_demo_load()
    fresh = round_open(
        project=Project.objects.get(code="hubei-2022-patent-transfer"),
        kind="monitoring",
        reference_date=date(2022, 9, 30),
        deadline=None,
        lag_threshold=Decimal("10"),
        actor=admin_user,
    )
    page = login("reviewer")
    page.goto(f"{demo}/monitoring/rounds/{fresh.pk}/dashboard/")
    page.wait_for_selector("[data-chart=ontime] svg")
    assert page.locator("[data-chart=budget]").is_hidden()  # was drawn as bare axes
    assert "尚无预算执行数据" in page.inner_text("body")

"""The summary and the dashboard in Chromium, on the demo rounds: the charts are drawn (SVG by the
vendored ECharts) beside their tables; without JavaScript the tables alone carry the numbers."""

from datetime import date
from decimal import Decimal

from monitoring.demo import monitoring_demo_load
from monitoring.models import GradeLevel, Round
from monitoring.services import round_open
from projects.models import Project

from .conftest import screenshot


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

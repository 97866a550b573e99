"""Plausibility in the browser (issue 21 §4, issue 22 §3): a filler types a value ten times last
year's, sees the warning beside the cell as it is saved, is asked for a reason when it submits,
and the reviewer sees the flag and the reason in the queue and on the row, beside the references."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMAND = "收集中小微企业专利技术需求"
REASON = "今年新增光谷、临空港两个园区，需求征集范围扩大"


@pytest.fixture
def year_2023(demo):
    """Hubei 2022 with 武汉市 approved and its 自评 approved, copied into 2023 and open."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from guardian.shortcuts import assign_perm

    from monitoring.models import Report, ReportValue, RoundKind
    from monitoring.services import round_open
    from projects.copying import project_copy_year
    from projects.models import Project
    from review.engine import ReviewStatus
    from targets.models import TableRow, TargetTable
    from targets.workflow import table_open

    admin = get_user_model().objects.get(username="admin")
    hubei = Project.objects.get(code="hubei-2022-patent-transfer")
    TableRow.objects.filter(table__project=hubei, unit__name="武汉市").update(status=ReviewStatus.APPROVED)
    evaluation = round_open(
        project=hubei,
        kind=RoundKind.SELF_EVALUATION,
        reference_date=date(2022, 12, 31),
        deadline=None,
        lag_threshold=10,
        actor=admin,
    )
    report = Report.objects.get(round=evaluation, unit__name="武汉市")
    ReportValue.objects.filter(report=report, label=DEMAND).update(raw="540", kind="quantity", number=540)
    Report.objects.filter(pk=report.pk).update(status=ReviewStatus.APPROVED)
    copy = project_copy_year(project=hubei, year=2023, actor=admin, copy_values=False)
    assign_perm("projects.review_project", get_user_model().objects.get(username="reviewer"), copy)
    table = TargetTable.objects.get(project=copy, unit_category="region")
    table_open(table_id=table.pk, actor=admin, deadline=timezone.now() + timedelta(days=7))
    return table


def test_a_warning_beside_the_cell_a_reason_at_submit_and_the_flag_in_the_review_queue(demo, login, year_2023):
    filler = login("wuhan")
    filler.on("dialog", lambda dialog: dialog.accept())
    filler.goto(f"{demo}/tables/{year_2023.pk}/grid/")
    row = filler.locator("tr.datarow[data-unit='武汉市']")
    cell = row.locator("td.cell").first
    expect(cell).to_have_attribute("data-last-year", "500")
    expect(cell).to_have_attribute("data-last-year-actual", "540")

    cell.click()
    filler.keyboard.press("F2")
    filler.keyboard.type("5001")
    filler.keyboard.press("Enter")
    expect(cell).to_have_attribute("data-warning", "是上年审核通过值（500）的 10 倍，请核实")
    expect(filler.locator("#statusbar")).to_contain_text("已保存")
    expect(filler.locator("#statusbar")).to_contain_text("请核实：是上年审核通过值（500）的 10 倍")
    expect(cell).to_have_text("5001")  # saved as typed: a warning, never a refusal
    cell.focus()
    screenshot(filler, "grid-plausibility-warning")

    row.locator("button:has-text('提交')").click()
    expect(filler).to_have_url(re.compile(r"/rows/\d+/#plausibility$"))
    expect(filler.locator("ul.messages")).to_contain_text("有 1 项提示尚未说明")
    flags = filler.locator("#plausibility")
    expect(flags).to_contain_text("合理性提示（1 项）")
    expect(flags).to_contain_text("⚠ 请核实")
    expect(filler.locator(".statusline .status")).to_have_text("填报中")
    screenshot(filler, "row-plausibility-reason")

    flags.get_by_label(f"{DEMAND}（条） 的说明").fill(REASON)
    filler.get_by_role("button", name="填写说明并提交审核").click()
    expect(filler.locator(".statusline .status")).to_have_text("已提交")
    expect(filler.locator("#plausibility")).to_contain_text("ⓘ 已说明")

    reviewer = login("reviewer")
    reviewer.goto(f"{demo}/review/")
    queued = reviewer.locator("table.queue tr.aids").filter(has_text="5001")
    expect(reviewer.locator("table.queue")).to_contain_text("ⓘ 1 项已说明")
    expect(queued).to_contain_text(f"ⓘ 已说明：{REASON}")
    expect(queued).to_contain_text("较上年 +900.2%")
    expect(queued.locator("tr.flag-confirmed td").nth(4)).to_have_text("540")  # 上年实际值
    screenshot(reviewer, "review-queue-plausibility")

    reviewer.locator("table.queue a:has-text('查看与审核')").first.click()
    expect(reviewer.locator(".rowform")).to_contain_text(f"ⓘ 已说明：{REASON}")
    expect(reviewer.locator(".rowform")).to_contain_text("较上年 +900.2%")
    expect(reviewer.locator("#plausibility")).to_contain_text(REASON)
    screenshot(reviewer, "row-plausibility-reviewer")

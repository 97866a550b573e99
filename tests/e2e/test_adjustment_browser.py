"""调整 in the browser: the unit asks to change a cell of its approved row with a reason, the
reviewer sees the difference and approves it, and the row page lists 批复 v1 and v2 and compares them."""

import pytest
from playwright.sync_api import expect

from targets.models import AdjustmentRequest, ApprovedVersion, Cell, ReviewStatus, TableRow

from .conftest import screenshot
from .test_grid_browser import REGION

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _approved_row() -> TableRow:
    from django.contrib.auth import get_user_model

    from targets.workflow import row_approve, row_submit

    row = TableRow.objects.get(table__title=REGION, unit__name="武汉市")
    users = get_user_model().objects
    row_submit(row_id=row.pk, actor=users.get(username="wuhan"))
    row_approve(row_id=row.pk, actor=users.get(username="reviewer"))
    return row


def test_a_unit_asks_for_an_adjustment_the_reviewer_approves_and_the_versions_compare(login):
    row = _approved_row()
    first = row.table.columns.get(order=1)

    filler = login("wuhan")
    filler.goto(filler.url + f"rows/{row.pk}/")
    filler.click("summary:has-text('申请调整')")
    filler.fill(f"textarea[name=adj-{first.pk}]", "520")
    filler.fill("textarea[name=reason]", "新增光谷园区企业需求调查，收集目标相应提高")
    filler.click("button:has-text('提交调整申请')")
    expect(filler.locator("#adjustment")).to_contain_text("待审核")
    adjustment = AdjustmentRequest.objects.get(row=row)
    assert adjustment.status == ReviewStatus.SUBMITTED
    assert Cell.objects.get(row=row, column=first).raw == "500"  # approved values stay in force

    reviewer = login("reviewer")
    reviewer.goto(reviewer.url + "review/")
    reviewer.click("a[href$='#adjustment']")
    expect(reviewer.locator("#adjustment table.diff")).to_contain_text("520")
    screenshot(reviewer, "adjustment_request")
    reviewer.fill("#adjustment input[name=comment]", "同意，按调整后的目标考核")
    reviewer.click("button:has-text('批准调整')")
    expect(reviewer.locator("#versions")).to_contain_text("批复 v2")
    assert Cell.objects.get(row=row, column=first).raw == "520"
    assert list(ApprovedVersion.objects.filter(row=row).values_list("number", flat=True)) == [1, 2]

    filler.goto(filler.url.split("#")[0])
    filler.click("#versions button:has-text('比较')")
    expect(filler.locator("h1")).to_contain_text("批复版本比较")
    changed = filler.locator("table.diff tr.changed")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("520")
    expect(changed).to_contain_text("500")
    screenshot(filler, "approved_versions")

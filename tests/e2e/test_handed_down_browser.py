"""A handed-down table end to end: the admin turns the 市州 table into a handed-down one, the
bureau writes 武汉市's 下达值 in the grid (typed and pasted), the unit confirms one and proposes
another with a reason on its row page and submits, the reviewer sees the difference marked on
the grid and the row page, and approves: the unit's values become the 批复值."""

import re

import pytest
from playwright.sync_api import expect

from targets.models import AssignedState, AssignedValue, Cell, ReviewStatus, TableMode, TableRow, TargetTable

from .conftest import click_and_load, eventually, screenshot
from .test_grid_browser import REGION, _cell, _paste, _type, _wait_saved

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _row():
    return TableRow.objects.get(table__title=REGION, unit__name="武汉市")


def _accept_dialogs(page) -> list[str]:
    messages: list[str] = []

    def accept(dialog):
        messages.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return messages


def _base(page) -> str:
    """The live server's address, from any page of it."""
    return "/".join(page.url.split("/")[:3])


def test_hand_down_confirm_propose_and_approve_in_the_browser(login):
    table = TargetTable.objects.get(title=REGION)
    first, second = [c for c in table.columns.order_by("order")][:2]

    admin = login("admin")
    asked = _accept_dialogs(admin)
    admin.goto(f"{_base(admin)}/tables/{table.pk}/grid/")
    admin.click("button:has-text('改为下达表')")
    expect(admin.locator("table.sheet.handdown")).to_be_visible()
    assert "现有的值都将作为下达值保留" in asked[0]
    assert TargetTable.objects.get(pk=table.pk).mode == TableMode.HANDED_DOWN
    _type(admin, "武汉市", 1, "520")
    _wait_saved(admin)
    _paste(admin, "武汉市", 2, "90")
    admin.click("#paste-dialog button[data-act=apply]")
    expect(admin.locator("#statusbar")).to_have_text("粘贴完成：已保存 1 格（1 行）")

    def given():
        return dict(AssignedValue.objects.filter(row=_row()).values_list("column_id", "raw"))

    eventually(admin, lambda: given().get(second.pk) == "90", "the pasted 下达值 saved")
    assert given()[first.pk] == "520"

    unit = login("wuhan")
    confirmations = _accept_dialogs(unit)
    unit.goto(f"{_base(unit)}/rows/{_row().pk}/")
    unit.select_option(f"select[name=decision-{first.pk}]", "confirm")
    unit.select_option(f"select[name=decision-{second.pk}]", "propose")
    unit.fill(f"input[name=value-{second.pk}]", "70")
    click_and_load(unit, "button:has-text('保存确认与调整')")  # no reason: refused, in Chinese, naming the cell
    expect(unit.get_by_text(f"“{second.label}”提出调整时必须填写理由")).to_be_visible()
    unit.select_option(f"select[name=decision-{first.pk}]", "confirm")
    unit.select_option(f"select[name=decision-{second.pk}]", "propose")
    unit.fill(f"input[name=value-{second.pk}]", "70")
    unit.fill(f"input[name=reason-{second.pk}]", "今年新设两个县级工作站，需求收集能力有限")
    screenshot(unit, "handed_down_answer")
    click_and_load(unit, "button:has-text('保存确认与调整')")
    expect(unit.get_by_text("已保存 2 项确认或调整")).to_be_visible()
    click_and_load(unit, "button:has-text('提交审核')")
    expect(unit.locator(".statusline")).to_contain_text("等待审核")
    assert any("确定提交审核" in m for m in confirmations)
    states = dict(AssignedValue.objects.filter(row=_row()).values_list("column_id", "state"))
    assert states[first.pk] == AssignedState.CONFIRMED and states[second.pk] == AssignedState.PROPOSED

    reviewer = login("reviewer")
    reviewer.goto(f"{_base(reviewer)}/tables/{table.pk}/grid/")
    reported = reviewer.locator(f"tr.datarow[data-unit='武汉市'] td.hd-reported[data-col='{second.pk}']")
    expect(reported).to_have_class(re.compile(r"\bhd-diff\b"))
    expect(reported).to_contain_text("≠")
    expect(reported).to_contain_text("需求收集能力有限")
    expect(_cell(reviewer, "武汉市", 2)).to_have_text("90")
    reviewer.set_viewport_size({"width": 1800, "height": 900})  # the whole sheet, 状态与操作 included
    screenshot(reviewer, "handed_down_grid")
    reviewer.set_viewport_size({"width": 1366, "height": 768})
    reviewer.goto(f"{_base(reviewer)}/rows/{_row().pk}/")
    expect(reviewer.locator("table.rowform.handdown tr.hd-diff")).to_have_count(1)
    screenshot(reviewer, "handed_down_row")
    click_and_load(reviewer, "button:has-text('审核通过')")
    expect(reviewer.locator(".statusline")).to_contain_text("已锁定")
    row = _row()
    assert row.status == ReviewStatus.APPROVED
    approved = dict(Cell.objects.filter(row=row).values_list("column_id", "raw"))
    assert approved[first.pk] == "520" and approved[second.pk] == "70"

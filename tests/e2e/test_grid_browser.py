"""A unit fills its row in the grid, a reviewer returns it, the unit fixes it, the reviewer
approves it; and two people editing one row at once never overwrite each other silently."""

import re

import pytest
from playwright.sync_api import expect

from targets.models import Cell, ReviewStatus, TableRow
from units.models import AuditEntry

from .conftest import eventually, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REGION = "湖北省专利转化专项计划区域绩效目标表-市州类（2022年度）"


def _open_grid(page, *, own_row: bool = False):
    """The 市州 grid from the home page: a filler (`own_row`) through its row's link, staff through the table's."""
    page.goto(page.url.split("/accounts")[0].rstrip("/") + "/")
    page.click("table.myrows a") if own_row else page.click(f"a:has-text('{REGION}')")
    expect(page.locator("#sheet")).to_be_visible()
    # grid.js listens from the end of the page: a key pressed before it runs is lost (a loaded CI
    # machine typed “520” as “20”).
    page.wait_for_load_state("load")


def _cell(page, unit: str, order: int):
    return page.locator(f"tr.datarow[data-unit='{unit}'] td.cell").nth(order - 1)


def _type(page, unit: str, order: int, text: str):
    cell = _cell(page, unit, order)
    cell.click()
    page.keyboard.press("F2")
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def _wait_saved(page):
    expect(page.locator("#statusbar")).to_have_text(re.compile("^已保存"))


def _paste(page, unit: str, order: int, text: str):
    _cell(page, unit, order).click()
    page.evaluate(
        """([unit, order, text]) => {
            const td = document.querySelectorAll(`tr.datarow[data-unit='${unit}'] td.cell`)[order - 1];
            const data = new DataTransfer();
            data.setData('text/plain', text);
            td.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        [unit, order, text],
    )


def _row():
    return TableRow.objects.get(table__title=REGION, unit__name="武汉市")


def _raws():
    return list(Cell.objects.filter(row=_row()).order_by("column__order").values_list("raw", flat=True))


def test_fill_submit_return_fix_resubmit_approve_in_the_browser(login):
    filler = login("wuhan")
    filler.on("dialog", lambda dialog: dialog.accept())  # 提交 asks for confirmation
    _open_grid(filler, own_row=True)
    expect(filler.locator("tr.datarow")).to_have_count(1)  # only 武汉市

    # Typing, with arrows and Tab to move.
    _type(filler, "武汉市", 1, "520")
    _wait_saved(filler)
    expect(filler.locator("#statusbar")).to_contain_text("收集中小微企业专利技术需求（条）：520 → 520条")

    # A word in a numeric column is an error on that cell, and is not saved.
    _type(filler, "武汉市", 2, "六百")
    expect(filler.locator("tr.datarow[data-unit='武汉市'] td.cell.error")).to_be_visible()
    expect(filler.locator("#statusbar")).to_contain_text("不是数字")
    assert _raws()[1] == "600"
    _type(filler, "武汉市", 2, "610")
    _wait_saved(filler)
    expect(filler.locator("td.cell.error")).to_have_count(0)

    # A block copied from Excel: three cells from the cursor, plus a second line with no row to land on.
    _paste(filler, "武汉市", 3, "350\t210000\t180\r\n1\t2\t3\r\n")
    dialog = filler.locator("#paste-dialog")
    expect(dialog).to_contain_text("将修改 3 个单元格")
    expect(dialog).to_contain_text("超出表格")
    screenshot(filler, "grid-paste-preview")
    dialog.locator("[data-act=apply]").click()
    expect(filler.locator("#statusbar")).to_have_text("粘贴完成：已保存 3 格（1 行）")
    assert _raws()[:5] == ["520", "610", "350", "210000", "180"]
    screenshot(filler, "grid-filler")

    filler.click("tr.datarow[data-unit='武汉市'] button:has-text('提交')")
    expect(filler.locator("tr.st-submitted")).to_be_visible()
    assert _row().status == ReviewStatus.SUBMITTED

    reviewer = login("reviewer")
    _open_grid(reviewer)
    expect(reviewer.locator("tr.datarow")).to_have_count(16)
    reviewer.fill("tr.datarow[data-unit='武汉市'] input[name=comment]", "成交金额请按备案登记数填写")
    reviewer.click("tr.datarow[data-unit='武汉市'] button:has-text('退回')")
    expect(reviewer.locator("tr.datarow[data-unit='武汉市'].st-returned")).to_be_visible()
    assert _row().review_comment == "成交金额请按备案登记数填写"

    filler.reload()
    expect(filler.locator("tr.datarow[data-unit='武汉市']")).to_contain_text("已退回")
    _type(filler, "武汉市", 3, "450")
    _wait_saved(filler)
    filler.click("tr.datarow[data-unit='武汉市'] button:has-text('提交')")
    expect(filler.locator("tr.st-submitted")).to_be_visible()

    reviewer.reload()
    reviewer.click("tr.datarow[data-unit='武汉市'] button:has-text('通过')")
    expect(reviewer.locator("tr.datarow[data-unit='武汉市'].st-approved")).to_be_visible()
    screenshot(reviewer, "grid-reviewer")
    assert _row().status == ReviewStatus.APPROVED

    # The approved row is read-only in the browser, and the database refuses it anyway.
    filler.reload()
    expect(filler.locator("tr.datarow[data-unit='武汉市'].st-approved")).to_be_visible()
    _cell(filler, "武汉市", 1).click()
    filler.keyboard.type("9")
    expect(filler.locator("#statusbar")).to_contain_text("不能修改")
    expect(filler.locator("td.cell input")).to_have_count(0)
    assert _raws()[:5] == ["520", "610", "450", "210000", "180"]
    actions = set(AuditEntry.objects.filter(object_id=str(_row().pk)).values_list("action", flat=True))
    assert {"targets.row.submitted", "targets.row.returned", "targets.row.approved", "targets.cell.changed"} <= actions


def test_two_editors_of_one_row_never_overwrite_each_other_silently(login):
    filler = login("wuhan")
    _open_grid(filler)
    reviewer = login("reviewer")
    _open_grid(reviewer)

    # Both loaded version 1. The reviewer saves first.
    _type(reviewer, "武汉市", 1, "530")
    _wait_saved(reviewer)

    # The filler's save is refused and shows the reviewer's value; they reload it.
    _type(filler, "武汉市", 1, "540")
    dialog = filler.locator("#conflict-dialog")
    for text in ("省局审核员", "530", "540"):
        expect(dialog).to_contain_text(text)
    screenshot(filler, "grid-conflict")
    dialog.locator("[data-act=reload]").click()
    expect(_cell(filler, "武汉市", 1)).to_have_text("530")
    assert _raws()[0] == "530"

    # Again, and this time the filler overwrites knowingly.
    _type(reviewer, "武汉市", 2, "620")
    _wait_saved(reviewer)
    _type(filler, "武汉市", 1, "550")
    expect(dialog).to_be_visible()
    dialog.locator("[data-act=overwrite]").click()
    _wait_saved(filler)
    eventually(filler, lambda: _raws()[:2] == ["550", "620"], "the overwrite saved beside the reviewer's other cell")

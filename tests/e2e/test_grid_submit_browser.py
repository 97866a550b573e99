"""Submitting from the grid: never while a cell on screen is unsaved or refused, always after a
confirmation; a returned row keeps its reviewer's comment in view until it is submitted again."""

import pytest
from playwright.sync_api import expect

from targets.models import ReviewStatus, TableRow

from .conftest import eventually, screenshot
from .test_grid_browser import REGION, _open_grid, _type, _wait_saved

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUBMIT = "tr.datarow[data-unit='武汉市'] button:has-text('提交')"
COMMENT = "成交金额请按备案登记数填写"


def _status():
    return TableRow.objects.get(table__title=REGION, unit__name="武汉市").status


def test_the_grid_refuses_to_submit_a_row_with_a_refused_cell_and_confirms_a_submission(login):
    filler = login("wuhan")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.accept() if len(dialogs) > 1 else dialog.dismiss()

    filler.on("dialog", answer)
    _open_grid(filler, own_row=True)
    _type(filler, "武汉市", 1, "520")
    _wait_saved(filler)
    _type(filler, "武汉市", 2, "六百")
    expect(filler.locator("tr.datarow[data-unit='武汉市'] td.cell.error")).to_be_visible()

    filler.click(SUBMIT)
    expect(filler.locator("#statusbar")).to_contain_text("未提交")
    expect(filler.locator("#statusbar")).to_contain_text("未保存或被拒绝")
    assert dialogs == [] and _status() == ReviewStatus.DRAFT

    _type(filler, "武汉市", 2, "610")
    _wait_saved(filler)
    filler.click(SUBMIT)  # dismissed: nothing is submitted
    expect(filler.locator("#statusbar")).to_contain_text("已取消提交")
    assert len(dialogs) == 1 and "确定提交" in dialogs[0]
    assert _status() == ReviewStatus.DRAFT

    filler.click(SUBMIT)  # accepted
    expect(filler.locator("tr.datarow[data-unit='武汉市'].st-submitted")).to_be_visible()
    eventually(filler, lambda: _status() == ReviewStatus.SUBMITTED, "the row submitted")


def test_a_returned_rows_comment_stays_in_the_grid_and_the_row_header_after_an_edit(login):
    filler = login("wuhan")
    filler.on("dialog", lambda dialog: dialog.accept())
    _open_grid(filler, own_row=True)
    _type(filler, "武汉市", 1, "520")
    _wait_saved(filler)
    filler.click(SUBMIT)
    expect(filler.locator("tr.datarow[data-unit='武汉市'].st-submitted")).to_be_visible()

    reviewer = login("reviewer")
    _open_grid(reviewer)
    reviewer.fill("tr.datarow[data-unit='武汉市'] input[name=comment]", COMMENT)
    reviewer.click("tr.datarow[data-unit='武汉市'] button:has-text('退回')")
    expect(reviewer.locator("tr.datarow[data-unit='武汉市'].st-returned")).to_be_visible()

    filler.reload()
    expect(filler.locator("tr.datarow[data-unit='武汉市'].st-returned")).to_be_visible()
    _type(filler, "武汉市", 3, "450")
    _wait_saved(filler)
    filler.reload()  # edited since the return: 填报中, and the comment is still there
    expect(filler.locator("tr.datarow[data-unit='武汉市'] .review-note")).to_contain_text(COMMENT)
    screenshot(filler, "grid-returned-comment")
    filler.click("tr.datarow[data-unit='武汉市'] a:has-text('详情')")
    expect(filler.locator(".statusline")).to_contain_text(COMMENT)
    screenshot(filler, "row-returned-comment")


def test_the_row_history_reads_in_chinese(login):
    from targets.editing import table_units_set
    from units.models import Unit

    admin = login("admin")
    table = TableRow.objects.get(table__title=REGION, unit__name="武汉市").table
    newcomer = Unit.objects.create(name="示例新市", category=table.unit_category)
    units = set(TableRow.objects.filter(table=table).values_list("unit_id", flat=True)) | {newcomer.pk}
    table_units_set(table=table, unit_ids=units, actor=None)  # written as 添加单位
    _open_grid(admin)
    _type(admin, "示例新市", 1, "120")
    _wait_saved(admin)
    admin.click("tr.datarow[data-unit='示例新市'] a:has-text('详情')")
    history = admin.locator("table.history")
    expect(history).to_contain_text("添加单位")
    expect(history).to_contain_text("修改指标值")
    expect(history).not_to_contain_text("targets.")
    screenshot(admin, "row-history")

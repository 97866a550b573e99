"""The fill-in grid for the keyboard and screen readers (issue 22 §4): an ARIA grid that is one Tab
stop (a roving tabindex) with arrows moving inside; a refused value marked aria-invalid with the
server's message as the cell's description; a skip link to the grid; status badges in words and in
colours that pass WCAG AA contrast."""

import re

import pytest
from playwright.sync_api import expect

from targets.models import Cell, ReviewStatus, TableRow

from .conftest import screenshot
from .test_accessibility_browser import axe_violations
from .test_grid_browser import REGION, _cell, _open_grid, _type

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Focus the last element before the grid that Tab reaches (whatever the page puts there), so that the
# next Tab is the one that enters the grid.
FOCUS_BEFORE_GRID = """() => {
    const sheet = document.getElementById('sheet');
    const stops = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
        .filter((e) => e.tabIndex >= 0 && !e.disabled && e.type !== 'hidden' && e.getClientRects().length)
        .filter((e) => sheet.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_PRECEDING);
    stops[stops.length - 1].focus();
    return stops[stops.length - 1].outerHTML;
}"""


def _grid_ready(page):
    """grid.js has run: it puts the first cell in the Tab order (the page may show before it runs)."""
    expect(page.locator("#sheet td.cell[tabindex='0']")).to_have_count(1)


def _details(page, unit: str):
    return page.locator(f"tr.datarow[data-unit='{unit}'] td.status-col a", has_text="详情")


def test_the_grid_is_one_tab_stop_entered_and_left_by_one_tab(login):
    reviewer = login("reviewer")
    _open_grid(reviewer)
    rows = reviewer.locator("tr.datarow")
    expect(rows).to_have_count(16)
    grid = reviewer.get_by_role("grid", name=REGION)
    expect(grid).to_be_visible()
    expect(grid.get_by_role("row").filter(has=reviewer.get_by_role("rowheader"))).to_have_count(16)
    expect(grid.get_by_role("rowheader", name="武汉市")).to_be_visible()
    cells = reviewer.locator("#sheet td.cell")
    expect(cells).to_have_count(16 * 7)  # 16 units × 7 indicators
    # One of the 112 cells is in the Tab order; before, every one was (issue 22: 138 Tab stops).
    expect(reviewer.locator("#sheet td.cell[tabindex='0']")).to_have_count(1)
    expect(reviewer.locator("#sheet [role=gridcell][tabindex='0']")).to_have_count(1)

    reviewer.evaluate(FOCUS_BEFORE_GRID)
    reviewer.keyboard.press("Tab")
    expect(cells.first).to_be_focused()
    reviewer.keyboard.press("Tab")  # leaves the cells: the first row's own links come next
    expect(reviewer.locator("#sheet td.cell:focus")).to_have_count(0)
    expect(rows.first.locator("td.status-col a", has_text="详情")).to_be_focused()
    reviewer.keyboard.press("Shift+Tab")  # back into the grid, on the same cell
    expect(cells.first).to_be_focused()
    reviewer.keyboard.press("Shift+Tab")  # and out of it backwards
    expect(reviewer.locator("#sheet td.cell:focus")).to_have_count(0)
    expect(reviewer.locator("#sheet :focus")).to_have_count(0)


def test_arrows_move_inside_the_grid_and_tab_comes_back_to_the_cell_last_visited(login):
    reviewer = login("reviewer")
    _open_grid(reviewer)
    rows = reviewer.locator("tr.datarow")
    expect(rows).to_have_count(16)
    _grid_ready(reviewer)
    start = rows.nth(0).locator("td.cell").nth(0)
    start.focus()
    reviewer.keyboard.press("ArrowDown")
    reviewer.keyboard.press("ArrowRight")
    reviewer.keyboard.press("ArrowRight")
    reviewer.keyboard.press("ArrowLeft")
    landed = rows.nth(1).locator("td.cell").nth(1)
    expect(landed).to_be_focused()
    expect(landed).to_have_attribute("tabindex", "0")
    expect(start).to_have_attribute("tabindex", "-1")
    expect(reviewer.locator("#sheet td.cell[tabindex='0']")).to_have_count(1)
    # Enter moves down, as in Excel; ArrowUp back.
    reviewer.keyboard.press("Enter")
    expect(rows.nth(2).locator("td.cell").nth(1)).to_be_focused()
    reviewer.keyboard.press("ArrowUp")
    expect(landed).to_be_focused()

    # Tab leaves the grid for the row's own links; Shift+Tab comes back to the cell last visited.
    reviewer.keyboard.press("Tab")
    expect(rows.nth(1).locator("td.status-col a", has_text="详情")).to_be_focused()
    reviewer.keyboard.press("Shift+Tab")
    expect(landed).to_be_focused()


def test_a_refused_value_marks_the_cell_invalid_with_the_message_as_its_description(login):
    filler = login("wuhan")
    _open_grid(filler, own_row=True)
    cell = _cell(filler, "武汉市", 2)
    expect(cell).not_to_have_attribute("aria-invalid", "true")
    _type(filler, "武汉市", 2, "六百")
    expect(cell).to_have_attribute("aria-invalid", "true")
    expect(cell).to_have_attribute("aria-describedby", re.compile(r"^cell-msg-\d+-\d+$"))
    expect(cell).to_have_accessible_description(re.compile("不是数字.*未保存"))
    expect(filler.locator("#grid-messages span")).to_have_count(1)
    expect(filler.locator("#statusbar")).to_contain_text("不是数字")
    cell.focus()
    assert axe_violations(filler) == []  # the grid as it is now, a refused cell in it
    screenshot(filler, "a11y-grid-refused-cell")
    row = TableRow.objects.get(table__title=REGION, unit__name="武汉市")
    assert Cell.objects.get(row=row, column__order=2).raw == "600"  # refused, not saved

    # Corrected: valid again, the description gone with the message.
    _type(filler, "武汉市", 2, "610")
    expect(cell).not_to_have_attribute("aria-invalid", "true")
    expect(cell).not_to_have_attribute("aria-describedby", re.compile("."))
    expect(filler.locator("#grid-messages span")).to_have_count(0)
    expect(filler.locator("#statusbar")).to_have_text(re.compile("^已保存"))


def test_the_skip_link_is_the_first_tab_stop_and_lands_in_the_grid(login):
    filler = login("wuhan")
    _open_grid(filler, own_row=True)
    filler.reload()  # the page as it opens: no focus anywhere yet
    _grid_ready(filler)
    skip = filler.get_by_role("link", name="跳到填报表格")
    filler.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    screenshot(filler, "a11y-grid-skip-link")
    filler.keyboard.press("Enter")
    expect(_cell(filler, "武汉市", 1)).to_be_focused()
    # It lands on the cell last visited, not always the first.
    filler.keyboard.press("ArrowRight")
    filler.keyboard.press("ArrowRight")
    _details(filler, "武汉市").focus()
    skip.focus()
    filler.keyboard.press("Enter")
    expect(_cell(filler, "武汉市", 3)).to_be_focused()


STATUS_WORDS = {
    ReviewStatus.NOT_STARTED: "未填报",
    ReviewStatus.DRAFT: "填报中",
    ReviewStatus.SUBMITTED: "已提交",
    ReviewStatus.RETURNED: "已退回",
    ReviewStatus.APPROVED: "已通过",
}


def test_every_status_badge_says_its_status_in_words_and_in_colours_that_read(login):
    table_rows = TableRow.objects.filter(table__title=REGION).order_by("seq")
    for row, status in zip(table_rows, STATUS_WORDS, strict=False):
        TableRow.objects.filter(pk=row.pk).update(status=status)
    reviewer = login("reviewer")
    _open_grid(reviewer)
    for status, words in STATUS_WORDS.items():
        badge = reviewer.locator(f"tr.datarow td.status-col .status.st-{status}").first
        expect(badge).to_have_text(words)
    expect(reviewer.locator(".status")).to_have_count(16)
    # The colours: white on each badge's colour at 4.5:1 or more, as axe measures it.
    assert axe_violations(reviewer, {"include": [[".status"]]}) == []
    screenshot(reviewer, "a11y-grid-status-badges")

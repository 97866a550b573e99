"""评分规则核对 in a real browser: a reviewer pastes a table copied from Excel and reads the scores."""

import pytest
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = [pytest.mark.e2e]

PASTED = "\n".join(
    [
        "指标值\t完成值\t分值",
        "0次\t1次\t10",
        "不少于15家媒体…不少于30篇\t18家媒体发布25篇\t10",
        "80%-90%\t95%\t10",
        "≥95%\t0.96\t12.86",
        "显著增长\t明显增长\t10",
    ]
)


def test_a_reviewer_scores_a_pasted_table_and_reads_each_explanation(login):
    page = login("reviewer")
    page.click("nav >> text=评分规则核对")
    page.fill("textarea[name=cases]", PASTED)
    page.click("button:has-text('评分')")
    rows = page.locator("table.scoring-check tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.nth(0)).to_contain_text("超过上限")
    expect(rows.nth(1)).to_contain_text("9.17")
    expect(rows.nth(2)).to_contain_text("9.47")
    expect(rows.nth(3)).to_contain_text("是否指 96%")
    expect(rows.nth(4)).to_contain_text("待评定")
    screenshot(page, "scoring_check")

"""The bureau admin links a column to a project indicator in the table editor, then reads the
roll-up (汇总): each provincial target against the units' sum, the coverage and the flag."""

import os

import pytest
from playwright.sync_api import expect

from targets.models import TableColumn

from .conftest import SCREENSHOTS, click_and_load, screenshot
from .test_grid_browser import REGION

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TRANSFERS = "中小微企业接受专利转让次数"
LICENCES = "企业接受高校院所专利转让许可数量"


def _shot(name: str) -> str | None:
    """Where a screenshot of one section goes, when SAVE_SCREENSHOTS=1."""
    return str(SCREENSHOTS / f"{name}.png") if os.environ.get("SAVE_SCREENSHOTS") == "1" else None


def test_an_admin_links_a_column_in_the_editor_and_sees_the_rollup(login):
    admin = login("admin")
    column = TableColumn.objects.get(table__title=REGION, name=TRANSFERS)
    admin.goto(admin.url + f"tables/{column.table_id}/edit/")
    admin.select_option(f"select[name=r-{column.pk}-indicator]", label=LICENCES)
    admin.fill(f"input[name=r-{column.pk}-factor]", "1")
    click_and_load(admin, "button:has-text('保存汇总设置')")
    expect(admin.locator(".messages")).to_contain_text("汇总设置已保存（1 列有修改）")
    assert TableColumn.objects.get(pk=column.pk).indicator.name == LICENCES
    if _shot("rollup-editor"):
        admin.locator("#rollup").screenshot(path=_shot("rollup-editor"))

    admin.goto(admin.url.split("/tables/")[0] + "/")
    admin.click("a:has-text('指标汇总') >> nth=0")
    rows = admin.locator("table.rollup tbody tr")
    expect(rows).to_have_count(3)
    expected = {
        "收集中小微企业专利技术需求": ("2,400", "80%", "未达目标"),
        "全省专利质押融资金额": ("47.01", "134%", "已覆盖"),
        LICENCES: ("1,005", "101%"),  # 16 市州 report 1,005 transfers against the province's 1000件
    }
    for indicator, figures in expected.items():
        for figure in figures:
            expect(rows.filter(has_text=indicator)).to_contain_text(figure)
    screenshot(admin, "rollup")

"""The bureau admin links a column to a project indicator in the table editor, then reads the
roll-up (汇总): each provincial target against the units' sum, the coverage and the flag."""

import os

import pytest

from targets.models import TableColumn

from .conftest import SCREENSHOTS, screenshot
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
    admin.click("button:has-text('保存汇总设置')")
    admin.wait_for_selector(".messages >> text=汇总设置已保存（1 列有修改）")
    assert TableColumn.objects.get(pk=column.pk).indicator.name == LICENCES
    if _shot("rollup-editor"):
        admin.locator("#rollup").screenshot(path=_shot("rollup-editor"))

    admin.goto(admin.url.split("/tables/")[0] + "/")
    admin.click("a:has-text('指标汇总') >> nth=0")
    admin.wait_for_selector("table.rollup")
    rows = admin.locator("table.rollup tbody tr")
    assert rows.count() == 3
    collect = admin.locator("table.rollup tbody tr", has_text="收集中小微企业专利技术需求")
    assert "2,400" in collect.inner_text() and "80%" in collect.inner_text() and "未达目标" in collect.inner_text()
    pledge = admin.locator("table.rollup tbody tr", has_text="全省专利质押融资金额")
    assert "47.01" in pledge.inner_text() and "134%" in pledge.inner_text() and "已覆盖" in pledge.inner_text()
    # 16 市州 report 1,005 transfers against the province's 1000件
    licences = admin.locator("table.rollup tbody tr", has_text=LICENCES)
    assert "1,005" in licences.inner_text() and "101%" in licences.inner_text()
    screenshot(admin, "rollup")

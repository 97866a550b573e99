"""Work is not lost or misdirected: Enter on the grid's last row keeps the cursor on its cell, a
16-row paste ends with one summary of the whole block, and a 佐证材料 upload does not drop the
未完成原因分析 typed and not saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from monitoring.models import Report
from monitoring.services import round_open
from projects.models import Project
from targets.models import Cell, TableRow

from .conftest import screenshot
from .test_grid_browser import REGION, _cell, _paste

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _grid(page):
    page.click(f"a:has-text('{REGION}') >> nth=0")
    expect(page.locator("#sheet")).to_be_visible()
    page.wait_for_load_state("load")  # keys typed before grid.js runs are lost


def _units():
    return list(TableRow.objects.filter(table__title=REGION).order_by("seq").values_list("unit__name", flat=True))


def _focused_cell(page) -> str:
    return page.evaluate(
        "() => { const td = document.activeElement.closest('td.cell');"
        " return td ? td.closest('tr').dataset.unit + '#' + td.dataset.col : document.activeElement.tagName; }"
    )


def test_enter_on_the_last_row_keeps_the_cursor_on_the_cell(login):
    admin = login("admin")
    _grid(admin)
    last = _units()[-1]
    cell = _cell(admin, last, 1)
    cell.click()
    where = _focused_cell(admin)
    admin.keyboard.press("F2")
    admin.keyboard.press("Control+A")
    admin.keyboard.type("42")
    admin.keyboard.press("Enter")
    expect(admin.locator("#statusbar")).to_contain_text("已保存")
    assert _focused_cell(admin) == where  # not the page's <body>
    admin.keyboard.press("Enter")  # again, not editing: still there
    admin.keyboard.press("ArrowDown")
    assert _focused_cell(admin) == where
    admin.keyboard.press("ArrowRight")  # and the keys go on moving from it
    assert _focused_cell(admin) != where and _focused_cell(admin).startswith(last + "#")


def test_a_16_row_paste_ends_with_a_summary_of_the_block(login):
    admin = login("admin")
    _grid(admin)
    units = _units()
    assert len(units) == 16
    block = "".join(f"{1000 + n}\t{2000 + n}\r\n" for n in range(16))
    _paste(admin, units[0], 1, block)
    admin.locator("#paste-dialog [data-act=apply]").click()
    expect(admin.locator("#statusbar")).to_have_text("粘贴完成：已保存 32 格（16 行）")
    assert Cell.objects.filter(row__table__title=REGION, raw__startswith="10").count() >= 16

    bad = "".join(f"{3000 + n}\t{'六百' if n == 1 else 4000 + n}\r\n" for n in range(16))
    _paste(admin, units[0], 1, bad)
    admin.locator("#paste-dialog [data-act=apply]").click()
    status = admin.locator("#statusbar")
    expect(status).to_contain_text("粘贴完成：已保存 30 格（15 行）；未保存：宜昌市（")
    expect(status).to_contain_text("不是数字")
    expect(status).to_have_class("statusbar error")
    screenshot(admin, "grid-paste-summary")
    assert not Cell.objects.filter(row__table__title=REGION, row__unit__name="宜昌市", raw="3001").exists()


def test_uploading_evidence_does_not_lose_an_unsaved_reason(login, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    project = Project.objects.get(code="hubei-2022-patent-transfer")
    TableRow.objects.filter(table__project=project, unit__name="武汉市").update(status="approved", funding=Decimal(160))
    admin = get_user_model().objects.get(username="admin")
    round_ = round_open(
        project=project,
        kind="self_evaluation",
        reference_date=date(2022, 12, 31),
        deadline=None,
        lag_threshold=Decimal(10),
        actor=admin,
    )
    report = Report.objects.get(round=round_, unit__name="武汉市")
    unit = login("wuhan")
    alerts: list[str] = []
    unit.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.accept()))
    unit.goto(unit.url.rstrip("/") + report.get_absolute_url())
    reason = unit.locator("textarea[aria-label='收集中小微企业专利技术需求的未完成原因分析']")
    reason.fill("需求征集渠道不足")
    evidence = tmp_path / "台账.pdf"
    evidence.write_bytes(PDF)
    unit.set_input_files("input[name=file]", str(evidence))
    unit.click("#evidence button:has-text('上传')")
    expect(reason).to_have_value("需求征集渠道不足")  # still on the page, not reloaded away
    assert alerts and "“本报告”" in alerts[0] and "请先保存" in alerts[0]
    assert not report.evidence.exists()
    unit.click("#save")
    expect(unit.locator(".messages")).to_contain_text("已保存")
    unit.set_input_files("input[name=file]", str(evidence))
    unit.click("#evidence button:has-text('上传')")
    expect(unit.locator("#evidence")).to_contain_text("台账.pdf")
    expect(reason).to_have_value("需求征集渠道不足")
    assert report.values.get(label="收集中小微企业专利技术需求").shortfall_reason == "需求征集渠道不足"

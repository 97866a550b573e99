"""The project editor's live pairing flags: the server's rule over what is typed, shown as typed."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_long_term_value_cleared_is_flagged_as_typed_and_cleared_when_typed_again(login):
    admin = login("admin")
    admin.click("text=编辑项目与指标")
    row = admin.locator("tr.indicator").first
    long_term = row.locator("input.long")
    expect(long_term).not_to_have_value("")  # paired to start with
    expect(row.locator(".pair-flag")).to_have_text("")
    long_term.fill("")
    expect(row.locator(".pair-flag")).to_have_text("有年度目标，缺少对应的长期目标")
    expect(row).to_have_class("indicator unpaired")
    long_term.fill("≥10项")  # any long-term value pairs it again
    expect(row.locator(".pair-flag")).to_have_text("")
    expect(row).to_have_class("indicator")

"""The row page never sends what is not on screen: 提交审核 refuses while the form has unsaved
changes and asks before submitting; 审核通过 refuses while a return comment is typed."""

import pytest
from playwright.sync_api import expect

from targets.models import ReviewStatus, TableRow

from .conftest import click_and_load, eventually
from .test_grid_browser import REGION

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIRST = "table.rowform textarea[name^=col-] >> nth=0"


def _row():
    return TableRow.objects.get(table__title=REGION, unit__name="武汉市")


def _answering(page, *answers: bool) -> list[str]:
    """Dialogs are answered in turn (True: accept); their messages are collected."""
    messages: list[str] = []

    def answer(dialog):
        messages.append(dialog.message)
        accept = answers[len(messages) - 1] if len(messages) <= len(answers) else True
        dialog.accept() if accept else dialog.dismiss()

    page.on("dialog", answer)
    return messages


def test_submitting_with_unsaved_typing_is_refused_and_a_submission_is_confirmed(login):
    filler = login("wuhan")
    messages = _answering(filler, True, False, True)
    filler.goto(filler.url + f"rows/{_row().pk}/")
    filler.fill(FIRST, "530")
    filler.click("button:has-text('提交审核')")  # unsaved: refused with a message, nothing posted
    eventually(filler, lambda: len(messages) == 1, "the refusal's dialog")
    assert "未保存的修改" in messages[0] and _row().status != ReviewStatus.SUBMITTED

    click_and_load(filler, "button:has-text('保存')")
    expect(filler.locator(".messages")).to_contain_text("已保存")
    filler.click("button:has-text('提交审核')")  # the confirmation dismissed
    eventually(filler, lambda: len(messages) == 2, "the confirmation's dialog")
    assert "确定提交审核" in messages[1] and _row().status == ReviewStatus.DRAFT

    click_and_load(filler, "button:has-text('提交审核')")  # accepted
    expect(filler.locator(".statusline")).to_contain_text("等待审核")
    row = _row()
    assert row.status == ReviewStatus.SUBMITTED and row.cells.get(column__order=1).raw == "530"


def test_approving_while_a_return_comment_is_typed_is_refused(login):
    from targets.workflow import row_submit
    from units.models import Membership

    row = _row()
    filler = Membership.objects.filter(unit=row.unit).first().user
    row_submit(row_id=row.pk, actor=filler)
    reviewer = login("reviewer")
    messages = _answering(reviewer)
    reviewer.goto(reviewer.url + f"rows/{row.pk}/")
    reviewer.fill("textarea[name=comment], input[name=comment]", "请补充依据")
    reviewer.click("button:has-text('审核通过')")
    eventually(reviewer, lambda: messages, "the refusal's dialog")
    assert "退回意见" in messages[0] and _row().status == ReviewStatus.SUBMITTED

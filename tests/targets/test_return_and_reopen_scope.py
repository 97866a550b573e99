"""What a return or a reopen lets the unit change, and how long the reviewer's comment stays in view."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from targets import workflow
from targets.models import ReviewStatus, TableRow
from targets.services import row_cells_update

pytestmark = pytest.mark.django_db


def _col(row, order):
    return row.table.columns.get(order=order)


def _approved_with_narrative(row, actor):
    TableRow.objects.filter(pk=row.pk).update(status=ReviewStatus.SUBMITTED, narrative="原有的文字目标")
    return workflow.row_approve(row_id=row.pk, actor=actor)


def test_a_partial_reopen_keeps_the_narrative_locked(wuhan, admin_user, wuhan_row, open_table):
    row = _approved_with_narrative(wuhan_row, admin_user)
    workflow.row_reopen(row_id=row.pk, actor=admin_user, reason="只改第一列", column_ids=[_col(row, 1).pk])
    row = TableRow.objects.get(pk=row.pk)
    with pytest.raises(ValidationError, match="文字目标未被重新打开"):
        row_cells_update(
            row_id=row.pk,
            values={_col(row, 1).pk: "530"},
            expected_version=row.version,
            actor=wuhan,
            narrative="偷偷改掉的文字",
        )
    row = TableRow.objects.get(pk=row.pk)
    assert row.narrative == "原有的文字目标" and row.status == ReviewStatus.RETURNED  # nothing saved


def test_the_row_page_offers_the_narrative_only_when_it_was_reopened(client, wuhan, admin_user, wuhan_row, open_table):
    row = _approved_with_narrative(wuhan_row, admin_user)
    workflow.row_reopen(row_id=row.pk, actor=admin_user, reason="只改第一列", column_ids=[_col(row, 1).pk])
    client.force_login(wuhan)
    page = client.get(reverse("targets:row", args=[row.pk])).content.decode()
    assert f'name="col-{_col(row, 1).pk}"' in page and 'name="narrative"' not in page


def test_a_partial_reopen_that_includes_the_narrative_lets_it_change(client, wuhan, admin_user, wuhan_row, open_table):
    row = _approved_with_narrative(wuhan_row, admin_user)
    client.force_login(admin_user)
    client.post(
        reverse("targets:row_reopen", args=[row.pk]),
        {"reason": "改第一列和文字目标", "columns": [_col(row, 1).pk], "narrative": "on"},
    )
    row = TableRow.objects.get(pk=row.pk)
    assert row.status == ReviewStatus.RETURNED
    row = row_cells_update(
        row_id=row.pk, values={}, expected_version=row.version, actor=wuhan, narrative="新的文字目标"
    )
    assert TableRow.objects.get(pk=row.pk).narrative == "新的文字目标"
    with pytest.raises(ValidationError, match="未被重新打开"):
        row_cells_update(row_id=row.pk, values={_col(row, 2).pk: "999"}, expected_version=row.version, actor=wuhan)


def test_a_return_after_a_partial_reopen_makes_the_whole_row_editable(
    wuhan, reviewer, admin_user, wuhan_row, open_table
):
    row = _approved_with_narrative(wuhan_row, admin_user)
    workflow.row_reopen(row_id=row.pk, actor=admin_user, reason="只改第一列", column_ids=[_col(row, 1).pk])
    row = TableRow.objects.get(pk=row.pk)
    row = row_cells_update(row_id=row.pk, values={_col(row, 1).pk: "530"}, expected_version=row.version, actor=wuhan)
    workflow.row_submit(row_id=row.pk, actor=wuhan)
    workflow.row_return(row_id=row.pk, actor=reviewer, comment="其他指标也请核实")
    row = TableRow.objects.get(pk=row.pk)
    assert row.reopened_column_ids is None
    row = row_cells_update(
        row_id=row.pk,
        values={_col(row, 2).pk: "640"},
        expected_version=row.version,
        actor=wuhan,
        narrative="修改后的文字目标",
    )
    assert TableRow.objects.get(pk=row.pk).narrative == "修改后的文字目标"


def test_the_return_comment_stays_beside_the_row_until_it_is_submitted_again(
    client, wuhan, reviewer, wuhan_row, open_table
):
    workflow.row_submit(row_id=wuhan_row.pk, actor=wuhan)
    workflow.row_return(row_id=wuhan_row.pk, actor=reviewer, comment="成交金额请按备案登记数填写")
    row = TableRow.objects.get(pk=wuhan_row.pk)
    row_cells_update(row_id=row.pk, values={_col(row, 1).pk: "530"}, expected_version=row.version, actor=wuhan)
    assert TableRow.objects.get(pk=row.pk).status == ReviewStatus.DRAFT  # edited since the return

    client.force_login(wuhan)
    row_page = reverse("targets:row", args=[row.pk])
    grid_page = reverse("targets:table_grid", args=[row.table_id])
    assert "退回意见：成交金额请按备案登记数填写" in client.get(row_page).content.decode()
    assert "退回意见：成交金额请按备案登记数填写" in client.get(grid_page).content.decode()

    workflow.row_submit(row_id=row.pk, actor=wuhan)
    assert "退回意见：" not in client.get(row_page).content.decode()  # the history still lists it
    assert "成交金额请按备案登记数填写" not in client.get(grid_page).content.decode()

"""调整 (adjustment by request): a unit asks to change cells of an approved row with a reason; the
reviewer approves (the cells change, 批复 v2 is kept) or refuses (nothing changes). While pending,
the approved values stay in force, on the pages and in the exports."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from review.engine import ReviewStatus, StaleVersion, TransitionRefused
from targets.adjustment_services import adjustment_approve, adjustment_refuse, adjustment_request
from targets.models import AdjustmentRequest, ApprovedVersion, Cell, TableRow, VersionSource
from targets.workflow import row_approve, row_reopen, row_submit
from units.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db


def _column(row, order):
    return row.table.columns.get(order=order)


def _raw(row, order):
    return Cell.objects.get(row=row, column=_column(row, order)).raw


@pytest.fixture
def approved(wuhan_row, wuhan, reviewer, open_table):
    """武汉市's row, submitted by its filler and approved by the reviewer (批复 v1)."""
    row_submit(row_id=wuhan_row.pk, actor=wuhan)
    row_approve(row_id=wuhan_row.pk, actor=reviewer)
    return TableRow.objects.get(pk=wuhan_row.pk)


def _ask(row, actor, values=None, reason="企业需求调查口径调整", version=None):
    values = values if values is not None else {_column(row, 1).pk: "520"}
    return adjustment_request(
        row_id=row.pk, actor=actor, values=values, reason=reason, expected_version=version or row.version
    )


def test_an_approval_keeps_version_one_with_who_and_when(approved, reviewer):
    version = ApprovedVersion.objects.get(row=approved)
    assert (version.number, version.source, version.actor) == (1, VersionSource.REVIEW, reviewer)
    assert version.values[str(_column(approved, 1).pk)] == "500"


def test_a_request_keeps_only_the_changed_values_and_notifies_the_reviewer(approved, wuhan, reviewer):
    same = {_column(approved, 2).pk: "600"}
    adjustment = _ask(approved, wuhan, values={_column(approved, 1).pk: "520", **same})
    assert adjustment.status == ReviewStatus.SUBMITTED and adjustment.submitted_by == wuhan
    assert adjustment.values == {str(_column(approved, 1).pk): "520"}
    assert adjustment.before == {str(_column(approved, 1).pk): "500"}
    assert Notification.objects.filter(recipient=reviewer, title__contains="申请调整").exists()
    assert AuditEntry.objects.filter(action="targets.adjustment.submitted", comment="企业需求调查口径调整").exists()


def test_a_request_with_a_bad_value_names_the_cell_and_saves_nothing(approved, wuhan):
    with pytest.raises(ValidationError) as refused:
        _ask(approved, wuhan, values={_column(approved, 1).pk: "很多", _column(approved, 2).pk: "x"})
    assert "收集中小微企业专利技术需求（条）" in " ".join(refused.value.messages)
    assert "中小微企业接受专利转让次数（次）" in " ".join(refused.value.messages)
    assert not AdjustmentRequest.objects.exists()


@pytest.mark.parametrize(
    "values, reason, message",
    [({}, "理由", "没有要调整的值"), (None, "  ", "必须填写理由")],
)
def test_a_request_without_a_change_or_a_reason_is_refused(approved, wuhan, values, reason, message):
    with pytest.raises(ValidationError) as refused:
        _ask(approved, wuhan, values=values if values is not None else None, reason=reason)
    assert message in " ".join(refused.value.messages)
    assert not AdjustmentRequest.objects.exists()


def test_only_an_approved_row_can_be_asked_to_change(wuhan_row, wuhan, open_table):
    with pytest.raises(TransitionRefused, match="只有已通过的行"):
        _ask(wuhan_row, wuhan)


def test_one_pending_request_per_row(approved, wuhan):
    _ask(approved, wuhan)
    with pytest.raises(TransitionRefused, match="已有一份待审核的调整申请"):
        _ask(approved, wuhan, values={_column(approved, 2).pk: "700"})
    assert AdjustmentRequest.objects.filter(row=approved).count() == 1


def test_the_database_refuses_a_second_pending_request(approved, wuhan):
    first = _ask(approved, wuhan)
    with pytest.raises(IntegrityError), transaction.atomic():
        AdjustmentRequest.objects.create(
            row=approved, values={}, reason="x", base_version=approved.version, status=ReviewStatus.SUBMITTED
        )
    adjustment_refuse(adjustment_id=first.pk, actor=None, comment="不符合")
    AdjustmentRequest.objects.create(
        row=approved, values={}, reason="x", base_version=approved.version, status=ReviewStatus.SUBMITTED
    )  # a decided request no longer counts


def test_a_request_on_a_row_whose_version_moved_is_refused(approved, wuhan, reviewer):
    seen = approved.version  # the filler's page was loaded at this version; then an adjustment is approved
    adjustment_approve(adjustment_id=_ask(approved, wuhan).pk, actor=reviewer)
    with pytest.raises(StaleVersion):
        _ask(approved, wuhan, values={_column(approved, 2).pk: "700"}, version=seen)
    assert AdjustmentRequest.objects.count() == 1 and _raw(approved, 2) == "600"


def test_approval_applies_the_values_and_keeps_version_two(approved, wuhan, reviewer):
    adjustment = _ask(approved, wuhan, values={_column(approved, 1).pk: "520", _column(approved, 3).pk: "80"})
    adjustment_approve(adjustment_id=adjustment.pk, actor=reviewer, comment="同意")
    row = TableRow.objects.get(pk=approved.pk)
    assert row.status == ReviewStatus.APPROVED and row.version == approved.version + 1
    assert (_raw(row, 1), _raw(row, 3), _raw(row, 2)) == ("520", "80", "600")
    assert Cell.objects.get(row=row, column=_column(row, 3)).number == 80
    v2 = ApprovedVersion.objects.get(row=row, number=2)
    assert (v2.source, v2.reason, v2.comment, v2.actor, v2.adjustment) == (
        VersionSource.ADJUSTMENT,
        "企业需求调查口径调整",
        "同意",
        reviewer,
        adjustment,
    )
    assert v2.values[str(_column(row, 1).pk)] == "520" and v2.row_version == row.version
    assert AdjustmentRequest.objects.get(pk=adjustment.pk).status == ReviewStatus.APPROVED
    assert AuditEntry.objects.filter(action="targets.row.adjusted", object_id=str(row.pk)).exists()
    assert Notification.objects.filter(recipient=wuhan, title__contains="调整申请已批准").exists()


def test_refusal_needs_a_comment_and_keeps_the_values(approved, wuhan, reviewer):
    adjustment = _ask(approved, wuhan)
    with pytest.raises(ValidationError, match="必须填写意见"):
        adjustment_refuse(adjustment_id=adjustment.pk, actor=reviewer, comment=" ")
    adjustment_refuse(adjustment_id=adjustment.pk, actor=reviewer, comment="依据不足")
    row = TableRow.objects.get(pk=approved.pk)
    assert (_raw(row, 1), row.version) == ("500", approved.version)
    assert ApprovedVersion.objects.filter(row=row).count() == 1
    adjustment.refresh_from_db()
    assert adjustment.status == ReviewStatus.RETURNED and adjustment.review_comment == "依据不足"
    with pytest.raises(TransitionRefused, match="不能再次审核"):
        adjustment_approve(adjustment_id=adjustment.pk, actor=reviewer)


def test_approval_is_refused_when_the_row_moved_since_the_request(approved, wuhan, reviewer, admin_user):
    adjustment = _ask(approved, wuhan)
    row_reopen(row_id=approved.pk, actor=admin_user, reason="补充材料")
    with pytest.raises(TransitionRefused):
        adjustment_approve(adjustment_id=adjustment.pk, actor=reviewer)
    assert _raw(approved, 1) == "500"
    assert AdjustmentRequest.objects.get(pk=adjustment.pk).status == ReviewStatus.SUBMITTED


def test_a_reopen_then_approval_is_the_next_version_with_the_reopen_reason(approved, admin_user, reviewer, wuhan):
    row_reopen(row_id=approved.pk, actor=admin_user, reason="口径有误，重新核定")
    row_submit(row_id=approved.pk, actor=wuhan)
    row_approve(row_id=approved.pk, actor=reviewer)
    v2 = ApprovedVersion.objects.get(row=approved, number=2)
    assert (v2.source, v2.reason) == (VersionSource.REOPEN, "口径有误，重新核定")


def test_only_the_rows_unit_or_the_admin_may_ask_and_only_reviewers_decide(approved, outsider, wuhan, observer):
    with pytest.raises(PermissionDenied):
        _ask(approved, outsider)
    adjustment = _ask(approved, wuhan)
    for user in (wuhan, observer):
        with pytest.raises(PermissionDenied):
            adjustment_approve(adjustment_id=adjustment.pk, actor=user)


def _export(client, table, **params):
    response = client.get(reverse("reports:export_table", args=[table.pk]), params)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def _wuhan_line(ws):
    return next(r for r in ws.iter_rows(values_only=True) if r[1] and "武汉市" in str(r[1]))


def test_while_pending_the_pages_and_exports_show_the_approved_values(client, approved, wuhan, reviewer):
    _ask(approved, wuhan, values={_column(approved, 1).pk: "999"})
    assert _raw(approved, 1) == "500"
    client.force_login(reviewer)
    assert _wuhan_line(_export(client, approved.table))[2] == 500
    page = client.get(reverse("targets:row", args=[approved.pk])).content.decode()
    assert "待审核" in page and "999" in page and "批准调整" in page


def test_an_export_prints_the_version_in_force_on_a_date(client, approved, wuhan, reviewer):
    adjustment = _ask(approved, wuhan, values={_column(approved, 1).pk: "520"})
    adjustment_approve(adjustment_id=adjustment.pk, actor=reviewer)
    today = timezone.localdate()
    ApprovedVersion.objects.filter(row=approved, number=2).update(at=timezone.now() + timedelta(days=3))
    client.force_login(reviewer)
    assert _wuhan_line(_export(client, approved.table, as_of=today.isoformat()))[2] == 500
    later = today + timedelta(days=3)
    ws = _export(client, approved.table, as_of=later.isoformat())
    assert "批复值，截至" in ws.cell(1, 1).value and _wuhan_line(ws)[2] == 520
    yichang = next(r for r in ws.iter_rows(values_only=True) if r[1] and "宜昌市" in str(r[1]))
    assert yichang[2] == "（截至该日尚无批复版本）"
    assert _wuhan_line(_export(client, approved.table))[2] == 520  # without a date: the cells


def test_a_crafted_date_is_a_message_not_a_500(client, reviewer, open_table):
    client.force_login(reviewer)
    for value in ("2026-13-40", "abc", "2026-1-1"):
        response = client.get(reverse("reports:export_table", args=[open_table.pk]), {"as_of": value})
        assert response.status_code == 400 and "日期格式不正确" in response.content.decode()


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_the_first_and_last_dates_export_instead_of_a_500(client, reviewer, approved, value):
    client.force_login(reviewer)
    line = _wuhan_line(_export(client, approved.table, as_of=value))
    assert line[2] == (500 if value.startswith("9") else "（截至该日尚无批复版本）")


def test_the_command_exports_at_a_date(approved, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "t.xlsx"
    yesterday = timezone.localdate() - timedelta(days=1)
    call_command(
        "export_attachment", approved.table.project.code, layout="unit_table", out=str(out), as_of=str(yesterday)
    )
    ws = load_workbook(out).worksheets[0]
    assert _wuhan_line(ws)[2] == "（截至该日尚无批复版本）"


# --- the pages ---------------------------------------------------------------------------------


def test_the_filler_asks_on_the_row_page_and_the_reviewer_approves_there(client, approved, wuhan, reviewer):
    client.force_login(wuhan)
    url = reverse("targets:row", args=[approved.pk])
    assert "提交调整申请" in client.get(url).content.decode()
    data = {"version": approved.version, f"adj-{_column(approved, 1).pk}": "530", "reason": "新增园区"}
    for column in approved.table.columns.exclude(order=1):
        data[f"adj-{column.pk}"] = (
            Cell.objects.filter(row=approved, column=column).values_list("raw", flat=True).first() or ""
        )
    response = client.post(reverse("targets:row_adjust", args=[approved.pk]), data)
    assert response.status_code == 302
    adjustment = AdjustmentRequest.objects.get(row=approved)
    assert adjustment.values == {str(_column(approved, 1).pk): "530"}
    client.force_login(reviewer)
    response = client.post(reverse("targets:adjustment_approve", args=[adjustment.pk]), {"comment": ""})
    assert response.status_code == 302 and _raw(approved, 1) == "530"
    page = client.get(url).content.decode()
    assert "批复 v2" in page and "调整申请获批" in page


def test_a_refused_form_is_shown_again_with_what_was_typed(client, approved, wuhan):
    client.force_login(wuhan)
    data = {"version": approved.version, f"adj-{_column(approved, 1).pk}": "很多", "reason": "新增园区"}
    response = client.post(reverse("targets:row_adjust", args=[approved.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400 and "应填写数字" in page and "很多" in page and "新增园区" in page
    assert not AdjustmentRequest.objects.exists()


def test_the_review_queue_lists_pending_requests(client, approved, wuhan, reviewer, other_reviewer):
    _ask(approved, wuhan)
    client.force_login(reviewer)
    assert "武汉市 的调整申请" in client.get(reverse("targets:review_queue")).content.decode()
    client.force_login(other_reviewer)
    assert "武汉市 的调整申请" not in client.get(reverse("targets:review_queue")).content.decode()


def test_an_outsider_and_another_units_filler_get_404(client, approved, wuhan, outsider, other_reviewer):
    adjustment = _ask(approved, wuhan)
    for user in (outsider, other_reviewer):
        client.force_login(user)
        assert client.get(reverse("targets:row_versions", args=[approved.pk])).status_code == 404
        assert client.post(reverse("targets:row_adjust", args=[approved.pk]), {"reason": "x"}).status_code == 404
        for name in ("targets:adjustment_approve", "targets:adjustment_refuse"):
            assert client.post(reverse(name, args=[adjustment.pk]), {"comment": "x"}).status_code == 404
    assert AdjustmentRequest.objects.get(pk=adjustment.pk).status == ReviewStatus.SUBMITTED


def test_the_compare_page_shows_two_versions_column_by_column(client, approved, wuhan, reviewer):
    adjustment = _ask(approved, wuhan, values={_column(approved, 1).pk: "520"})
    adjustment_approve(adjustment_id=adjustment.pk, actor=reviewer)
    client.force_login(wuhan)
    response = client.get(reverse("targets:row_versions", args=[approved.pk]), {"a": "1", "b": "2"})
    differences = {d.label: (d.before, d.after) for d in response.context["differences"]}
    assert differences["收集中小微企业专利技术需求（条）"] == ("500", "520")
    assert differences["中小微企业接受专利转让次数（次）"] == ("600", "600")
    crafted = client.get(reverse("targets:row_versions", args=[approved.pk]), {"a": "x'", "b": "99"})
    assert crafted.status_code == 200


def test_the_row_page_query_count_does_not_grow_with_versions(
    client, approved, wuhan, reviewer, django_assert_num_queries
):
    client.force_login(wuhan)
    url = reverse("targets:row", args=[approved.pk])
    client.get(url)
    for value in range(5):
        row = TableRow.objects.get(pk=approved.pk)
        adjustment = _ask(row, wuhan, values={_column(row, 1).pk: str(600 + value)})
        adjustment_approve(adjustment_id=adjustment.pk, actor=reviewer)
    _ask(TableRow.objects.get(pk=approved.pk), wuhan, values={_column(row, 1).pk: "1"})
    # session, user, memberships, unread count, row, columns, cells, last review, history,
    # pending adjustment, 批复 versions
    with django_assert_num_queries(11):
        response = client.get(url)
    assert len(response.context["versions"]) == 6


def test_a_refused_request_stays_listed_with_the_reviewers_comment(client, approved, wuhan, reviewer):
    adjustment = _ask(approved, wuhan, values={_column(approved, 1).pk: "999"})
    adjustment_refuse(adjustment_id=adjustment.pk, actor=reviewer, comment="依据不足，维持原批复")
    client.force_login(wuhan)
    page = client.get(reverse("targets:row", args=[approved.pk])).content.decode()
    assert "以往的调整申请" in page and "未批准" in page and "依据不足，维持原批复" in page
    assert "提交调整申请" in page  # and the unit may ask again


def test_the_migration_keeps_v1_for_rows_already_approved(approved, reviewer, open_table):
    """targets/migrations/0005_adjustments.first_versions: from the latest approval snapshot, else the cells."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("targets.migrations.0005_adjustments")
    other = TableRow.objects.get(table=open_table, unit__name="宜昌市")
    TableRow.objects.filter(pk=other.pk).update(status=ReviewStatus.APPROVED, reviewed_by=reviewer)
    Cell.objects.filter(row=approved, column=_column(approved, 1)).update(raw="777")  # the snapshot keeps 500
    ApprovedVersion.objects.all().delete()
    migration.first_versions(apps, None)
    kept = {v.row_id: v for v in ApprovedVersion.objects.all()}
    assert set(kept) == {approved.pk, other.pk} and {v.number for v in kept.values()} == {1}
    assert kept[approved.pk].values[str(_column(approved, 1).pk)] == "500"
    assert kept[other.pk].values == {
        str(c): raw for c, raw in Cell.objects.filter(row=other).values_list("column_id", "raw")
    }
    assert kept[other.pk].actor == reviewer


def test_a_request_on_a_removed_row_leaves_the_review_queue(client, approved, wuhan, reviewer):
    from django.utils import timezone

    _ask(approved, wuhan)
    TableRow.all_objects.filter(pk=approved.pk).update(removed_at=timezone.now())
    client.force_login(reviewer)
    assert "武汉市 的调整申请" not in client.get(reverse("targets:review_queue")).content.decode()

"""The row workflow: fill → submit → return → refill → submit → approve, and its guards."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from review.engine import NotEditable
from targets import workflow
from targets.models import Cell, ReviewStatus, TableRow, TableStatus, TargetTable
from targets.services import row_cells_update
from units.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db


def _col(row, order):
    return row.table.columns.get(order=order)


def _save(client, row, values: dict, version: int):
    data = {"version": version, **{f"col-{_col(row, order).pk}": raw for order, raw in values.items()}}
    return client.post(reverse("targets:row_save", args=[row.pk]), data)


def _reload(row) -> TableRow:
    return TableRow.objects.get(pk=row.pk)


def test_a_row_goes_from_filling_to_approved_and_its_history_shows_every_step(
    client, wuhan, reviewer, wuhan_row, open_table
):
    client.force_login(wuhan)
    assert _save(client, wuhan_row, {1: "520", 3: "300"}, version=1).status_code == 302
    assert _reload(wuhan_row).status == ReviewStatus.DRAFT
    client.post(reverse("targets:row_submit", args=[wuhan_row.pk]))
    assert _reload(wuhan_row).status == ReviewStatus.SUBMITTED

    client.force_login(reviewer)
    response = client.post(reverse("targets:row_return", args=[wuhan_row.pk]), {"comment": "成交金额偏低，请核实"})
    assert response.status_code == 302
    row = _reload(wuhan_row)
    assert (row.status, row.review_comment) == (ReviewStatus.RETURNED, "成交金额偏低，请核实")

    client.force_login(wuhan)
    assert _save(client, wuhan_row, {3: "450"}, version=row.version).status_code == 302
    client.post(reverse("targets:row_submit", args=[wuhan_row.pk]))

    client.force_login(reviewer)
    page = client.get(reverse("targets:row", args=[wuhan_row.pk]))
    changes = page.context["changes"]
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("中小微企业接受专利转让的成交金额（万元）", "300", "450")
    ]
    client.post(reverse("targets:row_approve", args=[wuhan_row.pk]))
    row = _reload(wuhan_row)
    assert (row.status, row.reviewed_by) == (ReviewStatus.APPROVED, reviewer)

    page = client.get(reverse("targets:row", args=[wuhan_row.pk])).content.decode()
    assert f"于 {timezone.localtime(row.reviewed_at):%Y-%m-%d %H:%M} 审核通过（版本 {row.version}）" in page

    actions = list(
        AuditEntry.objects.filter(object_type="targets.TableRow", object_id=str(row.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "targets.cell.changed",
        "targets.cell.changed",
        "targets.row.started",
        "targets.row.submitted",
        "targets.row.returned",
        "targets.cell.changed",
        "targets.row.started",
        "targets.row.submitted",
        "targets.row.approved",
    ]
    returned = AuditEntry.objects.get(object_id=str(row.pk), action="targets.row.returned")
    assert (returned.actor, returned.comment, returned.before, returned.after["status"]) == (
        reviewer,
        "成交金额偏低，请核实",
        {"status": "submitted"},
        "returned",
    )
    changed = AuditEntry.objects.filter(object_id=str(row.pk), action="targets.cell.changed").order_by("id").last()
    assert (changed.actor, changed.before, changed.after) == (wuhan, {"raw": "300"}, {"raw": "450"})
    for label in ("提交", "退回", "审核通过", "修改指标值", "成交金额偏低，请核实"):
        assert label in page

    # An approved row refuses edits, through the page and through the service.
    client.force_login(wuhan)
    response = _save(client, wuhan_row, {1: "1"}, version=row.version)
    assert response.status_code == 400 and "不能修改" in response.content.decode()
    with pytest.raises(NotEditable):
        row_cells_update(row_id=row.pk, values={_col(row, 1).pk: "1"}, expected_version=row.version, actor=wuhan)
    assert Cell.objects.get(row=row, column__order=1).raw == "520"


def test_returning_needs_a_comment_and_changes_nothing_without_one(client, reviewer, wuhan_row, open_table, wuhan):
    workflow.row_submit(row_id=wuhan_row.pk, actor=wuhan)
    client.force_login(reviewer)
    response = client.post(reverse("targets:row_return", args=[wuhan_row.pk]), {"comment": "  "}, follow=True)
    assert "退回时必须填写退回意见" in response.content.decode()
    assert _reload(wuhan_row).status == ReviewStatus.SUBMITTED
    with pytest.raises(workflow.TransitionRefused, match="退回意见"):
        workflow.row_return(row_id=wuhan_row.pk, actor=reviewer, comment="")


@pytest.mark.parametrize(
    ("status", "service", "message"),
    [
        (ReviewStatus.DRAFT, "row_approve", "只有已提交的行才能通过"),
        (ReviewStatus.APPROVED, "row_approve", "只有已提交的行才能通过"),
        (ReviewStatus.NOT_STARTED, "row_return", "只有已提交的行才能退回"),
        (ReviewStatus.SUBMITTED, "row_submit", "只有未填报、填报中、已退回的行才能提交"),
        (ReviewStatus.APPROVED, "row_submit", "只有未填报、填报中、已退回的行才能提交"),
        (ReviewStatus.DRAFT, "row_reopen", "只有已通过的行才能重新打开"),
    ],
)
def test_an_illegal_transition_is_refused_with_a_message_and_changes_nothing(
    wuhan_row, open_table, admin_user, status, service, message
):
    TableRow.objects.filter(pk=wuhan_row.pk).update(status=status)
    kwargs = {"comment": "意见"} if service == "row_return" else {"reason": "原因"} if service == "row_reopen" else {}
    before = AuditEntry.objects.count()
    with pytest.raises(workflow.TransitionRefused, match=message):
        getattr(workflow, service)(row_id=wuhan_row.pk, actor=admin_user, **kwargs)
    assert _reload(wuhan_row).status == status
    assert AuditEntry.objects.count() == before


def test_units_cannot_submit_before_the_table_opens_or_after_its_deadline_unless_extended(wuhan_row, wuhan, admin_user):
    with pytest.raises(workflow.TransitionRefused, match="未发布，不能提交"):
        workflow.row_submit(row_id=wuhan_row.pk, actor=wuhan)
    workflow.table_open(table_id=wuhan_row.table_id, actor=admin_user, deadline=timezone.now() + timedelta(days=1))
    later = timezone.now() + timedelta(days=2)
    with pytest.raises(workflow.TransitionRefused, match="已过截止时间"):
        workflow.row_submit(row_id=wuhan_row.pk, actor=wuhan, now=later)
    assert _reload(wuhan_row).status == ReviewStatus.NOT_STARTED
    workflow.table_open(table_id=wuhan_row.table_id, actor=admin_user, deadline=timezone.now() + timedelta(days=5))
    assert workflow.row_submit(row_id=wuhan_row.pk, actor=wuhan, now=later).status == ReviewStatus.SUBMITTED
    actions = AuditEntry.objects.filter(object_type="targets.TargetTable").values_list("action", flat=True)
    assert set(actions) == {"targets.table.opened", "targets.table.deadline_changed"}


def test_a_closed_table_refuses_submissions(wuhan_row, wuhan, admin_user, open_table):
    workflow.table_close(table_id=open_table.pk, actor=admin_user)
    assert TargetTable.objects.get(pk=open_table.pk).status == TableStatus.CLOSED
    with pytest.raises(workflow.TransitionRefused, match="已截止，不能提交"):
        workflow.row_submit(row_id=wuhan_row.pk, actor=wuhan)


def _submit_rows(names, open_table):
    rows = list(TableRow.objects.filter(table=open_table, unit__name__in=names))
    TableRow.objects.filter(pk__in=[r.pk for r in rows]).update(status=ReviewStatus.SUBMITTED)
    return rows


def test_a_reviewer_approves_many_submitted_rows_at_once(client, reviewer, open_table):
    rows = _submit_rows(["武汉市", "宜昌市", "襄阳市"], open_table)
    client.force_login(reviewer)
    queue = client.get(reverse("targets:review_queue")).context["rows"]
    assert {r.unit.name for r in queue} == {"武汉市", "宜昌市", "襄阳市"}
    response = client.post(reverse("targets:review_approve_many"), {"rows": [r.pk for r in rows]}, follow=True)
    assert "已审核通过 3 个单位的填报" in response.content.decode()
    assert set(TableRow.objects.filter(pk__in=[r.pk for r in rows]).values_list("status", flat=True)) == {"approved"}
    assert AuditEntry.objects.filter(action="targets.row.approved", actor=reviewer).count() == 3


def test_bulk_approval_is_all_or_nothing(reviewer, open_table):
    rows = _submit_rows(["武汉市", "宜昌市"], open_table)
    draft = TableRow.objects.get(table=open_table, unit__name="黄石市")
    with pytest.raises(workflow.TransitionRefused, match="黄石市"):
        workflow.rows_approve(row_ids=[r.pk for r in rows] + [draft.pk], actor=reviewer)
    assert set(TableRow.objects.filter(pk__in=[r.pk for r in rows]).values_list("status", flat=True)) == {"submitted"}


def test_an_admin_reopens_one_approved_row_with_a_reason_leaving_the_others_locked(wuhan, admin_user, open_table):
    rows = _submit_rows(["武汉市", "宜昌市"], open_table)
    workflow.rows_approve(row_ids=[r.pk for r in rows], actor=admin_user)
    with pytest.raises(workflow.TransitionRefused, match="必须填写原因"):
        workflow.row_reopen(row_id=rows[0].pk, actor=admin_user, reason="")
    workflow.row_reopen(row_id=rows[0].pk, actor=admin_user, reason="质押金额单位有误")
    statuses = dict(TableRow.objects.filter(pk__in=[r.pk for r in rows]).values_list("unit__name", "status"))
    assert statuses == {"武汉市": "returned", "宜昌市": "approved"}
    assert TargetTable.objects.get(pk=open_table.pk).status == TableStatus.OPEN


def test_reopening_one_cell_lets_only_that_cell_change(wuhan, admin_user, open_table):
    [row] = _submit_rows(["武汉市"], open_table)
    workflow.row_approve(row_id=row.pk, actor=admin_user)
    column = _col(row, 4)
    workflow.row_reopen(row_id=row.pk, actor=admin_user, reason="只改质押金额", column_ids=[column.pk])
    row = _reload(row)
    with pytest.raises(Exception, match="未被重新打开"):
        row_cells_update(row_id=row.pk, values={_col(row, 1).pk: "999"}, expected_version=row.version, actor=wuhan)
    row = row_cells_update(row_id=row.pk, values={column.pk: "210000"}, expected_version=row.version, actor=wuhan)
    workflow.row_submit(row_id=row.pk, actor=wuhan)
    row = workflow.row_approve(row_id=row.pk, actor=admin_user)
    assert row.reopened_column_ids is None
    assert Cell.objects.get(row=row, column=column).raw == "210000"


def test_only_an_admin_may_reopen(client, reviewer, wuhan_row, open_table, admin_user):
    TableRow.objects.filter(pk=wuhan_row.pk).update(status=ReviewStatus.APPROVED)
    client.force_login(reviewer)
    assert client.post(reverse("targets:row_reopen", args=[wuhan_row.pk]), {"reason": "x"}).status_code == 403
    client.force_login(admin_user)
    client.post(reverse("targets:row_reopen", args=[wuhan_row.pk]), {"reason": "复核"})
    assert _reload(wuhan_row).status == ReviewStatus.RETURNED


def test_a_removed_row_disappears_and_an_admin_can_restore_it(client, admin_user, open_table):
    row = TableRow.objects.get(table=open_table, unit__name="潜江市")
    client.force_login(admin_user)
    client.post(reverse("targets:row_remove", args=[row.pk]), {"reason": "合并到仙桃市"})
    assert not open_table.rows.filter(pk=row.pk).exists()
    assert TableRow.all_objects.filter(pk=row.pk).exists() and Cell.objects.filter(row=row).count() == 7
    progress = client.get(reverse("targets:table_progress", args=[open_table.pk]))
    assert [r.unit.name for r in progress.context["removed"]] == ["潜江市"] and progress.context["total"] == 15
    client.post(reverse("targets:row_restore", args=[row.pk]))
    assert open_table.rows.filter(pk=row.pk).exists()
    assert list(
        AuditEntry.objects.filter(object_id=str(row.pk), object_type="targets.TableRow")
        .order_by("id")
        .values_list("action", "comment")
    ) == [("targets.row.removed", "合并到仙桃市"), ("targets.row.restored", "")]


def test_a_removed_indicator_is_recoverable(hubei, admin_user):
    from targets.models import Indicator

    indicator = Indicator.objects.filter(project=hubei).first()
    workflow.indicator_remove(indicator_id=indicator.pk, actor=admin_user, reason="重复")
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    workflow.indicator_restore(indicator_id=indicator.pk, actor=admin_user)
    assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_progress_page_counts_every_status_with_a_bar(client, observer, open_table):
    _submit_rows(["武汉市", "宜昌市"], open_table)
    client.force_login(observer)
    response = client.get(reverse("targets:table_progress", args=[open_table.pk]))
    bars = {b["status"].value: (b["count"], b["percent"]) for b in response.context["bars"]}
    assert bars["submitted"] == (2, 12.5) and bars["not_started"] == (14, 87.5)
    assert "开放填报" not in response.content.decode()  # an observer manages nothing


def test_a_filler_landing_page_lists_only_their_rows_with_status_and_deadline(client, wuhan, open_table):
    client.force_login(wuhan)
    response = client.get(reverse("home"))
    assert [(r.unit.name, r.table_id) for r in response.context["my_rows"]] == [("武汉市", open_table.pk)]
    assert timezone.localtime(open_table.deadline).strftime("%Y-%m-%d %H:%M") in response.content.decode()


# --- notifications ---------------------------------------------------------------------


def test_opening_a_table_tells_its_units_in_the_inbox_and_by_email(
    wuhan, outsider, admin_user, wuhan_row, django_capture_on_commit_callbacks
):
    wuhan.email = "wuhan@example.cn"
    wuhan.save()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.table_open(table_id=wuhan_row.table_id, actor=admin_user, deadline=timezone.now() + timedelta(days=9))
    assert Notification.objects.filter(recipient__in=[wuhan, outsider], kind="table_opened").count() == 2
    assert [m.to for m in mail.outbox] == [["wuhan@example.cn"]]
    assert "开始填报" in mail.outbox[0].subject


def test_a_returned_row_tells_the_unit_and_a_submission_tells_the_reviewers(
    wuhan, outsider, reviewer, other_reviewer, wuhan_row, open_table
):
    workflow.row_submit(row_id=wuhan_row.pk, actor=wuhan)
    assert list(Notification.objects.filter(kind="row_submitted").values_list("recipient", flat=True)) == [reviewer.pk]
    workflow.row_return(row_id=wuhan_row.pk, actor=reviewer, comment="请补充成交金额")
    returned = Notification.objects.get(kind="row_returned")
    assert (returned.recipient, returned.body) == (wuhan, "退回意见：请补充成交金额")


def test_deadline_reminders_go_three_days_before_to_units_that_have_not_submitted_once(
    wuhan, outsider, wuhan_row, admin_user
):
    from targets.tasks import deadline_reminders_send

    deadline = timezone.now() + timedelta(days=10)
    workflow.table_open(table_id=wuhan_row.table_id, actor=admin_user, deadline=deadline)
    TableRow.objects.filter(table=wuhan_row.table, unit=outsider.memberships.get().unit).update(
        status=ReviewStatus.SUBMITTED
    )
    assert deadline_reminders_send((deadline - timedelta(days=4)).isoformat()) == 0
    assert deadline_reminders_send((deadline - timedelta(days=2)).isoformat()) == 1
    assert deadline_reminders_send((deadline - timedelta(days=1)).isoformat()) == 0  # once per deadline
    assert Notification.objects.get(kind="deadline_soon").recipient == wuhan


def test_the_inbox_shows_and_marks_only_the_users_own_notifications(
    client, wuhan, outsider, reviewer, wuhan_row, open_table
):
    workflow.row_submit(row_id=wuhan_row.pk, actor=wuhan)
    mine = Notification.objects.get(recipient=reviewer, kind="row_submitted")
    client.force_login(outsider)
    assert client.post(reverse("units:notification_read", args=[mine.pk])).status_code == 404
    client.force_login(reviewer)
    assert mine.title in client.get(reverse("units:inbox")).content.decode()
    response = client.post(reverse("units:notification_read", args=[mine.pk]))
    assert response.url == reverse("targets:row", args=[wuhan_row.pk])
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_email_sending_is_retried_and_never_sent_twice(wuhan, settings):
    from units.tasks import notification_email_send

    wuhan.email = "wuhan@example.cn"
    wuhan.save()
    notification = Notification.objects.create(recipient=wuhan, kind="row_returned", title="退回", body="请修改")
    assert notification_email_send.max_retries >= 3 and notification_email_send.autoretry_for
    assert notification_email_send(notification.pk) is True
    assert notification_email_send(notification.pk) is False
    assert len(mail.outbox) == 1


def test_a_submitted_agreement_waits_in_the_review_queue_of_its_projects_reviewers_only(
    client, reviewer, other_reviewer, admin_user, platform_agreement
):
    from review.engine import ReviewStatus

    type(platform_agreement).objects.filter(pk=platform_agreement.pk).update(status=ReviewStatus.SUBMITTED)
    link = reverse("projects:agreement", args=[platform_agreement.pk])
    for user, listed in ((reviewer, True), (admin_user, True), (other_reviewer, False)):
        client.force_login(user)
        page = client.get(reverse("targets:review_queue")).content.decode()
        assert (link in page and "待审核的任务书" in page) is listed, user.username

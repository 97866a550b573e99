"""The one review workflow (review.engine), run once against every reviewable.

Each reviewable is described by a `Case`: how to make one ready to submit, who fills and
who reviews it, and how its services submit, return, approve and save. A new reviewable
adds a case here and gets the whole suite."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied

from projects.agreements import services as agreements
from review.engine import NotEditable, ReviewStatus, StaleVersion, TransitionRefused
from targets import workflow
from targets.services import row_cells_update
from tests.projects.test_agreements import _filled
from units.models import AuditEntry, Membership, Notification, Role, Unit

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    obj: object
    filler: object
    reviewer: object
    submit: callable
    return_: callable
    approve: callable
    save: callable  # (obj, expected_version, actor) -> obj

    def reload(self):
        return type(self.obj)._base_manager.get(pk=self.obj.pk)


def _row_case(request) -> Case:
    row, filler, reviewer = (request.getfixturevalue(n) for n in ("wuhan_row", "wuhan", "reviewer"))
    request.getfixturevalue("open_table")
    column = row.table.columns.order_by("order").first()
    return Case(
        obj=row,
        filler=filler,
        reviewer=reviewer,
        submit=lambda actor: workflow.row_submit(row_id=row.pk, actor=actor),
        return_=lambda actor, comment: workflow.row_return(row_id=row.pk, actor=actor, comment=comment),
        approve=lambda actor: workflow.row_approve(row_id=row.pk, actor=actor),
        save=lambda version, actor, text: row_cells_update(
            row_id=row.pk, values={column.pk: text}, expected_version=version, actor=actor
        ),
    )


def _agreement_case(request) -> Case:
    hubei, admin, reviewer = (request.getfixturevalue(n) for n in ("hubei", "admin_user", "reviewer"))
    filler = request.getfixturevalue("django_user_model").objects.create_user("t-platform", password="x-pass-2022!")
    undertaker = Unit.objects.get(name="湖北省知识产权发展中心")
    Membership.objects.create(user=filler, unit=undertaker, role=Role.FILLER)
    agreement = agreements.agreement_create(project=hubei, undertaker=undertaker, platform_kind="sub", actor=admin)
    _filled(agreement, filler)
    pk = agreement.pk
    return Case(
        obj=agreement,
        filler=filler,
        reviewer=reviewer,
        submit=lambda actor: agreements.agreement_submit(agreement_id=pk, actor=actor),
        return_=lambda actor, comment: agreements.agreement_return(agreement_id=pk, actor=actor, comment=comment),
        approve=lambda actor: agreements.agreement_approve(agreement_id=pk, actor=actor),
        save=lambda version, actor, text: agreements.agreement_save_content(
            agreement_id=pk, expected_version=version, data={"schedule_text": text}, stage_goals={}, actor=actor
        ),
    )


def _filing_case(request) -> Case:
    """A 地方主管部门's filing (organisations): 广州市市场监管局 fills, the project's reviewer reviews."""
    from projects.filings import services as filings
    from projects.models import ProjectFiling

    project, filler, reviewer = (
        request.getfixturevalue(n) for n in ("guangzhou", "guangzhou_filler", "other_reviewer")
    )
    filing = ProjectFiling.objects.create(project=project, unit_id=project.local_department_id)
    pk = project.pk
    return Case(
        obj=filing,
        filler=filler,
        reviewer=reviewer,
        submit=lambda actor: filings.filing_submit(project_id=pk, actor=actor),
        return_=lambda actor, comment: filings.filing_return(project_id=pk, actor=actor, comment=comment),
        approve=lambda actor: filings.filing_approve(project_id=pk, actor=actor),
        save=lambda version, actor, text: filings.filing_save(
            project_id=pk, expected_version=version, header={"leader": f"负责人{text}"}, targets={}, actor=actor
        ),
    )


@pytest.fixture(params=["row", "agreement", "filing"])
def case(request) -> Case:
    return {"row": _row_case, "agreement": _agreement_case, "filing": _filing_case}[request.param](request)


def _entries(case: Case, event: str):
    return AuditEntry.objects.filter(action=f"{case.obj.audit_code}.{event}", object_id=str(case.obj.pk))


def test_submit_return_refill_and_approve(case):
    case.save(case.reload().version, case.filler, "101")
    assert case.reload().status == ReviewStatus.DRAFT

    case.submit(case.filler)
    obj = case.reload()
    assert (obj.status, obj.submitted_by) == (ReviewStatus.SUBMITTED, case.filler)
    entry = _entries(case, "submitted").get()
    assert (entry.actor, entry.before["status"], entry.after["status"]) == (case.filler, "draft", "submitted")
    assert Notification.objects.filter(recipient=case.reviewer, kind="row_submitted").exists()

    case.return_(case.reviewer, "请补充")
    obj = case.reload()
    assert (obj.status, obj.review_comment, obj.reviewed_by) == (ReviewStatus.RETURNED, "请补充", case.reviewer)
    entry = _entries(case, "returned").get()
    assert (entry.actor, entry.comment, entry.after["status"]) == (case.reviewer, "请补充", "returned")
    assert Notification.objects.filter(recipient=case.filler, kind="row_returned", body="退回意见：请补充").exists()

    version = obj.version
    case.save(version, case.filler, "103")
    obj = case.reload()
    assert (obj.status, obj.version) == (ReviewStatus.DRAFT, version + 1)

    case.submit(case.filler)
    case.approve(case.reviewer)
    obj = case.reload()
    assert (obj.status, obj.reviewed_by, obj.review_comment) == (ReviewStatus.APPROVED, case.reviewer, "")
    assert _entries(case, "approved").get().actor == case.reviewer
    assert Notification.objects.filter(recipient=case.filler, kind="row_approved").exists()


def test_an_illegal_step_is_refused_with_a_message_and_no_change(case):
    before = case.reload()
    audit_count = AuditEntry.objects.count()
    with pytest.raises(TransitionRefused, match="只有已提交的.*才能通过"):
        case.approve(case.reviewer)
    with pytest.raises(TransitionRefused, match="只有已提交的.*才能退回"):
        case.return_(case.reviewer, "请补充")
    after = case.reload()
    assert (after.status, after.version, after.reviewed_by) == (before.status, before.version, None)
    assert AuditEntry.objects.count() == audit_count


def test_a_step_the_policy_refuses_changes_nothing(case):
    case.submit(case.filler)
    with pytest.raises(PermissionDenied):
        case.approve(case.filler)  # a filler may not approve their own work
    assert case.reload().status == ReviewStatus.SUBMITTED
    assert not _entries(case, "approved").exists()


def test_a_save_on_a_stale_version_or_a_submitted_object_changes_nothing(case):
    version = case.reload().version
    case.save(version, case.filler, "101")
    with pytest.raises(StaleVersion, match="已被他人修改"):
        case.save(version, case.filler, "102")
    assert case.reload().version == version + 1

    case.submit(case.filler)
    with pytest.raises(NotEditable, match="不能修改"):
        case.save(version + 1, case.filler, "104")
    obj = case.reload()
    assert (obj.status, obj.version) == (ReviewStatus.SUBMITTED, version + 1)

"""A round's deadline is kept as a table's is: after it a unit's report is neither saved nor
submitted (nor given evidence), as rows are not submitted after their table's deadline. The
bureau may still save a report on the unit's behalf, but submits one only within the deadline;
the project's reviewers and admins extend it on the round page (audited, the units told).
docs/monitoring.md, "Deadlines"."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from targets.review import EDITABLE, TransitionRefused
from units import policy
from units.audit import AuditAction, audit_record
from units.models import NotificationKind
from units.notifications import notify, unit_fillers

from .models import Report, Round, RoundStatus

SAVE, SUBMIT = "保存", "提交"


def deadline_passed(round_: Round, now=None) -> bool:
    return policy.deadline_passed(round_, now)


def may_after_deadline(user, report: Report, step: str) -> bool:
    """Whether `user` may take `step` on `report` now, as far as the round's deadline goes."""
    if not deadline_passed(report.round):
        return True
    return step == SAVE and policy.can_manage_rounds(user, report.round.project)


def refuse_after_deadline(report: Report, actor, step: str) -> None:
    """TransitionRefused (a 409 on the API, the page's message) when the deadline forbids `step`."""
    if not may_after_deadline(actor, report, step):
        deadline = timezone.localtime(report.round.deadline)
        raise TransitionRefused(
            f"已过本轮截止时间（{deadline:%Y-%m-%d %H:%M}），不能{step}；如需延期请联系本项目的省局审核员在轮次页延长截止时间"
        )


@transaction.atomic
def round_deadline_set(*, round_id: int, deadline: datetime | None, actor) -> Round:
    """Set (extend, or clear: None is 不限) a round's deadline; the units whose reports are not yet
    submitted are told the new one."""
    round_ = Round.objects.select_for_update().select_related("project").get(pk=round_id)
    if not policy.can_manage_rounds(actor, round_.project):
        raise PermissionDenied("只有本项目的审核员或管理员可以修改截止时间")
    if round_.status == RoundStatus.CLOSED:
        raise ValidationError("该轮次已结束，不能修改截止时间")
    if deadline is not None and deadline <= timezone.now():
        raise ValidationError("截止时间必须晚于现在")
    if deadline == round_.deadline:
        return round_
    before = round_.deadline
    round_.deadline = deadline
    round_.save(update_fields=["deadline"])
    audit_record(
        actor=actor,
        action=AuditAction.MONITORING_ROUND_DEADLINE_CHANGED,
        obj=round_,
        before={"deadline": _shown(before)},
        after={"deadline": _shown(deadline)},
    )
    waiting = round_.reports.filter(unit__isnull=False, status__in=EDITABLE).values_list("unit_id", flat=True)
    notify(
        recipients=unit_fillers(list(waiting)),
        kind=NotificationKind.ROUND_OPENED,
        title=f"《{round_.project.name}》{round_}的截止时间已改为{_shown(deadline)}",
        body="请在截止时间前填写并提交本单位的报告。",
        link="/",
    )
    return round_


def _shown(deadline: datetime | None) -> str:
    return f"{timezone.localtime(deadline):%Y-%m-%d %H:%M}" if deadline else "不限"

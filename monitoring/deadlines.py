"""A round's deadline is kept as a table's is: after it a unit's report is neither saved nor
submitted (nor given evidence), as rows are not submitted after their table's deadline. The
bureau may still save a report on the unit's behalf, but submits one only within the deadline;
the project's reviewers and admins extend it on the round page (deadline_services, audited, the
units told). docs/monitoring.md, "Deadlines"."""

from __future__ import annotations

from django.utils import timezone

from review.engine import TransitionRefused
from units import policy

from .models import Report, Round

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

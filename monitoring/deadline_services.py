"""Writes of a round's deadline (what it forbids: monitoring.deadlines)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from review.engine import EDITABLE
from units import policy
from units.audit import audit_record
from units.models import NotificationKind
from units.notifications import notify, unit_fillers

from .audit_actions import MonitoringAction
from .models import Round, RoundStatus


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
        action=MonitoringAction.MONITORING_ROUND_DEADLINE_CHANGED,
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

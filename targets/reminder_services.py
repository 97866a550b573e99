"""催报: one click on 填报进度 reminds every unit of an open table that has not submitted its row.

Each unit's fillers get an inbox message and, through the notification outbox, an e-mail. A unit
is reminded at most once a day per table: the table row is locked while the reminders are
written, and the database refuses a second TableReminder of the same table, unit and day. The
bureau is told who was reminded and who was skipped (reminded today already, or no filler
account to tell); the click is audited on the table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from review.engine import EDITABLE
from units import policy
from units.audit import audit_record
from units.models import Membership, NotificationKind, Role
from units.notifications import notify

from .audit_actions import TargetAction
from .models import TableReminder, TableRow, TableStatus, TargetTable


@dataclass
class Reminded:
    reminded: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # reminded today already
    no_account: list[str] = field(default_factory=list)  # no active filler to tell

    @property
    def message(self) -> str:
        if not (self.reminded or self.already or self.no_account):
            return "没有需要催报的单位：各单位都已提交"
        parts = [
            f"已催报 {len(self.reminded)} 个单位：{'、'.join(self.reminded)}" if self.reminded else "没有催报任何单位"
        ]
        if self.already:
            parts.append(f"今天已催报过，未重复：{'、'.join(self.already)}")
        if self.no_account:
            parts.append(f"没有填报员账号，未能催报：{'、'.join(self.no_account)}")
        return "；".join(parts)


def _fillers_by_unit(unit_ids: list[int]) -> dict[int, list]:
    members = Membership.objects.filter(unit_id__in=unit_ids, role=Role.FILLER, user__is_active=True)
    found: dict[int, list] = {}
    for member in members.select_related("user"):
        found.setdefault(member.unit_id, []).append(member.user)
    return found


@transaction.atomic
def table_remind(*, table_id: int, actor, today: date | None = None) -> Reminded:
    """Remind the units of the table whose rows are not submitted (未填报, 填报中, 已退回)."""
    # The table's row is the lock: two clicks at once (two browsers) remind each unit once.
    table = TargetTable.objects.select_for_update().select_related("project").get(pk=table_id)
    if not policy.can_remind_table(actor, table):
        raise PermissionDenied("只有省局管理员或本项目的审核员可以催报")
    if table.status != TableStatus.OPEN:
        raise ValidationError(f"“{table.title}”当前{table.get_status_display()}，开放填报后才能催报")
    today = today or timezone.localdate()
    rows = list(TableRow.objects.filter(table=table, status__in=EDITABLE).select_related("unit").order_by("seq"))
    done_today = set(TableReminder.objects.filter(table=table, day=today).values_list("unit_id", flat=True))
    fillers = _fillers_by_unit([r.unit_id for r in rows])
    result = Reminded()
    deadline = f"，截止时间 {timezone.localtime(table.deadline):%Y-%m-%d %H:%M}" if table.deadline else ""
    for row in rows:
        if row.unit_id in done_today:
            result.already.append(row.unit.name)
        elif not fillers.get(row.unit_id):
            result.no_account.append(row.unit.name)
        else:
            TableReminder.objects.create(table=table, unit=row.unit, day=today, sent_by=actor)
            notify(
                recipients=fillers[row.unit_id],
                kind=NotificationKind.REMINDER,
                title=f"催报：请尽快提交《{table.title}》",
                body=f"{row.unit.name}的填报尚未提交（当前：{row.get_status_display()}{deadline}），请尽快完成填报并提交。",
                link=reverse("targets:row", args=[row.pk]),
                subject_key=f"remind:{table.pk}:{row.unit_id}:{today.isoformat()}",
            )
            result.reminded.append(row.unit.name)
    if result.reminded:
        audit_record(
            actor=actor,
            action=TargetAction.TABLE_REMINDED,
            obj=table,
            after={"reminded": result.reminded, "already": result.already, "no_account": result.no_account},
            comment=result.message,
        )
    return result

"""未提交单位名单: the units of a table that have not submitted their row, with whom to call (the
fillers' names, e-mail and the unit's phone) and when each was last reminded (催报). The
bureau's working list, not an official form."""

from __future__ import annotations

from django.utils import timezone

from review.engine import EDITABLE
from targets.models import TableRow, TargetTable
from targets.selectors import reminders_by_unit
from units.models import Membership, Role

from .base import Exporter, SheetWriter

HEADS = ("序号", "单位名称", "状态", "填报员", "电子邮箱", "单位电话", "最近催报")


class UnsubmittedExporter(Exporter):
    identifier = "unsubmitted"
    title = "未提交单位名单"
    takes = "table"
    permission = "view_table"
    bundled = False  # a working list, not one of the filed 附件

    def render(self, ws, table: TargetTable, user) -> None:
        rows = list(TableRow.objects.filter(table=table, status__in=EDITABLE).select_related("unit").order_by("seq"))
        members = Membership.objects.filter(
            unit_id__in=[r.unit_id for r in rows], role=Role.FILLER, user__is_active=True
        ).select_related("user")
        people: dict[int, list] = {}
        for member in members.order_by("user__username"):
            people.setdefault(member.unit_id, []).append(member.user)
        reminders = reminders_by_unit(table)
        sheet = SheetWriter(ws, len(HEADS))
        sheet.title(1, f"{table.title} · 未提交单位名单")
        now = timezone.localtime()
        sheet.merge(
            2, 1, 2, len(HEADS), f"截至 {now:%Y-%m-%d %H:%M}，共 {len(rows)} 个单位未提交", align="left", box=False
        )
        for col, text in enumerate(HEADS, start=1):
            sheet.put(3, col, text, bold=True)
        for r, row in enumerate(rows, start=4):
            users = people.get(row.unit_id, [])
            reminder = reminders.get(row.unit_id)
            cells = (
                row.seq,
                row.unit.name,
                row.get_status_display(),
                "、".join(u.get_full_name() or u.username for u in users) or "（无账号）",
                "、".join(u.email for u in users if u.email),
                row.unit.phone,
                f"{timezone.localtime(reminder.sent_at):%Y-%m-%d %H:%M}" if reminder else "未催报",
            )
            for col, value in enumerate(cells, start=1):
                sheet.put(r, col, value, align="left" if col in (2, 4, 5) else "center")
        sheet.set_widths(minimum={2: 20, 4: 14, 5: 20}, maximum={2: 30, 5: 30})
        sheet.fit_heights(3, 3 + len(rows))
        sheet.print_setup(title_rows=(3, 3), landscape=False)

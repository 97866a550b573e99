from datetime import timedelta

from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from config.broker import task_send
from units.models import NotificationKind
from units.notifications import notify, unit_fillers

from .models import ReviewStatus, TableRow, TableStatus
from .services import table_cells_reparse

REMINDER_WINDOW = timedelta(days=3)


@shared_task(acks_late=True)
def table_cells_reparse_task(table_id: int) -> int:
    return table_cells_reparse(table_id=table_id)


def table_cells_reparse_queue(table_id: int) -> None:
    """After a column's unit or kind changed: reparse by a worker, or here if the broker is down
    (the parsed values must follow the column either way)."""
    if not task_send(table_cells_reparse_task, table_id):
        table_cells_reparse(table_id=table_id)


@shared_task(acks_late=True)
def deadline_reminders_send(now_iso: str | None = None) -> int:
    """Remind units that have not submitted, three days before their table's deadline.

    Run by Celery beat every hour; each unit is reminded once per row and deadline,
    so running it again (or after a retry) sends nothing twice.
    """
    now = timezone.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    rows = TableRow.objects.filter(
        table__status=TableStatus.OPEN,
        table__deadline__gt=now,
        table__deadline__lte=now + REMINDER_WINDOW,
        status__in=[ReviewStatus.NOT_STARTED, ReviewStatus.DRAFT, ReviewStatus.RETURNED],
    ).select_related("table")
    sent = 0
    for row in rows:
        deadline = timezone.localtime(row.table.deadline)
        sent += len(
            notify(
                recipients=unit_fillers([row.unit_id]),
                kind=NotificationKind.DEADLINE_SOON,
                title=f"《{row.table.title}》将于 {deadline:%m月%d日 %H:%M} 截止",
                body="本单位尚未提交，请在截止前完成填报并提交。",
                link=reverse("targets:row", args=[row.pk]),
                subject_key=f"deadline:{row.pk}:{row.table.deadline.isoformat()}",
            )
        )
    return sent

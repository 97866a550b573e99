"""Reminders of monitoring and 自评 deadlines, as for filling (targets.tasks.deadline_reminders_send)."""

from datetime import timedelta

from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from review.engine import EDITABLE
from units.models import NotificationKind
from units.notifications import notify, unit_fillers

from .models import Report, RoundStatus

REMINDER_WINDOW = timedelta(days=3)


@shared_task(acks_late=True)
def report_deadline_reminders_send(now_iso: str | None = None) -> int:
    """Remind units whose report is not submitted, three days before the round's deadline; once
    per report and deadline (run by beat every hour)."""
    now = timezone.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    reports = Report.objects.filter(
        unit__isnull=False,
        round__status=RoundStatus.OPEN,
        round__deadline__gt=now,
        round__deadline__lte=now + REMINDER_WINDOW,
        status__in=list(EDITABLE),
    ).select_related("round__project")
    sent = 0
    for report in reports:
        deadline = report.round.deadline
        sent += len(
            notify(
                recipients=unit_fillers([report.unit_id]),
                kind=NotificationKind.DEADLINE_SOON,
                title=f"《{report.round.project.name}》{report.round}将于 {timezone.localtime(deadline):%m月%d日 %H:%M} 截止",
                body="本单位尚未提交，请在截止前完成填报并提交。",
                link=reverse("monitoring:report", args=[report.pk]),
                subject_key=f"monitoring:{report.pk}:{deadline.isoformat()}",
            )
        )
    return sent

import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from config.broker import task_send

from .models import Notification


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=6,
)
def notification_email_send(notification_id: int) -> bool:
    """Send one notification by e-mail. Safe to retry: a sent message is not sent again."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at or not notification.recipient.email:
        return False
    body = notification.body
    if notification.link:
        body += f"\n\n查看：{settings.SITE_URL.rstrip('/')}{notification.link}"
    send_mail(f"【绩效目标管理】{notification.title}", body, None, [notification.recipient.email])
    Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True


# An e-mail handed to the broker this long ago and still not sent was lost (a broker restarted
# without persistence, a worker killed before acking): hand it over again.
OUTBOX_REQUEUE_AFTER = timedelta(minutes=10)
# Older messages are not mailed any more; the inbox still has them.
OUTBOX_GIVE_UP_AFTER = timedelta(days=3)


@shared_task(acks_late=True)
def outbox_sweep(now_iso: str | None = None) -> int:
    """Hand over every e-mail still owed (run by beat every minute). Returns how many."""
    now = timezone.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    owed = (
        Notification.objects.filter(emailed_at__isnull=True, created_at__gte=now - OUTBOX_GIVE_UP_AFTER)
        .exclude(recipient__email="")
        .exclude(email_queued_at__gte=now - OUTBOX_REQUEUE_AFTER)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    return notification_emails_queue(list(owed[:1000]))


def notification_emails_queue(ids) -> int:
    """Hand these notifications' e-mails to Celery; stop at the first refusal (the broker is
    down: the rest would wait as long). Returns how many were handed over."""
    queued = 0
    for pk in ids:
        if not task_send(notification_email_send, pk):
            break
        Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(email_queued_at=timezone.now())
        queued += 1
    return queued

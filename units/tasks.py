import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

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

"""Telling people: an inbox entry now, an e-mail through Celery once the transaction commits."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Notification, Role


def unit_fillers(unit_ids) -> list:
    return list(
        get_user_model().objects.filter(
            memberships__unit_id__in=list(unit_ids), memberships__role=Role.FILLER, is_active=True
        ).distinct()
    )


def notify(*, recipients, kind: str, title: str, body: str = "", link: str = "", subject_key: str = "") -> list[Notification]:
    """Create one inbox entry per recipient and queue its e-mail after commit.

    With a `subject_key`, a recipient gets the message once (reminders are not repeated).
    """
    recipients = {user.pk: user for user in recipients}
    if subject_key:
        already = set(
            Notification.objects.filter(recipient_id__in=recipients, kind=kind, subject_key=subject_key).values_list(
                "recipient_id", flat=True
            )
        )
        recipients = {pk: user for pk, user in recipients.items() if pk not in already}
    created = [
        Notification.objects.create(
            recipient=user, kind=kind, title=title, body=body, link=link, subject_key=subject_key
        )
        for user in recipients.values()
    ]
    if created:
        from .tasks import notification_email_send

        ids = [n.pk for n in created]
        transaction.on_commit(lambda: [notification_email_send.delay(pk) for pk in ids])
    return created


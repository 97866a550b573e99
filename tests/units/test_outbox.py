"""The notification outbox: every e-mail owed is handed over by the sweep, once."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from units.models import Notification, NotificationKind
from units.tasks import outbox_sweep


def _owed(user, **fields):
    return Notification.objects.create(
        recipient=user, kind=NotificationKind.ROW_SUBMITTED, title="武汉市 已提交", **fields
    )


def test_the_sweep_sends_what_the_broker_never_took_and_nothing_twice(reviewer):
    reviewer.email = "reviewer@example.cn"
    reviewer.save()
    never_queued = _owed(reviewer)
    lost = _owed(reviewer, email_queued_at=timezone.now() - timedelta(hours=1))
    in_flight = _owed(reviewer, email_queued_at=timezone.now())
    sent = _owed(reviewer, emailed_at=timezone.now())

    assert outbox_sweep() == 2
    assert len(mail.outbox) == 2
    never_queued.refresh_from_db(), lost.refresh_from_db(), in_flight.refresh_from_db(), sent.refresh_from_db()
    assert never_queued.emailed_at and lost.emailed_at and in_flight.emailed_at is None

    assert outbox_sweep() == 0 and len(mail.outbox) == 2


def test_the_sweep_skips_users_without_an_address_and_stale_messages(reviewer, wuhan):
    reviewer.email = "reviewer@example.cn"
    reviewer.save()
    _owed(wuhan)  # no address: the inbox is all there is
    old = _owed(reviewer)
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=4))
    assert outbox_sweep() == 0 and mail.outbox == []


def test_beat_runs_the_sweep_every_minute(settings):
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "units.tasks.outbox_sweep")
    assert entry["schedule"] <= 60

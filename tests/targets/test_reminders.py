"""催报: one click on 填报进度 reminds every unit that has not submitted (inbox and e-mail, audited),
at most once a day per unit; the list of units not yet submitted exports to Excel."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from openpyxl import load_workbook

from targets.models import ReviewStatus, TableReminder, TableRow, TargetTable
from targets.reminder_services import table_remind
from units.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailed(wuhan, outsider):
    for user, address in ((wuhan, "wuhan@example.cn"), (outsider, "yichang@example.cn")):
        user.email = address
        user.save()


def test_one_click_reminds_every_unit_not_submitted_in_the_inbox_and_by_e_mail(
    client, admin_user, wuhan, outsider, mailed, open_table, django_capture_on_commit_callbacks
):
    TableRow.objects.filter(table=open_table, unit__name="宜昌市").update(status=ReviewStatus.SUBMITTED)
    client.force_login(admin_user)
    progress = client.get(reverse("targets:table_progress", args=[open_table.pk])).content.decode()
    assert "催报未提交单位（15）" in progress
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("targets:table_remind", args=[open_table.pk]), follow=True)
    message = [str(m) for m in response.context["messages"]][0]
    assert message.startswith("已催报 1 个单位：武汉市；没有填报员账号，未能催报：襄阳市、")
    assert "宜昌市" not in message  # submitted: nothing to remind
    note = Notification.objects.get(recipient=wuhan, kind="reminder")
    assert "请尽快提交" in note.title and "截止时间" in note.body
    assert not Notification.objects.filter(recipient=outsider, kind="reminder").exists()
    reminders = [m for m in mail.outbox if "催报" in m.subject]
    assert [m.to for m in reminders] == [["wuhan@example.cn"]]
    entry = AuditEntry.objects.get(action="targets.table.reminded", object_id=str(open_table.pk))
    assert entry.after["reminded"] == ["武汉市"] and entry.actor == admin_user


def test_a_unit_is_reminded_at_most_once_a_day(admin_user, reviewer, wuhan, open_table):
    first = table_remind(table_id=open_table.pk, actor=admin_user)
    again = table_remind(table_id=open_table.pk, actor=reviewer)  # the project's reviewer may too
    assert first.reminded == ["武汉市"] and again.reminded == [] and again.already == ["武汉市"]
    assert "今天已催报过，未重复：武汉市" in again.message
    assert Notification.objects.filter(recipient=wuhan, kind="reminder").count() == 1
    tomorrow = table_remind(table_id=open_table.pk, actor=admin_user, today=date.today() + timedelta(days=1))
    assert tomorrow.reminded == ["武汉市"]
    assert Notification.objects.filter(recipient=wuhan, kind="reminder").count() == 2
    unit = TableRow.objects.get(table=open_table, unit__name="宜昌市").unit
    with pytest.raises(IntegrityError), transaction.atomic():  # the database itself refuses a second one
        TableReminder.objects.create(table=open_table, unit=unit, day=date.today())
        TableReminder.objects.create(table=open_table, unit=unit, day=date.today())


def test_only_the_bureau_reminds_and_only_an_open_table(client, observer, wuhan, hubei_admin, hubei):
    table = TargetTable.objects.get(project=hubei, title__contains="市州类")
    url = reverse("targets:table_remind", args=[table.pk])
    client.force_login(observer)
    assert client.post(url).status_code == 403
    client.force_login(wuhan)
    assert client.post(url).status_code == 404
    client.force_login(hubei_admin)  # the table is not open yet: nothing to remind of
    response = client.post(url, follow=True)
    assert "开放填报后才能催报" in response.content.decode()
    assert not TableReminder.objects.exists() and not Notification.objects.filter(kind="reminder").exists()


def test_the_list_of_units_not_submitted_exports_to_excel(client, admin_user, wuhan, open_table):
    TableRow.objects.filter(table=open_table, unit__name="宜昌市").update(status=ReviewStatus.APPROVED)
    table_remind(table_id=open_table.pk, actor=admin_user)
    client.force_login(admin_user)
    response = client.get(reverse("reports:export_table_unsubmitted", args=[open_table.pk]))
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    units = [r[1] for r in rows]
    assert len(units) == 15 and "宜昌市" not in units and units[0] == "武汉市"
    wuhan_line = rows[0]
    assert wuhan_line[3] == "t-wuhan" and wuhan_line[6] != "未催报"
    assert rows[1][3] == "（无账号）" and rows[1][6] == "未催报"
    client.force_login(wuhan)  # a unit does not get the bureau's list
    assert client.get(reverse("reports:export_table_unsubmitted", args=[open_table.pk])).status_code == 404


def test_two_clicks_at_once_remind_each_unit_once(seeded_transactional_db, request):
    if connection.vendor != "postgresql":
        pytest.skip("parallel transactions need PostgreSQL (set DATABASE_URL)")
    admin, wuhan = request.getfixturevalue("admin_user"), request.getfixturevalue("wuhan")
    table = request.getfixturevalue("open_table")
    start = threading.Barrier(2)

    def click(_):
        try:
            start.wait(timeout=10)
            return table_remind(table_id=table.pk, actor=admin).reminded
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(click, range(2)))
    assert sorted(results) == [[], ["武汉市"]]
    assert Notification.objects.filter(recipient=wuhan, kind="reminder").count() == 1

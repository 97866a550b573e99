"""Table re-parse as a Celery task: eagerly without Redis, through a real worker with it."""

import threading
from decimal import Decimal

import pytest
from django.db import transaction

from projects.models import Project
from targets.models import Cell, IndicatorCategory, TableColumn, TableRow, TargetTable
from targets.tasks import table_cells_reparse_task
from units.models import Unit


def _table_with_a_cell():
    output, _ = IndicatorCategory.objects.get_or_create(level=1, name="产出指标")
    quantity, _ = IndicatorCategory.objects.get_or_create(level=2, name="数量指标", parent=output)
    unit = Unit.objects.create(name="任务测试市", category="region")
    project = Project.objects.create(code="task-test", name="任务测试项目")
    table = TargetTable.objects.create(
        project=project, title="任务测试表", unit_category="region", start_year=2022, end_year=2022
    )
    column = TableColumn.objects.create(
        table=table, order=1, category=quantity, name="金额", measure_unit="万元", value_kind="number"
    )
    row = TableRow.objects.create(table=table, unit=unit, seq=1)
    cell = Cell(row=row, column=column)
    cell.set_value(column.parse("200000"))
    cell.save()
    # The bureau corrects the column's unit; the cell's text stays, its unit must follow.
    TableColumn.objects.filter(pk=column.pk).update(measure_unit="元")
    return table, cell


def _assert_reparsed(cell):
    cell.refresh_from_db()
    assert (cell.raw, cell.number, cell.measure_unit) == ("200000", Decimal("200000"), "元")


@pytest.mark.django_db
def test_reparse_runs_in_process():
    table, cell = _table_with_a_cell()
    assert table_cells_reparse_task.delay(table.pk).get() == 1
    _assert_reparsed(cell)
    assert table_cells_reparse_task.delay(table.pk).get() == 0  # running it again changes nothing


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_reparse_runs_on_a_real_worker_through_redis(celery_worker):
    """Sent through Redis, run by the worker (its own thread and hostname, not in place), its result
    stored in the backend, its write visible to this test's connection."""
    from celery.result import AsyncResult, EagerResult
    from celery.signals import task_prerun

    from config.celery import app

    runs = {}

    def record(task_id=None, task=None, **kwargs):
        request = task.request
        runs[task_id] = (threading.get_ident(), request.hostname, request.is_eager, request.delivery_info or {})

    with transaction.atomic():
        table, cell = _table_with_a_cell()
    task_prerun.connect(record, weak=False)
    try:
        result = table_cells_reparse_task.delay(table.pk)
        assert not isinstance(result, EagerResult)
        assert result.get(timeout=30) == 1
    finally:
        task_prerun.disconnect(record)
    thread, hostname, eager, delivery = runs[result.id]
    assert thread != threading.get_ident() and not eager
    assert hostname and celery_worker.hostname.endswith(f"@{hostname}") or hostname == celery_worker.hostname
    assert delivery.get("routing_key")  # taken from a queue of the broker
    assert AsyncResult(result.id, app=app).state == "SUCCESS"  # read back from the result backend
    _assert_reparsed(cell)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_returned_row_is_emailed_to_the_unit_by_a_real_worker(celery_worker, django_user_model):
    import time
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from targets import workflow
    from units.models import Membership, Notification

    table, cell = _table_with_a_cell()
    filler = django_user_model.objects.create_user("worker-filler", email="filler@example.cn", password="x-pass-2022!")
    Membership.objects.create(user=filler, unit=cell.row.unit, role="filler")
    bureau = django_user_model.objects.create_user("worker-admin", is_superuser=True, is_staff=True)
    workflow.table_open(table_id=table.pk, actor=bureau, deadline=timezone.now() + timedelta(days=5))
    workflow.row_submit(row_id=cell.row_id, actor=filler)
    workflow.row_return(row_id=cell.row_id, actor=bureau, comment="请核对金额单位")

    notification = Notification.objects.get(kind="row_returned", recipient=filler)
    for _ in range(150):
        notification.refresh_from_db()
        if notification.emailed_at:
            break
        time.sleep(0.2)
    assert notification.emailed_at is not None, "the worker did not send the e-mail"
    # The worker also sends the earlier "table opened" message, possibly after this point.
    returned = [m for m in mail.outbox if "被退回" in m.subject]
    assert [m.to for m in returned] == [["filler@example.cn"]]
    assert "退回意见：请核对金额单位" in returned[0].body

"""The row's cell save and the table's services ask the rules themselves (targets/permissions.py
through units.policy), so a command, a task or the API that calls them cannot skip the check the
page makes: an outsider is refused with PermissionDenied and nothing changes."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from targets import editing, workflow
from targets.models import Cell, Indicator, TableRow, TableStatus, TargetTable
from targets.services import row_cells_update

pytestmark = pytest.mark.django_db


def test_an_outsider_cannot_save_a_rows_cells_and_nothing_is_saved(outsider, open_table, wuhan_row):
    column = wuhan_row.table.columns.get(order=1)
    with pytest.raises(PermissionDenied):
        row_cells_update(row_id=wuhan_row.pk, values={column.pk: "999"}, expected_version=1, actor=outsider)
    assert not Cell.objects.filter(row=wuhan_row, raw="999").exists()
    assert TableRow.objects.get(pk=wuhan_row.pk).version == 1


def test_the_rows_own_filler_saves_its_cells(wuhan, open_table, wuhan_row):
    column = wuhan_row.table.columns.get(order=1)
    row = row_cells_update(row_id=wuhan_row.pk, values={column.pk: "999"}, expected_version=1, actor=wuhan)
    assert row.version == 2 and Cell.objects.get(row=wuhan_row, column=column).raw == "999"


def test_a_filler_cannot_open_or_close_the_table(wuhan, outsider, wuhan_row):
    deadline = timezone.now() + timedelta(days=7)
    before = TargetTable.objects.get(pk=wuhan_row.table_id).status
    for user in (wuhan, outsider):
        with pytest.raises(PermissionDenied):
            workflow.table_open(table_id=wuhan_row.table_id, actor=user, deadline=deadline)
    assert TargetTable.objects.get(pk=wuhan_row.table_id).status == before


def test_a_filler_cannot_close_an_open_table(wuhan, open_table):
    with pytest.raises(PermissionDenied):
        workflow.table_close(table_id=open_table.pk, actor=wuhan)
    assert TargetTable.objects.get(pk=open_table.pk).status == TableStatus.OPEN


def test_a_filler_cannot_remove_or_restore_a_row(wuhan, outsider, admin_user, wuhan_row):
    with pytest.raises(PermissionDenied):
        workflow.row_remove(row_id=wuhan_row.pk, actor=outsider, reason="不需要")
    assert TableRow.objects.filter(pk=wuhan_row.pk).exists()
    workflow.row_remove(row_id=wuhan_row.pk, actor=admin_user, reason="不需要")
    with pytest.raises(PermissionDenied):
        workflow.row_restore(row_id=wuhan_row.pk, actor=wuhan)
    assert not TableRow.objects.filter(pk=wuhan_row.pk).exists()  # still removed


def test_a_filler_cannot_change_the_tables_columns_units_or_order(wuhan, outsider, wuhan_row):
    from targets import editing
    from targets.models import TableColumn

    table = TargetTable.objects.select_related("project").get(pk=wuhan_row.table_id)
    columns = list(TableColumn.objects.filter(table=table).values_list("pk", "name"))
    rows = list(TableRow.all_objects.filter(table=table).values_list("pk", "seq", "removed_at"))
    with pytest.raises(PermissionDenied):
        editing.table_columns_save(table=table, columns=[], actor=wuhan)
    with pytest.raises(PermissionDenied):
        editing.table_units_set(table=table, unit_ids=set(), actor=outsider)
    with pytest.raises(PermissionDenied), transaction.atomic():  # it runs inside its caller's transaction
        editing.table_rows_renumber(table=table, positions={wuhan_row.unit_id: 99}, actor=wuhan)
    assert list(TableColumn.objects.filter(table=table).values_list("pk", "name")) == columns
    assert list(TableRow.all_objects.filter(table=table).values_list("pk", "seq", "removed_at")) == rows


def test_a_filler_cannot_create_a_table(wuhan, hubei):
    from targets import editing

    count = TargetTable.objects.filter(project=hubei).count()
    with pytest.raises(PermissionDenied):
        editing.table_create(
            project=hubei, title="新表", unit_category="region", start_year=2023, end_year=2024, actor=wuhan
        )
    assert TargetTable.objects.filter(project=hubei).count() == count


def test_a_filler_cannot_edit_or_reorder_the_projects_indicators(wuhan, outsider, admin_user, hubei):
    first, second = Indicator.objects.filter(project=hubei).order_by("order")[:2]
    item = {
        "id": first.pk,
        "category_id": first.category_id,
        "name": "改过的名称",
        "measure_unit": first.measure_unit,
        "basis": first.basis,
        "long_term": "",
        "annual": "",
    }
    for user in (wuhan, outsider):
        with pytest.raises(PermissionDenied):
            editing.indicators_update(project=hubei, items=[item], actor=user)
        with pytest.raises(PermissionDenied):
            editing.indicator_move(indicator_id=second.pk, direction=-1, actor=user)
    assert Indicator.objects.get(pk=first.pk).name == first.name
    assert list(Indicator.objects.filter(project=hubei).order_by("order")[:2]) == [first, second]
    editing.indicator_move(indicator_id=second.pk, direction=-1, actor=admin_user)
    assert list(Indicator.objects.filter(project=hubei).order_by("order")[:2]) == [second, first]

"""下达值|申报值 对照表: the bureau's side-by-side sheet of a handed-down table (not an official form)."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.bundles import project_items
from reports.exporters import export_workbook, exporter_for, exporters_for, workbook_bytes
from targets import handdown
from targets.handdown import CONFIRM, PROPOSE, Answer
from targets.models import TableRow, TargetTable
from units import policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(open_table, admin_user, reviewer, wuhan, wuhan_row):
    """The 市州 table handed down; 武汉市 confirms 120 and proposes 60 against 80, with a reason."""
    handdown.table_hand_down(table_id=open_table.pk, actor=admin_user)
    first, second = list(open_table.columns.filter(value_kind="number").order_by("order")[:2])
    row = TableRow.objects.get(pk=wuhan_row.pk)
    row = handdown.row_assigned_update(
        row_id=row.pk, values={first.pk: "120", second.pk: "80"}, expected_version=row.version, actor=reviewer
    )
    handdown.row_assigned_answer(
        row_id=row.pk,
        answers={first.pk: Answer(CONFIRM), second.pk: Answer(PROPOSE, "60", "机构新设，力量不足")},
        expected_version=row.version,
        actor=wuhan,
    )
    return TargetTable.objects.get(pk=open_table.pk), first, second


def _sheet(table, user):
    data = workbook_bytes(export_workbook([(exporter_for("handdown_review"), table)], user))
    return load_workbook(BytesIO(data)).active


def _line(ws, unit: str) -> list:
    return next([c.value for c in row] for row in ws.iter_rows() if unit in str(row[1].value or ""))


def test_the_sheet_prints_handed_down_and_reported_values_side_by_side_with_the_reason(answered):
    table, first, second = answered
    ws = _sheet(table, policy.system_user())
    assert [ws.cell(3, c).value for c in range(3, 9)] == ["下达值", "申报值", "调整理由"] * 2
    assert ws.cell(2, 3).value == first.label and ws.cell(2, 6).value == second.label
    assert "C2:E2" in {str(r) for r in ws.merged_cells.ranges}
    wuhan = _line(ws, "武汉市")
    # Confirmed: the same value twice; proposed: marked ≠ (not colour alone), with the reason.
    assert wuhan[2:8] == ["120", "120", None, "80", "≠ 60", "机构新设，力量不足"]
    assert ws.print_title_rows == "$1:$3" and ws.page_setup.orientation == "landscape"


def test_a_filler_gets_only_their_own_row(answered, wuhan):
    table, *_ = answered
    units = [str(row[1].value) for row in _sheet(table, wuhan).iter_rows(min_row=4)]
    assert units == ["武汉市"]


def test_the_sheet_is_offered_for_handed_down_tables_only_and_is_not_an_attachment(answered, admin_user, client):
    table, *_ = answered
    assert "handdown_review" in [e.identifier for e in exporters_for(table)]
    other = TargetTable.objects.exclude(pk=table.pk).first()
    assert "handdown_review" not in [e.identifier for e in exporters_for(other)]
    assert "handdown_review" not in [e.identifier for e, _obj in project_items(table.project, admin_user)]
    client.force_login(admin_user)
    assert client.get(reverse("reports:export_table_handdown", args=[table.pk])).status_code == 200
    assert client.get(reverse("reports:export_table_handdown", args=[other.pk])).status_code == 404


def test_the_official_export_prints_the_units_values(answered):
    table, *_ = answered
    data = workbook_bytes(export_workbook([(exporter_for("unit_table"), table)], policy.system_user()))
    ws = load_workbook(BytesIO(data)).active
    wuhan = _line(ws, "武汉市")
    assert wuhan[2:4] == [120, 60]


def test_a_units_formula_like_reason_and_text_value_are_text_in_the_sheet(open_table, admin_user, reviewer, wuhan_row):
    handdown.table_hand_down(table_id=open_table.pk, actor=admin_user)
    text_column = open_table.columns.exclude(value_kind="number").order_by("order").first()
    number_column = open_table.columns.filter(value_kind="number").order_by("order").first()
    row = TableRow.objects.get(pk=wuhan_row.pk)
    values = {number_column.pk: "80"}
    if text_column is not None:
        values[text_column.pk] = "显著增长"
    row = handdown.row_assigned_update(row_id=row.pk, values=values, expected_version=row.version, actor=reviewer)
    handdown.row_assigned_answer(
        row_id=row.pk,
        answers={number_column.pk: Answer(PROPOSE, "60", '=HYPERLINK("http://evil.example","理由")')},
        expected_version=row.version,
        actor=reviewer,
    )
    ws = _sheet(TargetTable.objects.get(pk=open_table.pk), policy.system_user())
    cells = [c for r in ws.iter_rows() for c in r if c.value is not None]
    assert '=HYPERLINK("http://evil.example","理由")' in [c.value for c in cells]
    assert not [c.coordinate for c in cells if c.data_type == "f"]

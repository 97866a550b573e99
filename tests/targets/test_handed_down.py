"""Handed-down tables (下达): the bureau writes each unit's 下达值, the unit confirms it or proposes
another with a reason, the reviewer sees both and approves (DESIGN §8.1)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from review.engine import ReviewStatus, StaleVersion
from targets import handdown
from targets.audit_actions import TargetAction
from targets.handdown import CONFIRM, PROPOSE, Answer
from targets.models import AssignedState, AssignedValue, Cell, TableMode, TableRow, TargetTable
from targets.services import row_cells_update
from targets.workflow import row_approve, row_submit
from units.models import AuditEntry, Unit

pytestmark = pytest.mark.django_db


def _columns(row):
    """Two numeric columns of the 市州 table (plain numbers are accepted by every kind)."""
    return list(row.table.columns.filter(value_kind="number").order_by("order")[:2])


@pytest.fixture
def handed_down(open_table, admin_user):
    handdown.table_hand_down(table_id=open_table.pk, actor=admin_user)
    return TargetTable.objects.get(pk=open_table.pk)


@pytest.fixture
def assigned_row(handed_down, wuhan_row, reviewer):
    """武汉市's row with two fresh 下达值 (120 and 80), waiting for the unit."""
    first, second = _columns(wuhan_row)
    row = TableRow.objects.get(pk=wuhan_row.pk)
    return handdown.row_assigned_update(
        row_id=row.pk, values={first.pk: "120", second.pk: "80"}, expected_version=row.version, actor=reviewer
    )


# --- conversion ------------------------------------------------------------------------------


def test_converting_a_unit_filled_table_keeps_every_value_as_its_handed_down_value(open_table, admin_user):
    cells = {(c.row_id, c.column_id): c.raw for c in Cell.objects.filter(row__table=open_table)}
    versions = dict(TableRow.objects.filter(table=open_table).values_list("pk", "version"))
    assert cells, "the seed's 市州 table has values"

    kept = handdown.table_hand_down(table_id=open_table.pk, actor=admin_user)

    assert kept == len(cells)
    assert TargetTable.objects.get(pk=open_table.pk).mode == TableMode.HANDED_DOWN
    assigned = {(a.row_id, a.column_id): a for a in AssignedValue.objects.filter(row__table=open_table)}
    assert {key: a.raw for key, a in assigned.items()} == cells
    assert {a.state for a in assigned.values()} == {AssignedState.CONFIRMED}
    assert {(c.row_id, c.column_id): c.raw for c in Cell.objects.filter(row__table=open_table)} == cells
    after = dict(TableRow.objects.filter(table=open_table).values_list("pk", "version"))
    assert all(after[pk] == versions[pk] + 1 for pk in versions)
    assert AuditEntry.objects.filter(action=TargetAction.TABLE_HANDED_DOWN, object_id=str(open_table.pk)).exists()


def test_a_table_is_converted_once_and_by_the_admin_only(open_table, admin_user, reviewer):
    with pytest.raises(PermissionDenied):
        handdown.table_hand_down(table_id=open_table.pk, actor=reviewer)
    assert TargetTable.objects.get(pk=open_table.pk).mode == TableMode.UNIT_FILLED
    handdown.table_hand_down(table_id=open_table.pk, actor=admin_user)
    with pytest.raises(ValidationError, match="已是下达表"):
        handdown.table_hand_down(table_id=open_table.pk, actor=admin_user)


# --- the bureau's 下达值 ---------------------------------------------------------------------------


def test_the_bureau_writes_a_handed_down_value_and_it_waits_for_the_unit(assigned_row, wuhan_row):
    first, _second = _columns(wuhan_row)
    value = AssignedValue.objects.get(row=wuhan_row, column=first)
    assert (value.raw, value.number, value.state) == ("120", 120, AssignedState.PENDING)
    row = TableRow.objects.get(pk=wuhan_row.pk)
    assert row.version == assigned_row.version and row.status == ReviewStatus.NOT_STARTED
    entry = AuditEntry.objects.get(
        action=TargetAction.CELL_HANDED_DOWN, object_id=str(row.pk), object_label__endswith=first.label
    )
    assert entry.after == {"raw": "120"} and entry.before == {"raw": first.cells.get(row=row).raw}


def test_a_filler_cannot_write_a_handed_down_value(handed_down, wuhan_row, wuhan):
    first, _ = _columns(wuhan_row)
    row = TableRow.objects.get(pk=wuhan_row.pk)
    with pytest.raises(PermissionDenied):
        handdown.row_assigned_update(row_id=row.pk, values={first.pk: "1"}, expected_version=row.version, actor=wuhan)
    assert not AssignedValue.objects.filter(row=row, column=first, raw="1").exists()


def test_a_handed_down_value_saved_from_a_stale_page_is_refused_not_overwritten(
    handed_down, wuhan_row, reviewer, admin_user
):
    first, _ = _columns(wuhan_row)
    version = TableRow.objects.get(pk=wuhan_row.pk).version
    handdown.row_assigned_update(
        row_id=wuhan_row.pk, values={first.pk: "300"}, expected_version=version, actor=reviewer
    )
    with pytest.raises(StaleVersion):
        handdown.row_assigned_update(
            row_id=wuhan_row.pk, values={first.pk: "400"}, expected_version=version, actor=admin_user
        )
    assert AssignedValue.objects.get(row=wuhan_row, column=first).raw == "300"


def test_a_value_the_column_refuses_is_not_handed_down(handed_down, wuhan_row, reviewer):
    first, second = _columns(wuhan_row)
    version = TableRow.objects.get(pk=wuhan_row.pk).version
    with pytest.raises(ValidationError, match="应填写数字"):
        handdown.row_assigned_update(
            row_id=wuhan_row.pk, values={first.pk: "77", second.pk: "很多"}, expected_version=version, actor=reviewer
        )
    assert not AssignedValue.objects.filter(row=wuhan_row, raw="77").exists()
    assert TableRow.objects.get(pk=wuhan_row.pk).version == version


# --- the unit's answers ------------------------------------------------------------------------------


def test_confirming_copies_the_handed_down_value_into_the_units_value(assigned_row, wuhan, wuhan_row):
    first, _ = _columns(wuhan_row)
    row = handdown.row_assigned_answer(
        row_id=wuhan_row.pk, answers={first.pk: Answer(CONFIRM)}, expected_version=assigned_row.version, actor=wuhan
    )
    assert Cell.objects.get(row=wuhan_row, column=first).raw == "120"
    assert AssignedValue.objects.get(row=wuhan_row, column=first).state == AssignedState.CONFIRMED
    assert row.status == ReviewStatus.DRAFT and row.version == assigned_row.version + 1
    assert AuditEntry.objects.filter(action=TargetAction.CELL_CONFIRMED, object_id=str(row.pk)).exists()


def test_a_proposal_needs_a_reason_and_the_refusal_names_the_cell(assigned_row, wuhan, wuhan_row):
    first, second = _columns(wuhan_row)
    before = Cell.objects.get(row=wuhan_row, column=second).raw
    with pytest.raises(ValidationError) as refused:
        handdown.row_assigned_answer(
            row_id=wuhan_row.pk,
            answers={first.pk: Answer(CONFIRM), second.pk: Answer(PROPOSE, "60", "  ")},
            expected_version=assigned_row.version,
            actor=wuhan,
        )
    assert refused.value.messages == [f"“{second.label}”提出调整时必须填写理由"]
    assert Cell.objects.get(row=wuhan_row, column=second).raw == before
    assert AssignedValue.objects.get(row=wuhan_row, column=first).state == AssignedState.PENDING
    assert TableRow.objects.get(pk=wuhan_row.pk).version == assigned_row.version


def test_a_proposal_writes_the_units_value_and_its_reason(assigned_row, wuhan, wuhan_row):
    _, second = _columns(wuhan_row)
    handdown.row_assigned_answer(
        row_id=wuhan_row.pk,
        answers={second.pk: Answer(PROPOSE, "60", "今年新设机构，力量不足")},
        expected_version=assigned_row.version,
        actor=wuhan,
    )
    assert Cell.objects.get(row=wuhan_row, column=second).raw == "60"
    given = AssignedValue.objects.get(row=wuhan_row, column=second)
    assert (given.raw, given.state, given.reason) == ("80", AssignedState.PROPOSED, "今年新设机构，力量不足")
    entry = AuditEntry.objects.get(action=TargetAction.CELL_PROPOSED, object_id=str(wuhan_row.pk))
    assert entry.after == {"raw": "60", "reason": "今年新设机构，力量不足"}


def test_proposing_the_handed_down_value_itself_is_refused(assigned_row, wuhan, wuhan_row):
    _, second = _columns(wuhan_row)
    with pytest.raises(ValidationError, match="与下达值相同"):
        handdown.row_assigned_answer(
            row_id=wuhan_row.pk,
            answers={second.pk: Answer(PROPOSE, "80", "理由")},
            expected_version=assigned_row.version,
            actor=wuhan,
        )


def test_an_answer_from_a_stale_page_is_refused(assigned_row, wuhan, wuhan_row, reviewer):
    first, _ = _columns(wuhan_row)
    handdown.row_assigned_update(
        row_id=wuhan_row.pk, values={first.pk: "150"}, expected_version=assigned_row.version, actor=reviewer
    )
    with pytest.raises(StaleVersion):
        handdown.row_assigned_answer(
            row_id=wuhan_row.pk, answers={first.pk: Answer(CONFIRM)}, expected_version=assigned_row.version, actor=wuhan
        )
    assert AssignedValue.objects.get(row=wuhan_row, column=first).state == AssignedState.PENDING


def test_the_unit_cannot_write_its_values_around_the_handed_down_values(assigned_row, wuhan, wuhan_row):
    first, _ = _columns(wuhan_row)
    with pytest.raises(ValidationError, match="是下达表"):
        row_cells_update(
            row_id=wuhan_row.pk, values={first.pk: "1"}, expected_version=assigned_row.version, actor=wuhan
        )


def test_a_row_is_submitted_only_when_every_handed_down_value_is_answered(assigned_row, wuhan, wuhan_row, reviewer):
    first, second = _columns(wuhan_row)
    with pytest.raises(ValidationError, match="2 项下达值未确认或提出调整"):
        row_submit(row_id=wuhan_row.pk, actor=wuhan)
    handdown.row_assigned_answer(
        row_id=wuhan_row.pk,
        answers={first.pk: Answer(CONFIRM), second.pk: Answer(PROPOSE, "60", "力量不足")},
        expected_version=assigned_row.version,
        actor=wuhan,
    )
    row_submit(row_id=wuhan_row.pk, actor=wuhan)
    row_approve(row_id=wuhan_row.pk, actor=reviewer)
    # The approved values (批复值) are the unit's: the confirmed 120 and the proposed 60.
    approved = dict(Cell.objects.filter(row=wuhan_row, column__in=[first, second]).values_list("column_id", "raw"))
    assert approved == {first.pk: "120", second.pk: "60"}


def test_confirm_all_confirms_only_what_is_waiting(assigned_row, wuhan, wuhan_row):
    count = handdown.row_assigned_confirm_all(row_id=wuhan_row.pk, expected_version=assigned_row.version, actor=wuhan)
    assert count == 2
    assert not AssignedValue.objects.filter(row=wuhan_row, state=AssignedState.PENDING).exists()
    with pytest.raises(ValidationError, match="没有待确认"):
        handdown.row_assigned_confirm_all(
            row_id=wuhan_row.pk, expected_version=TableRow.objects.get(pk=wuhan_row.pk).version, actor=wuhan
        )


def test_an_outsider_cannot_answer_another_units_handed_down_values(assigned_row, outsider, wuhan_row):
    first, _ = _columns(wuhan_row)
    with pytest.raises(PermissionDenied):
        handdown.row_assigned_answer(
            row_id=wuhan_row.pk,
            answers={first.pk: Answer(CONFIRM)},
            expected_version=assigned_row.version,
            actor=outsider,
        )


# --- pages --------------------------------------------------------------------------------------------

ROLES = ("admin_user", "reviewer", "other_reviewer", "observer", "wuhan", "outsider")


@pytest.mark.parametrize(
    "url_name, expected",
    [
        # The grid's 下达值: admin and the project's reviewer; a filler of the table 403, others 404.
        ("targets:row_assigned_save", (400, 400, 404, 403, 403, 404)),
        ("targets:row_assigned_answer", (302, 302, 404, 403, 302, 404)),
        ("targets:row_assigned_confirm_all", (302, 302, 404, 403, 302, 404)),
        ("targets:table_hand_down", (302, 403, 404, 403, 404, 404)),
    ],
)
def test_each_role_gets_the_handed_down_urls_it_may_use(request, handed_down, wuhan_row, url_name, expected):
    for role, status in zip(ROLES, expected, strict=True):
        client = Client()
        client.force_login(request.getfixturevalue(role))
        pk = handed_down.pk if url_name == "targets:table_hand_down" else wuhan_row.pk
        response = client.post(reverse(url_name, args=[pk]), {"version": "x"})
        assert response.status_code == status, (url_name, role, response.status_code)


def test_the_filler_cannot_save_handed_down_values_through_the_grid(client, assigned_row, wuhan, wuhan_row):
    first, _ = _columns(wuhan_row)
    client.force_login(wuhan)
    body = {"version": assigned_row.version, "values": {str(first.pk): "1"}}
    response = client.post(
        reverse("targets:row_assigned_save", args=[wuhan_row.pk]), body, content_type="application/json"
    )
    assert response.status_code == 403
    assert AssignedValue.objects.get(row=wuhan_row, column=first).raw == "120"


def test_the_grid_saves_a_handed_down_value_and_answers_a_stale_save_with_the_other_value(
    client, assigned_row, admin_user, wuhan_row
):
    first, _ = _columns(wuhan_row)
    client.force_login(admin_user)
    url = reverse("targets:row_assigned_save", args=[wuhan_row.pk])
    ok = client.post(url, {"version": assigned_row.version, "values": {str(first.pk): "130"}}, "application/json")
    assert ok.status_code == 200 and ok.json()["cells"][str(first.pk)]["raw"] == "130"
    stale = client.post(url, {"version": assigned_row.version, "values": {str(first.pk): "140"}}, "application/json")
    assert stale.status_code == 409 and stale.json()["current"][str(first.pk)] == "130"


def test_the_row_page_proposal_without_a_reason_is_refused_in_chinese(client, assigned_row, wuhan, wuhan_row):
    _, second = _columns(wuhan_row)
    client.force_login(wuhan)
    response = client.post(
        reverse("targets:row_assigned_answer", args=[wuhan_row.pk]),
        {"version": assigned_row.version, f"decision-{second.pk}": "propose", f"value-{second.pk}": "60"},
        follow=True,
    )
    assert f"“{second.label}”提出调整时必须填写理由" in response.content.decode()
    assert AssignedValue.objects.get(row=wuhan_row, column=second).state == AssignedState.PENDING


def test_a_refused_answer_shows_the_row_page_again_with_what_was_typed(client, assigned_row, wuhan, wuhan_row):
    first, second = _columns(wuhan_row)
    client.force_login(wuhan)
    response = client.post(
        reverse("targets:row_assigned_answer", args=[wuhan_row.pk]),
        {
            "version": assigned_row.version,
            f"decision-{first.pk}": "confirm",
            f"decision-{second.pk}": "propose",
            f"value-{second.pk}": "65",
            f"reason-{second.pk}": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"“{second.label}”提出调整时必须填写理由" in page
    assert f'name="value-{second.pk}" value="65"' in page
    assert '<option value="propose" selected>' in page and '<option value="confirm" selected>' in page
    assert AssignedValue.objects.get(row=wuhan_row, column=first).state == AssignedState.PENDING


def test_who_may_not_answer_is_not_asked_to_confirm_the_handed_down_values(client, assigned_row, observer, wuhan_row):
    client.force_login(observer)
    page = client.get(reverse("targets:row", args=[wuhan_row.pk])).content.decode()
    assert "请逐项核对" not in page and "“下达值”由省局填写" in page


def test_the_reviewer_sees_the_difference_marked_on_the_row_page_and_the_grid(
    client, assigned_row, wuhan, reviewer, wuhan_row
):
    _, second = _columns(wuhan_row)
    handdown.row_assigned_answer(
        row_id=wuhan_row.pk,
        answers={second.pk: Answer(PROPOSE, "60", "力量不足")},
        expected_version=assigned_row.version,
        actor=wuhan,
    )
    client.force_login(reviewer)
    page = client.get(reverse("targets:row", args=[wuhan_row.pk])).content.decode()
    assert "下达值" in page and "申报值" in page and "hd-diff" in page and "≠" in page and "力量不足" in page
    grid = client.get(reverse("targets:table_grid", args=[wuhan_row.table_id])).content.decode()
    assert grid.count(">下达值</th>") == wuhan_row.table.columns.count()
    assert (
        "hd-diff" in grid and "理由：力量不足" in grid and "≠ 2 项与下达值不同" in grid
    )  # the proposal, and the old 500 against a new 120


def test_the_admin_is_offered_the_conversion_on_a_unit_filled_grid_only(client, open_table, admin_user, reviewer):
    client.force_login(admin_user)
    url = reverse("targets:table_grid", args=[open_table.pk])
    assert "改为下达表" in client.get(url).content.decode()
    client.post(reverse("targets:table_hand_down", args=[open_table.pk]))
    assert "改为下达表</button>" not in client.get(url).content.decode()
    client.force_login(reviewer)
    open_table.mode = TableMode.UNIT_FILLED
    open_table.save()
    assert "改为下达表</button>" not in client.get(url).content.decode()


def test_the_handed_down_grid_does_a_constant_number_of_queries(
    client, handed_down, reviewer, django_assert_num_queries
):
    client.force_login(reviewer)
    url = reverse("targets:table_grid", args=[handed_down.pk])
    # session, user, memberships, unread count, table, reviewed projects (policy),
    # columns, row count (pages), one page of rows, their cells, their 下达值
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200
    units = Unit.objects.bulk_create(Unit(name=f"下达测试市{i}", category="region") for i in range(60))
    rows = TableRow.objects.bulk_create(TableRow(table=handed_down, unit=u, seq=300 + i) for i, u in enumerate(units))
    AssignedValue.objects.bulk_create(
        AssignedValue(row=r, column=c, raw="5", kind="quantity", number=5)
        for r in rows
        for c in handed_down.columns.filter(value_kind="number")
    )
    with django_assert_num_queries(11):
        response = client.get(url)
    assert len(response.context["rows"]) == 76


def test_the_handed_down_row_page_does_a_constant_number_of_queries(
    client, assigned_row, wuhan, wuhan_row, django_assert_num_queries
):
    client.force_login(wuhan)
    url = reverse("targets:row", args=[wuhan_row.pk])
    # session, user, memberships, unread count, row, columns, cells, last review, history, 下达值,
    # adjustment requests, 批复 versions
    with django_assert_num_queries(12):
        response = client.get(url)
    assert len(response.context["handdown_cells"]) == wuhan_row.table.columns.count()


def test_a_columns_new_unit_reaches_its_handed_down_values(assigned_row, wuhan_row):
    from targets.services import table_cells_reparse

    first, _ = _columns(wuhan_row)
    first.measure_unit = "件"
    first.save()
    table_cells_reparse(table_id=wuhan_row.table_id)
    assert AssignedValue.objects.get(row=wuhan_row, column=first).measure_unit == "件"


def test_a_handed_down_save_with_an_infinite_version_is_refused_with_a_message(
    client, handed_down, wuhan_row, reviewer
):
    client.force_login(reviewer)
    response = client.post(
        reverse("targets:row_assigned_save", args=[wuhan_row.pk]),
        '{"version": 1e400, "values": {}}',
        content_type="application/json",
    )
    assert response.status_code == 400 and "请求格式不正确" in response.json()["message"]

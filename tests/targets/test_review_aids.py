"""Plausibility warnings for fillers and reviewers (issue 21 §4) and the review aids beside each
value (issue 22 §3): the grid's save answer, the row page, the submission with reasons, the
review queue and the API row detail, all from `targets.plausibility.warnings_for`."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from projects.copying import project_copy_year
from review.engine import ReviewStatus
from targets.models import (
    AssignedValue,
    Cell,
    TableColumn,
    TableRow,
    TargetTable,
    ValueConfirmation,
    ValueKind,
)
from targets.plausibility_services import UnconfirmedWarnings
from targets.workflow import row_submit, table_open
from units.models import AuditEntry

pytestmark = pytest.mark.django_db

DEMAND = "收集中小微企业专利技术需求"  # 条, counts toward the project's 3000条; 武汉市 500 in 2022
TRANSFERS = "中小微企业接受专利转让次数"  # 次; 武汉市 600 in 2022
PLEDGE = "专利质押融资金额"  # 万元, counts toward 35亿元 (×1/10000); 武汉市 200000 in 2022


@pytest.fixture
def copied(hubei, admin_user):
    """2022 with 武汉市 approved, copied into 2023 (values blank) and open for filling."""
    TableRow.objects.filter(table__project=hubei, unit__name="武汉市").update(status=ReviewStatus.APPROVED)
    copy = project_copy_year(project=hubei, year=2023, actor=admin_user, copy_values=False)
    table = TargetTable.objects.get(project=copy, unit_category="region")
    return table_open(table_id=table.pk, actor=admin_user, deadline=timezone.now() + timedelta(days=7))


@pytest.fixture
def copied_row(copied):
    return TableRow.objects.get(table=copied, unit__name="武汉市")


def _column(table, name) -> TableColumn:
    return TableColumn.objects.get(table=table, name=name)


def _save(client, row, values: dict[str, str]):
    row.refresh_from_db()
    body = {"version": row.version, "values": {str(_column(row.table, n).pk): v for n, v in values.items()}}
    return client.post(
        reverse("targets:row_cells_save", args=[row.pk]), json.dumps(body), content_type="application/json"
    )


# --- the grid: the save answer carries the warnings -------------------------------------------


def test_a_value_ten_times_last_years_is_saved_with_a_warning(client, wuhan, copied_row):
    client.force_login(wuhan)
    response = _save(client, copied_row, {DEMAND: "5001", TRANSFERS: "650"})
    assert response.status_code == 200  # a warning is never a refusal
    data = response.json()
    demand, transfers = (str(_column(copied_row.table, n).pk) for n in (DEMAND, TRANSFERS))
    assert data["cells"][demand] == {"raw": "5001", "reading": "5001条"}
    assert [w["message"] for w in data["warnings"][demand]] == ["是上年审核通过值（500）的 10 倍，请核实"]
    assert data["warnings"][demand][0]["code"] == "times_over" and data["warnings"][transfers] == []
    assert data["confirmed"] == {}
    assert Cell.objects.get(row=copied_row, column_id=demand).raw == "5001"
    # Corrected: the answer clears the flag.
    assert _save(client, copied_row, {DEMAND: "520"}).json()["warnings"] == {demand: []}


def test_a_value_far_above_the_project_target_is_flagged_even_in_a_first_year(client, wuhan, wuhan_row, open_table):
    client.force_login(wuhan)
    data = _save(client, wuhan_row, {PLEDGE: "4000000", DEMAND: "400"}).json()
    pledge, demand = (str(_column(wuhan_row.table, n).pk) for n in (PLEDGE, DEMAND))
    # 4,000,000万元 = 400亿元 against the province's 35亿元; 400条 of 3000条 is a unit's share.
    assert [w["message"] for w in data["warnings"][pledge]] == ["是项目目标（35亿元）的 11.43 倍，请核实"]
    assert data["warnings"][demand] == []


def test_a_negative_value_is_flagged_not_refused(client, wuhan, wuhan_row, open_table):
    TableColumn.objects.filter(table=wuhan_row.table, name=TRANSFERS).update(value_kind=ValueKind.ANY)
    client.force_login(wuhan)
    response = _save(client, wuhan_row, {TRANSFERS: "-5"})
    assert response.status_code == 200
    column = str(_column(wuhan_row.table, TRANSFERS).pk)
    assert [w["code"] for w in response.json()["warnings"][column]] == ["negative"]


def test_the_save_answer_says_when_the_unit_already_explained_the_value(client, wuhan, copied_row):
    column = _column(copied_row.table, DEMAND)
    ValueConfirmation.objects.create(
        row=copied_row, column=column, raw="5001", reason="新增两个园区", confirmed_at=timezone.now()
    )
    client.force_login(wuhan)
    data = _save(client, copied_row, {DEMAND: "5001"}).json()
    assert data["confirmed"] == {str(column.pk): "新增两个园区"}
    data = _save(client, copied_row, {DEMAND: "6001"}).json()  # another value: explained no more
    assert data["confirmed"] == {} and data["warnings"][str(column.pk)]


def test_the_grid_marks_flagged_cells_in_colour_and_words(client, wuhan, copied_row):
    Cell.objects.create(
        row=copied_row, column=_column(copied_row.table, DEMAND), raw="5001", kind="quantity", number=5001
    )
    client.force_login(wuhan)
    body = client.get(reverse("targets:table_grid", args=[copied_row.table_id])).content.decode()
    assert 'data-warning="是上年审核通过值（500）的 10 倍，请核实"' in body
    assert 'title="请核实：是上年审核通过值（500）的 10 倍，请核实"' in body
    css = (pytest.importorskip("pathlib").Path(__file__).parents[2] / "static/css/app.css").read_text()
    assert 'td.cell[data-warning]::before { content: "⚠ 请核实"' in css  # words, not colour alone


def test_a_save_in_a_copied_table_costs_one_query_more(client, wuhan, copied_row, django_assert_num_queries):
    """The grid's hot path: 13 statements (tests/targets/test_grid.py), and one more in a copied
    table, where last year's approved values, the project targets and the unit's reasons come in
    one UNION ALL (targets.save_flags)."""
    client.force_login(wuhan)
    assert _save(client, copied_row, {DEMAND: "505"}).status_code == 200  # warms the parser memo
    copied_row.refresh_from_db()
    body = {
        "version": copied_row.version,
        "values": {str(_column(copied_row.table, n).pk): "5100" for n in (DEMAND, TRANSFERS)},
    }
    with django_assert_num_queries(14):
        response = client.post(
            reverse("targets:row_cells_save", args=[copied_row.pk]), json.dumps(body), content_type="application/json"
        )
    assert response.status_code == 200 and response.json()["warnings"][str(_column(copied_row.table, DEMAND).pk)]


def test_a_flagged_save_in_a_first_year_costs_one_query_more(
    client, wuhan, wuhan_row, open_table, django_assert_num_queries
):
    """No last year to read, a column counted toward no project target: the unit's reasons are
    read only for a flagged value (a negative here)."""
    TableColumn.objects.filter(table=wuhan_row.table, name=TRANSFERS).update(value_kind=ValueKind.ANY)
    client.force_login(wuhan)
    assert _save(client, wuhan_row, {DEMAND: "505"}).status_code == 200
    wuhan_row.refresh_from_db()
    body = {"version": wuhan_row.version, "values": {str(_column(wuhan_row.table, TRANSFERS).pk): "-5"}}
    # The pinned save of two cells is 13 (tests/targets/test_grid.py); of one, 12; flagged, 13.
    with django_assert_num_queries(13):
        response = client.post(
            reverse("targets:row_cells_save", args=[wuhan_row.pk]), json.dumps(body), content_type="application/json"
        )
    assert response.json()["warnings"][str(_column(wuhan_row.table, TRANSFERS).pk)]


# --- submitting: each warning confirmed with a reason --------------------------------------------


def test_a_submission_with_unexplained_warnings_is_refused_naming_each(wuhan, copied_row):
    Cell.objects.create(
        row=copied_row, column=_column(copied_row.table, DEMAND), raw="5001", kind="quantity", number=5001
    )
    with pytest.raises(UnconfirmedWarnings) as refused:
        row_submit(row_id=copied_row.pk, actor=wuhan)
    assert refused.value.messages == [
        "“收集中小微企业专利技术需求（条）”的值 5001 是上年审核通过值（500）的 10 倍，请核实：请填写说明后再提交"
    ]
    copied_row.refresh_from_db()
    assert copied_row.status != ReviewStatus.SUBMITTED


def test_a_reason_for_each_warning_is_stored_audited_and_the_row_submitted(wuhan, copied_row):
    column = _column(copied_row.table, DEMAND)
    Cell.objects.create(row=copied_row, column=column, raw="5001", kind="quantity", number=5001)
    row_submit(row_id=copied_row.pk, actor=wuhan, reasons={column.pk: "今年新增两个园区"})
    copied_row.refresh_from_db()
    assert copied_row.status == ReviewStatus.SUBMITTED
    confirmation = ValueConfirmation.objects.get(row=copied_row, column=column)
    assert (confirmation.raw, confirmation.reason, confirmation.confirmed_by) == ("5001", "今年新增两个园区", wuhan)
    entry = AuditEntry.objects.get(action="targets.cell.plausibility_confirmed", object_id=str(copied_row.pk))
    assert entry.comment == "今年新增两个园区" and entry.actor == wuhan
    assert entry.after == {"raw": "5001", "warnings": "是上年审核通过值（500）的 10 倍，请核实"}
    assert entry.object_label == "武汉市 · 收集中小微企业专利技术需求（条）"


def test_a_blank_reason_submits_nothing_and_keeps_nothing(wuhan, copied_row):
    demand, transfers = _column(copied_row.table, DEMAND), _column(copied_row.table, TRANSFERS)
    Cell.objects.create(row=copied_row, column=demand, raw="5001", kind="quantity", number=5001)
    Cell.objects.create(row=copied_row, column=transfers, raw="6001", kind="quantity", number=6001)
    with pytest.raises(UnconfirmedWarnings) as refused:
        row_submit(row_id=copied_row.pk, actor=wuhan, reasons={demand.pk: "有据", transfers.pk: "  "})
    assert [aid.column for aid in refused.value.aids] == [transfers]
    assert not ValueConfirmation.objects.exists()  # all or nothing


def test_a_changed_value_needs_a_reason_again(wuhan, copied_row):
    column = _column(copied_row.table, DEMAND)
    cell = Cell.objects.create(row=copied_row, column=column, raw="5001", kind="quantity", number=5001)
    ValueConfirmation.objects.create(
        row=copied_row, column=column, raw="4900", reason="旧值的说明", confirmed_at=timezone.now()
    )
    with pytest.raises(UnconfirmedWarnings):
        row_submit(row_id=copied_row.pk, actor=wuhan)
    Cell.objects.filter(pk=cell.pk).update(raw="4900", number=4900)
    assert row_submit(row_id=copied_row.pk, actor=wuhan).status == ReviewStatus.SUBMITTED


def test_the_grids_submit_button_leads_to_the_list_of_warnings(client, wuhan, copied_row):
    Cell.objects.create(
        row=copied_row, column=_column(copied_row.table, DEMAND), raw="5001", kind="quantity", number=5001
    )
    client.force_login(wuhan)
    grid = reverse("targets:table_grid", args=[copied_row.table_id])
    response = client.post(reverse("targets:row_submit", args=[copied_row.pk]), {"next": grid})
    assert (
        response.status_code == 302 and response.url == reverse("targets:row", args=[copied_row.pk]) + "#plausibility"
    )
    page = client.get(response.url).content.decode()
    assert "有 1 项提示尚未说明" in page and 'id="plausibility"' in page
    assert f'name="reason-{_column(copied_row.table, DEMAND).pk}"' in page and "填写说明并提交审核" in page


def test_the_row_page_keeps_the_reasons_typed_when_one_is_missing(client, wuhan, copied_row):
    demand, transfers = _column(copied_row.table, DEMAND), _column(copied_row.table, TRANSFERS)
    Cell.objects.create(row=copied_row, column=demand, raw="5001", kind="quantity", number=5001)
    Cell.objects.create(row=copied_row, column=transfers, raw="6001", kind="quantity", number=6001)
    client.force_login(wuhan)
    url = reverse("targets:row_submit", args=[copied_row.pk])
    response = client.post(url, {f"reason-{demand.pk}": "新增园区", f"reason-{transfers.pk}": ""})
    assert response.status_code == 400
    assert ">新增园区</textarea>" in response.content.decode()
    response = client.post(url, {f"reason-{demand.pk}": "新增园区", f"reason-{transfers.pk}": "统计口径调整"})
    assert response.status_code == 302
    copied_row.refresh_from_db()
    assert copied_row.status == ReviewStatus.SUBMITTED


def test_a_reason_posted_for_a_crafted_column_is_ignored(client, wuhan, copied_row):
    client.force_login(wuhan)
    url = reverse("targets:row_submit", args=[copied_row.pk])
    response = client.post(url, {"reason-999999999": "x", "reason-²": "y", "reason-abc": "z"})
    assert response.status_code == 302
    assert not ValueConfirmation.objects.exists()


# --- the reviewer: flags, reasons and references in the queue and on the row ------------------


@pytest.fixture
def explained(wuhan, copied_row):
    """武汉市 submitted 2023 with 需求 5001 (10× last year's 500, explained) and 质押 210000万元."""
    demand, pledge = _column(copied_row.table, DEMAND), _column(copied_row.table, PLEDGE)
    Cell.objects.create(row=copied_row, column=demand, raw="5001", kind="quantity", number=5001)
    Cell.objects.create(row=copied_row, column=pledge, raw="210000", kind="quantity", number=210000)
    row_submit(row_id=copied_row.pk, actor=wuhan, reasons={demand.pk: "今年新增两个园区"})
    return copied_row


def test_the_queue_shows_the_flag_the_reason_and_the_references(client, reviewer, explained):
    assign_perm("projects.review_project", reviewer, explained.table.project)
    client.force_login(reviewer)
    response = client.get(reverse("targets:review_queue"))
    body = response.content.decode()
    assert "ⓘ 1 项已说明" in body and "<b>ⓘ 已说明</b>：今年新增两个园区" in body
    assert "提示：是上年审核通过值（500）的 10 倍，请核实" in body
    (row,) = response.context["rows"]
    pledge = next(aid for aid in row.aids if aid.column.name == PLEDGE)
    assert (pledge.raw, pledge.last_year.raw, pledge.last_year_change) == ("210000", "200000", "+5%")
    assert "较上年 +5%" in body


def test_an_unexplained_flag_stands_out_in_the_queue(client, reviewer, copied_row):
    Cell.objects.create(
        row=copied_row, column=_column(copied_row.table, DEMAND), raw="5001", kind="quantity", number=5001
    )
    TableRow.objects.filter(pk=copied_row.pk).update(status=ReviewStatus.SUBMITTED)  # as before this rule
    assign_perm("projects.review_project", reviewer, copied_row.table.project)
    client.force_login(reviewer)
    body = client.get(reverse("targets:review_queue")).content.decode()
    assert '<span class="badge-flag">⚠ 1 项待核实</span>' in body
    assert "<b>⚠ 请核实</b>：是上年审核通过值（500）的 10 倍，请核实" in body


def test_the_row_page_shows_the_reviewer_the_flag_the_reason_and_the_aids(client, reviewer, explained):
    assign_perm("projects.review_project", reviewer, explained.table.project)
    client.force_login(reviewer)
    body = client.get(reverse("targets:row", args=[explained.pk])).content.decode()
    assert "<b>ⓘ 已说明</b>：今年新增两个园区" in body and "合理性提示（1 项）" in body
    assert '<th class="last-year">上年值</th><th class="last-year-actual">上年实际值</th>' in body
    assert "较上年 +5%" in body and "较上年 +900.2%" in body
    assert "指标值：5001；提示：是上年审核通过值（500）的 10 倍，请核实" in body  # the history, in Chinese


def test_the_row_page_shows_the_project_target_and_the_units_share(client, wuhan, wuhan_row, open_table):
    client.force_login(wuhan)
    response = client.get(reverse("targets:row", args=[wuhan_row.pk]))
    aids = {item.column.name: item.aid for item in response.context["cells"]}
    assert (aids[DEMAND].target.raw, aids[DEMAND].target_share) == ("3000条", "占 16.7%")
    assert (aids[PLEDGE].target.raw, aids[PLEDGE].target_share) == ("35亿元", "占 57.1%")
    assert aids[TRANSFERS].target is None
    assert '<th class="aid">项目目标</th>' in response.content.decode()


def test_the_api_row_detail_carries_the_references_the_flags_and_the_reason(client, reviewer, explained):
    assign_perm("projects.review_project", reviewer, explained.table.project)
    client.force_login(reviewer)
    data = client.get(f"/api/v1/rows/{explained.pk}/").json()
    cells = {c["column"]: c for c in data["cells"]}
    demand = cells[_column(explained.table, DEMAND).pk]["review"]
    assert demand["last_year"] == "500" and demand["last_year_change"] == "+900.2%"
    assert demand["warnings"] == [
        {"code": "times_over", "message": "是上年审核通过值（500）的 10 倍，请核实", "basis": "上年审核通过值"}
    ]
    assert demand["confirmation"]["reason"] == "今年新增两个园区" and demand["confirmation"]["by"] == "t-wuhan"
    pledge = cells[_column(explained.table, PLEDGE).pk]["review"]
    assert pledge["warnings"] == [] and pledge["confirmation"] is None and pledge["last_year"] == "200000"


def test_the_api_submit_asks_for_a_reason_per_warning(client, wuhan, copied_row):
    column = _column(copied_row.table, DEMAND)
    Cell.objects.create(row=copied_row, column=column, raw="5001", kind="quantity", number=5001)
    client.force_login(wuhan)
    url = f"/api/v1/rows/{copied_row.pk}/submit/"
    refused = client.post(url, {}, content_type="application/json")
    assert refused.status_code == 409
    assert [e["field"] for e in refused.json()["errors"]] == [f"cells.{column.pk}"]
    done = client.post(url, {"reasons": {str(column.pk): "新增园区"}}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    assert done.json()["cells"][0]["review"]["confirmation"]["reason"] == "新增园区"


# --- handed-down tables: the unit's value against the 下达值 ------------------------------------


def test_a_proposed_value_ten_times_the_handed_down_one_is_flagged(client, wuhan, wuhan_row, open_table):
    TargetTable.objects.filter(pk=wuhan_row.table_id).update(mode="handed_down")
    column = _column(wuhan_row.table, DEMAND)
    AssignedValue.objects.create(
        row=wuhan_row, column=column, raw="500", kind="quantity", number=500, state="proposed", reason="x"
    )
    Cell.objects.update_or_create(
        row=wuhan_row, column=column, defaults={"raw": "5001", "kind": "quantity", "number": 5001}
    )
    client.force_login(wuhan)
    response = client.get(reverse("targets:row", args=[wuhan_row.pk]))
    assert "是下达值（500）的 10 倍，请核实" in response.content.decode()
    (aid,) = response.context["flagged"]
    assert aid.assigned_change == "+900.2%"


# --- query counts: constant whatever the rows -------------------------------------------------


def test_the_review_queue_with_aids_costs_a_constant_number_of_queries(
    client, reviewer, wuhan, explained, django_assert_num_queries
):
    """Copied (last year's values), flagged (the reasons) and more rows: the same count."""
    assign_perm("projects.review_project", reviewer, explained.table.project)
    client.force_login(reviewer)
    url = reverse("targets:review_queue")
    # session, user, memberships, unread count, reviewed projects (policy), submitted rows, their
    # tables' columns (with the project targets), their cells, last year's approved values (with
    # 完成值), the reasons of flagged values; submitted 任务书, 调整申请, 主管部门填报, reports
    with django_assert_num_queries(14):
        client.get(url)
    others = TableRow.objects.filter(table=explained.table).exclude(pk=explained.pk)
    demand = _column(explained.table, DEMAND)
    Cell.objects.bulk_create(Cell(row=r, column=demand, raw="9999", kind="quantity", number=9999) for r in others)
    others.update(status=ReviewStatus.SUBMITTED)
    TableRow.objects.filter(table=explained.table.copied_from).update(status=ReviewStatus.APPROVED)
    with django_assert_num_queries(14):
        response = client.get(url)
    assert len(response.context["rows"]) == 16
    assert sum(len(row.flagged) for row in response.context["rows"]) >= 15


def test_the_flagged_row_page_costs_one_query_more(client, reviewer, explained, django_assert_num_queries):
    assign_perm("projects.review_project", reviewer, explained.table.project)
    client.force_login(reviewer)
    url = reverse("targets:row", args=[explained.pk])
    client.get(url)
    # session, user, memberships, unread count, row, columns (with project targets), cells, last
    # year's approved values (with 完成值), the reasons of flagged values, last review, history,
    # adjustment requests, 批复 versions, the reviewer's projects (policy)
    with django_assert_num_queries(14):
        assert client.get(url).status_code == 200


def test_the_handed_down_grid_marks_a_flagged_value_beside_its_handed_down_one(client, reviewer, wuhan_row, open_table):
    TargetTable.objects.filter(pk=wuhan_row.table_id).update(mode="handed_down")
    column = _column(wuhan_row.table, DEMAND)
    AssignedValue.objects.create(
        row=wuhan_row, column=column, raw="500", kind="quantity", number=500, state="proposed", reason="园区扩大"
    )
    Cell.objects.update_or_create(
        row=wuhan_row, column=column, defaults={"raw": "5001", "kind": "quantity", "number": 5001}
    )
    client.force_login(reviewer)
    body = client.get(reverse("targets:table_grid", args=[wuhan_row.table_id])).content.decode()
    start = body.index(f'data-row="{wuhan_row.pk}"')
    cell = body[body.index('class="hd-reported', start) : body.index(">", body.index('class="hd-reported', start))]
    assert 'title="调整理由：园区扩大"' in cell and cell.count("title=") == 1
    assert 'data-warning="是下达值（500）的 10 倍，请核实"' in cell


def test_the_api_row_detail_with_aids_costs_a_constant_number_of_queries(
    client, reviewer, explained, django_assert_num_queries
):
    assign_perm("projects.review_project", reviewer, explained.table.project)
    client.force_login(reviewer)
    url = f"/api/v1/rows/{explained.pk}/"
    client.get(url)
    # session, user, memberships, the row, the reviewer's projects (policy), columns (with their
    # project targets), cells, last year's approved values (with 完成值), the reasons of flagged values
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200

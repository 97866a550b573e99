"""The rows of a target table through every step, on the live stack: the grid and the row page,
the API with a token, the review queue's bulk approval, 调整 requests, handed-down tables."""

import pytest

from .steps import (
    grid_saved,
    row_approved,
    row_cells,
    row_of,
    row_status,
    row_submitted,
    row_through,
    table_of,
    table_opened,
    values_for,
)
from .web import messages_of

pytestmark = pytest.mark.live_stack


def test_a_row_is_filled_submitted_returned_approved_and_reopened_on_the_pages(stack, users):
    db, admin, reviewer, wuhan = stack.db, users("admin"), users("reviewer"), users("wuhan")
    row = row_of(db, "武汉市")
    table_opened(db, admin, table_of(db, "武汉市"))
    grid_saved(db, wuhan, row, values_for(db, row))

    first = next(iter(values_for(db, row)))
    page = wuhan.submit(f"/rows/{row}/", f"/rows/{row}/save/", {f"col-{first}": "150"})
    assert row_cells(db, row)[first] == "150" and "已保存" in messages_of(page)
    row_submitted(db, wuhan, row)

    page = reviewer.submit(f"/rows/{row}/", f"/rows/{row}/return/", {"comment": "请核实第一项"})
    assert db.one("select status, review_comment from targets_tablerow where id = %s", row) == (
        "returned",
        "请核实第一项",
    ), messages_of(page)
    assert "请核实第一项" in wuhan.page(f"/rows/{row}/")
    assert db.one(
        "select count(*) from units_notification n join auth_user u on u.id = n.recipient_id "
        "where u.username = 'wuhan' and n.kind = 'row_returned'"
    )
    row_submitted(db, wuhan, row)
    row_approved(db, reviewer, row)

    page = admin.submit(f"/rows/{row}/", f"/rows/{row}/reopen/", {"reason": "数据口径调整"})
    assert row_status(db, row) == "returned", messages_of(page)
    assert "已重新打开" in page
    grid_saved(db, wuhan, row, {first: "160"})
    row_submitted(db, wuhan, row)
    row_approved(db, reviewer, row)


def test_a_row_is_saved_submitted_returned_and_approved_through_the_api(stack, users):
    db, reviewer, wtu = stack.db, users("reviewer"), users("wtu")
    row = row_of(db, "武汉轻工大学")
    table_opened(db, users("admin"), table_of(db, "武汉轻工大学"))
    unit, bureau = wtu.token(), reviewer.token()

    read = unit.call("GET", f"/api/v1/rows/{row}/")
    cells = {str(c): v for c, v in values_for(db, row).items()}
    saved = unit.call("PATCH", f"/api/v1/rows/{row}/", {"version": read["version"], "cells": cells})
    assert saved["version"] == read["version"] + 1
    assert {str(c): v for c, v in row_cells(db, row).items()} == cells
    stale = unit.call("PATCH", f"/api/v1/rows/{row}/", {"version": read["version"], "cells": cells}, status=409)
    assert stale["version"] == saved["version"]

    assert unit.call("POST", f"/api/v1/rows/{row}/submit/")["status"] == "submitted" == row_status(db, row)
    returned = bureau.call("POST", f"/api/v1/rows/{row}/return/", {"comment": "请补充说明"})
    assert returned["status"] == "returned" == row_status(db, row)
    unit.call("POST", f"/api/v1/rows/{row}/submit/")
    assert bureau.call("POST", f"/api/v1/rows/{row}/approve/")["status"] == "approved" == row_status(db, row)
    assert unit.call("GET", f"/api/v1/rows/{row}/")["status"] == "approved"


def test_the_review_queue_approves_several_rows_at_once(stack, users):
    db, reviewer = stack.db, users("reviewer")
    table_opened(db, users("admin"), table_of(db, "宜昌市"))
    rows = []
    for unit, name in (("yichang", "宜昌市"), ("xiangyang", "襄阳市")):
        row = row_of(db, name)
        grid_saved(db, users(unit), row, values_for(db, row, offset=7))
        row_submitted(db, users(unit), row)
        rows.append(row)
    queue = reviewer.page("/review/")
    assert all(f'value="{row}"' in queue for row in rows)
    page = reviewer.step("/review/approve/", [("rows", row) for row in rows])
    assert [row_status(db, row) for row in rows] == ["approved", "approved"], messages_of(page)
    assert any("已审核通过 2 个单位" in m for m in messages_of(page))


def test_an_adjustment_is_refused_then_approved_into_a_new_approved_version(stack, users):
    db, reviewer, unit = stack.db, users("reviewer"), users("xiangyang")
    row = row_of(db, "襄阳市")
    if row_status(db, row) != "approved":
        table_opened(db, users("admin"), table_of(db, "襄阳市"))
        row_through(db, unit, reviewer, row)
    first = next(iter(values_for(db, row)))
    before = row_cells(db, row)[first]
    versions = db.one("select count(*) from targets_approvedversion where row_id = %s", row)

    def request(value: str):
        page = unit.submit(f"/rows/{row}/", f"/rows/{row}/adjust/", {f"adj-{first}": value, "reason": "项目预算调减"})
        pending = db.one(
            "select id, status from targets_adjustmentrequest where row_id = %s order by id desc limit 1", row
        )
        assert pending[1] == "submitted", messages_of(page)
        return pending[0]

    adjustment = request("90")
    page = reviewer.submit(f"/rows/{row}/", f"/adjustments/{adjustment}/refuse/", {"comment": "理由不充分"})
    assert db.one("select status from targets_adjustmentrequest where id = %s", adjustment) != "submitted"
    assert row_cells(db, row)[first] == before, messages_of(page)

    adjustment = request("95")
    page = reviewer.submit(f"/rows/{row}/", f"/adjustments/{adjustment}/approve/")
    assert db.one("select status from targets_adjustmentrequest where id = %s", adjustment) == "approved"
    assert row_cells(db, row)[first] == "95" and row_status(db, row) == "approved", messages_of(page)
    assert db.one("select count(*) from targets_approvedversion where row_id = %s", row) == versions + 1
    assert "95" in unit.page(f"/rows/{row}/versions/")


def test_a_handed_down_table_is_confirmed_and_answered_by_its_units(stack, users):
    db, admin, reviewer, unit = stack.db, users("admin"), users("reviewer"), users("guanggu")
    table = table_of(db, "湖北光谷实验室")
    page = admin.submit(f"/tables/{table}/grid/", f"/tables/{table}/hand-down/")
    assert db.one("select mode from targets_targettable where id = %s", table) == "handed_down", messages_of(page)
    table_opened(db, admin, table)

    own, other = row_of(db, "湖北光谷实验室"), row_of(db, "武汉派富知识产权运营有限公司")
    for row in (own, other):
        version = db.one("select version from targets_tablerow where id = %s", row)
        values = {str(c): v for c, v in values_for(db, row, offset=20).items()}
        answer = reviewer.json(f"/rows/{row}/assigned/", {"version": version, "values": values})
        assert answer["version"] == version + 1
        assert db.one("select count(*) from targets_assignedvalue where row_id = %s and state = 'pending'", row) == len(
            values
        )

    columns = list(values_for(db, own))
    choices = {f"decision-{c}": "confirm" for c in columns[1:]}
    choices |= {f"decision-{columns[0]}": "propose", f"value-{columns[0]}": "≥80条", f"reason-{columns[0]}": "经费减少"}
    page = unit.submit(f"/rows/{own}/", f"/rows/{own}/answer/", choices)
    states = dict(db.rows("select column_id, state from targets_assignedvalue where row_id = %s", own))
    assert states[columns[0]] == "proposed" and {states[c] for c in columns[1:]} == {"confirmed"}, messages_of(page)
    assert row_cells(db, own)[columns[0]] == "≥80条"
    row_submitted(db, unit, own)
    row_approved(db, reviewer, own)

    page = reviewer.submit(f"/tables/{table}/grid/", f"/rows/{other}/confirm-all/")
    assert not db.one("select count(*) from targets_assignedvalue where row_id = %s and state = 'pending'", other)
    assert row_status(db, other) == "draft", messages_of(page)


def test_a_table_is_closed_and_opened_again_and_a_row_removed_and_restored(stack, users):
    db, admin, unit = stack.db, users("admin"), users("platform")
    table, row = table_of(db, "湖北省知识产权发展中心"), row_of(db, "湖北省知识产权发展中心")
    table_opened(db, admin, table)
    page = admin.submit(f"/tables/{table}/progress/", f"/tables/{table}/close/")
    assert db.one("select status from targets_targettable where id = %s", table) == "closed", messages_of(page)
    assert f"/rows/{row}/submit/" not in unit.page(f"/rows/{row}/")  # a closed table takes no submission
    table_opened(db, admin, table)
    assert f"/rows/{row}/submit/" in unit.page(f"/rows/{row}/")

    page = admin.submit(f"/tables/{table}/progress/", f"/rows/{row}/remove/", {"reason": "重复的填报行"})
    assert db.one("select removed_at is not null from targets_tablerow where id = %s", row), messages_of(page)
    page = admin.submit(f"/tables/{table}/progress/", f"/rows/{row}/restore/")
    assert db.one("select removed_at is null from targets_tablerow where id = %s", row), messages_of(page)

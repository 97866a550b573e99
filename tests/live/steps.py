"""Steps of the walk that more than one test takes (the backup test fills its year with them).

Each step is what the user does on the page, over HTTP; then what it left is read from the database
(committed, outside any transaction of the product) and from what the page or the API answers."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl

from .web import User, forms_in, messages_of

HUBEI = "hubei-2022-patent-transfer"
LOCAL = ZoneInfo("Asia/Shanghai")


def project_id(db, code: str = HUBEI) -> int:
    return db.one("select id from projects_project where code = %s", code)


def table_of(db, unit: str, code: str = HUBEI) -> int:
    """The table of `code`'s project that has a row of `unit`."""
    return db.one(
        "select r.table_id from targets_tablerow r join targets_targettable t on t.id = r.table_id "
        "join projects_project p on p.id = t.project_id join units_unit u on u.id = r.unit_id "
        "where p.code = %s and u.name = %s",
        code,
        unit,
    )


def row_of(db, unit: str, code: str = HUBEI) -> int:
    return db.one(
        "select r.id from targets_tablerow r join targets_targettable t on t.id = r.table_id "
        "join projects_project p on p.id = t.project_id join units_unit u on u.id = r.unit_id "
        "where p.code = %s and u.name = %s",
        code,
        unit,
    )


def row_status(db, row_id: int) -> str:
    return db.one("select status from targets_tablerow where id = %s", row_id)


def row_cells(db, row_id: int) -> dict[int, str]:
    return dict(db.rows("select column_id, raw from targets_cell where row_id = %s", row_id))


def typed(kind: str, n: int) -> str:
    """A value a unit would write in a column of this kind."""
    return {"number": str(100 + n), "quantity": f"≥{100 + n}", "text": "显著增长"}.get(kind, f"≥{100 + n}人")


def values_for(db, row_id: int, offset: int = 0) -> dict[int, str]:
    columns = db.rows(
        "select c.id, c.value_kind from targets_tablecolumn c join targets_tablerow r on r.table_id = c.table_id "
        "where r.id = %s order by c.order",
        row_id,
    )
    return {column: typed(kind, n + offset) for n, (column, kind) in enumerate(columns)}


def deadline_text(days: int = 30) -> str:
    return (datetime.now(LOCAL) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def table_opened(db, admin: User, table_id: int) -> None:
    """The admin opens the table on its progress page (or extends its deadline)."""
    page = admin.submit(f"/tables/{table_id}/progress/", f"/tables/{table_id}/open/", {"deadline": deadline_text()})
    status, deadline = db.one("select status, deadline from targets_targettable where id = %s", table_id)
    assert status == "open" and deadline is not None, messages_of(page)
    assert any("已开放填报" in m or "截止时间已延长" in m for m in messages_of(page)), messages_of(page)


def grid_saved(db, filler: User, row_id: int, values: dict[int, str]) -> dict:
    """The grid's save: the row's version as the grid page shows it, the values as JSON."""
    table_id = db.one("select table_id from targets_tablerow where id = %s", row_id)
    grid = filler.page(f"/tables/{table_id}/grid/")
    version = int(_attribute(grid, f'data-row="{row_id}" data-version="', '"'))
    before = db.one("select version from targets_tablerow where id = %s", row_id)
    answer = filler.json(
        f"/rows/{row_id}/cells/", {"version": version, "values": {str(k): v for k, v in values.items()}}
    )
    assert answer["version"] == before + 1 == db.one("select version from targets_tablerow where id = %s", row_id)
    stored = row_cells(db, row_id)
    assert all(stored[c] == v for c, v in values.items()), (stored, values)
    assert row_status(db, row_id) == "draft"
    return answer


def row_submitted(db, filler: User, row_id: int) -> None:
    page = filler.submit(f"/rows/{row_id}/", f"/rows/{row_id}/submit/")
    assert row_status(db, row_id) == "submitted", messages_of(page)
    assert "已提交" in page


def row_approved(db, reviewer: User, row_id: int) -> None:
    page = reviewer.submit(f"/rows/{row_id}/", f"/rows/{row_id}/approve/")
    status, by = db.one(
        "select r.status, u.username from targets_tablerow r join auth_user u on u.id = r.reviewed_by_id "
        "where r.id = %s",
        row_id,
    )
    assert (status, by) == ("approved", reviewer.username), messages_of(page)
    assert any("已审核通过" in m for m in messages_of(page))


def row_through(db, filler: User, reviewer: User, row_id: int, offset: int = 0) -> None:
    """A row filled on the grid, submitted and approved: what a unit and the bureau do in a year."""
    grid_saved(db, filler, row_id, values_for(db, row_id, offset))
    row_submitted(db, filler, row_id)
    row_approved(db, reviewer, row_id)


def rows_approved(db, users, *units: tuple[str, str]) -> None:
    """Each (account, unit)'s row approved, walked through now unless an earlier test did."""
    for account, unit in units:
        row = row_of(db, unit)
        if row_status(db, row) != "approved":
            table_opened(db, users("admin"), table_of(db, unit))
            row_through(db, users(account), users("reviewer"), row, offset=3)


def export_downloaded(user: User, job_page: str) -> bytes:
    """An export job's page, polled until the worker has built it, then its file."""
    job = user.wait_for_job(job_page)
    assert job["status"] == "done", job
    response = user.get(job_page.rstrip("/") + "/download/")
    assert response.status_code == 200, response.status_code
    return response.content


def workbook_cells(data: bytes) -> dict[str, list[tuple]]:
    """Every sheet's values, row by row: an export compared as its reader sees it, not as bytes."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def zip_workbooks(data: bytes) -> dict[str, dict[str, list[tuple]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: workbook_cells(archive.read(name)) for name in archive.namelist() if name.endswith(".xlsx")}


def _attribute(html: str, before: str, after: str) -> str:
    start = html.index(before) + len(before)
    return html[start : html.index(after, start)]


# --- monitoring and 自评 reports --------------------------------------------------------------

TEXTS = ("conclusion", "problems", "improvements", "budget_reason")


def report_status(db, report_id: int) -> str:
    return db.one("select status from monitoring_report where id = %s", report_id)


def report_of(db, round_id: int, unit: str) -> int:
    return db.one(
        "select r.id from monitoring_report r join units_unit u on u.id = r.unit_id where r.round_id = %s and u.name = %s",
        round_id,
        unit,
    )


def actual_for(target_raw: str) -> str:
    """What a unit reports against a target: its number reached, or the words of a qualitative one."""
    number = re.search(r"\d+(?:\.\d+)?", target_raw or "")
    return number.group(0) if number else "明显增长"


def actuals(db, report_id: int) -> dict[int, str]:
    return {
        pk: actual_for(raw)
        for pk, raw in db.rows("select id, target_raw from monitoring_reportvalue where report_id = %s", report_id)
    }


def round_opened(db, reviewer: User, kind: str, day: str) -> int:
    project = project_id(db)
    page = reviewer.submit(
        f"/projects/{project}/monitoring/",
        f"/projects/{project}/monitoring/open/",
        {"kind": kind, "reference_date": day, "deadline": deadline_text(20), "lag_threshold": "10"},
    )
    round_id = db.one(
        "select id from monitoring_round where project_id = %s and kind = %s and reference_date = %s",
        project,
        kind,
        day,
    )
    assert db.one("select status from monitoring_round where id = %s", round_id) == "open", messages_of(page)
    return round_id


def report_saved(db, filler: User, report_id: int, *, changes: bool | None = True) -> None:
    """The report form as the page shows it, each 完成值 typed, the budget and the texts filled in.
    `changes`: whether the save must raise the version (None: whether it does is not the point)."""
    here = f"/monitoring/reports/{report_id}/"
    form = filler.form(here, f"{here}save/")
    fields = {f"actual-{pk}": raw for pk, raw in actuals(db, report_id).items()}
    shown = dict(form.fields)
    # 执行数 per 资金来源 (the bureau set the budget): every line the form offers, where still empty.
    fields |= {name: "95" for name in form.names if name.startswith("executed-") and not shown.get(name)}
    fields |= {name: "按计划推进" for name in TEXTS if name in form.names and not shown.get(name)}
    version = db.one("select version from monitoring_report where id = %s", report_id)
    page = filler.step(form.action, form.data(fields))
    assert "已保存" in messages_of(page), messages_of(page)
    stored = dict(db.rows("select id, raw from monitoring_reportvalue where report_id = %s", report_id))
    assert stored == actuals(db, report_id)
    if changes is not None:
        assert db.one("select version from monitoring_report where id = %s", report_id) == version + int(changes)


def report_submitted(db, filler: User, report_id: int) -> None:
    here = f"/monitoring/reports/{report_id}/"
    page = filler.submit(here, f"{here}submit/")
    assert report_status(db, report_id) == "submitted", messages_of(page)


def report_approved(db, reviewer: User, report_id: int) -> None:
    """审核通过; on a 自评 report the page's grade form goes with it, each judgment 达成."""
    here = f"/monitoring/reports/{report_id}/"
    grades = [f for f in forms_in(reviewer.page(here)) if f.action.endswith(f"{here}grade/")]
    chosen = {name: "achieved" for form in grades for name in form.names if name.startswith("grade-")}
    page = reviewer.step(f"{here}approve/", grades[0].data(chosen) if grades else [])
    assert report_status(db, report_id) == "approved", messages_of(page)

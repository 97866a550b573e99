"""Files on the live stack: imports (the template downloaded, filled in, uploaded, previewed and
confirmed; applied in the request when small, by the worker when large) and exports (jobs built by
the worker process and downloaded, from the pages and the API; the sheets made in the request)."""

import io

import openpyxl
import pytest

from .stack import eventually
from .steps import (
    export_downloaded,
    project_id,
    report_of,
    round_opened,
    row_cells,
    row_of,
    rows_approved,
    table_of,
    table_opened,
    workbook_cells,
    zip_workbooks,
)
from .web import messages_of

pytestmark = pytest.mark.live_stack

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNITS = ["中南民族大学", "湖北文理学院", "湖北理工学院"]


def _filled_template(user, table: int, values: dict[str, str]) -> bytes:
    """The table's fill-in template with the first value column of each named unit's line changed."""
    response = user.get(f"/exports/tables/{table}/template.xlsx")
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    found = set()
    for row in sheet.iter_rows():
        name = row[1].value if len(row) > 1 else None
        if name in values:
            row[2].value = values[name]
            found.add(name)
    assert found == set(values), f"units not in the template: {set(values) - found}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _imported(db, user, data: bytes) -> int:
    page = user.post("/imports/", files={"file": ("导入.xlsx", data, XLSX)})
    job = int(page.headers["location"].rstrip("/").rsplit("/", 1)[1])
    assert db.one("select status from reports_importjob where id = %s", job) == "previewed"
    assert "确认导入" in user.page(f"/imports/{job}/")
    return job


def test_an_import_is_previewed_and_applied_in_the_request_or_by_the_worker_when_large(stack, users):
    db, reviewer = stack.db, users("reviewer")
    table = table_of(db, UNITS[0])
    table_opened(db, users("admin"), table)
    first = db.one('select id from targets_tablecolumn where table_id = %s and "order" = 1', table)
    rows = {unit: row_of(db, unit) for unit in UNITS}

    small = _imported(db, reviewer, _filled_template(reviewer, table, {UNITS[0]: "≥321件"}))
    page = reviewer.step(f"/imports/{small}/apply/")
    assert db.one("select status from reports_importjob where id = %s", small) == "applied", messages_of(page)
    assert row_cells(db, rows[UNITS[0]])[first] == "≥321件"

    # More changes than IMPORT_WORKER_CHANGES (5 in this stack): applied by the worker process.
    values = {unit: f"≥{400 + n}件" for n, unit in enumerate(UNITS)}
    data = _filled_template(reviewer, table, values)
    book = openpyxl.load_workbook(io.BytesIO(data))
    for row in book.worksheets[0].iter_rows():
        if len(row) > 3 and row[1].value in values:
            row[3].value, row[4].value = "≥5%", "≥50件"
    out = io.BytesIO()
    book.save(out)
    large = _imported(db, reviewer, out.getvalue())
    page = reviewer.step(f"/imports/{large}/apply/")
    assert any("已在后台执行" in m for m in messages_of(page)), messages_of(page)
    eventually(
        lambda: db.one("select status from reports_importjob where id = %s", large) != "previewed",
        60,
        "the worker did not apply the import",
    )
    assert db.one("select status from reports_importjob where id = %s", large) == "applied"
    assert {unit: row_cells(db, row)[first] for unit, row in rows.items()} == values
    assert "已导入" in reviewer.page(f"/imports/{large}/")


def test_exports_are_built_by_the_worker_and_downloaded_from_the_pages_and_the_api(stack, users):
    db, reviewer = stack.db, users("reviewer")
    project = project_id(db)
    page = reviewer.post(f"/exports/projects/{project}/bundle/")
    bundle = workbook_cells(export_downloaded(reviewer, page.headers["location"]))
    assert len(bundle) >= 2 and all(rows for rows in bundle.values())

    program = reviewer.token()
    job = program.call("POST", f"/api/v1/projects/{project}/exports/", status=202)
    job = eventually(
        lambda: (j := program.call("GET", f"/api/v1/exports/{job['id']}/"))["status"] in ("done", "failed") and j,
        90,
        "the API's export job did not finish",
    )
    assert job["status"] == "done", job
    download = program.http.get(f"/api/v1/exports/{job['id']}/download/")
    assert download.status_code == 200 and workbook_cells(download.content) == bundle

    rows_approved(db, users, ("huangshi", "黄石市"))
    round_id = round_opened(db, reviewer, "monitoring", "2022-03-31")
    page = reviewer.post(f"/exports/rounds/{round_id}/forms/")
    forms = zip_workbooks(export_downloaded(reviewer, page.headers["location"]))
    reports = db.one("select count(*) from monitoring_report where round_id = %s and unit_id is not null", round_id)
    assert len(forms) == reports > 0

    for path in (
        f"/exports/tables/{table_of(db, '武汉市')}.xlsx",
        f"/exports/rounds/{round_id}/summary.xlsx",
        f"/exports/reports/{report_of(db, round_id, '黄石市')}.xlsx",
    ):
        response = reviewer.get(path)
        assert response.status_code == 200 and response.headers["content-type"] == XLSX, path
        assert workbook_cells(response.content), path

"""Backup and restore (issue 23 §3, docs/design.md §9): pg_dump of a filled year and the stored
files (files_backup, through Django's storage API) restore into an empty database and an empty
media folder; the restored product serves the same files and exports the same sheets, compared
cell by cell (the bytes differ: an .xlsx carries the time it was written)."""

import re
import subprocess

import pytest

from tests.deploy.server import gunicorn, manage

from .stack import database_create, database_drop, with_database
from .steps import (
    export_downloaded,
    project_id,
    report_approved,
    report_of,
    report_saved,
    report_submitted,
    round_opened,
    rows_approved,
    workbook_cells,
    zip_workbooks,
)
from .web import User

pytestmark = pytest.mark.live_stack

PDF = b"%PDF-1.4\n% backup test\n%%EOF\n"


def _filled_year(stack, users) -> dict:
    """What a year holds at its end: rows approved, a round with its reports approved and evidence,
    an export built by the worker (whatever the walk's other tests added comes along)."""
    db, reviewer = stack.db, users("reviewer")
    rows_approved(db, users, ("huangshi", "黄石市"), ("shiyan", "十堰市"))
    round_id = round_opened(db, reviewer, "monitoring", "2022-08-31")
    report = report_of(db, round_id, "黄石市")
    unit = users("huangshi")
    report_saved(db, unit, report)
    unit.step(
        f"/monitoring/reports/{report}/evidence/", [("value", "")], files={"file": ("备份.pdf", PDF, "application/pdf")}
    )
    report_submitted(db, unit, report)
    report_approved(db, reviewer, report)
    job_page = reviewer.post(f"/exports/projects/{project_id(db)}/bundle/").headers["location"]
    bundle = export_downloaded(reviewer, job_page)
    evidence = db.one("select id from monitoring_evidence where report_id = %s", report)
    return {"round": round_id, "report": report, "job": job_page, "bundle": bundle, "evidence": evidence}


def _exports(db, round_id: int, report: int) -> list[str]:
    """The sheets the product makes in the request: every table (the copied year's too), every
    任务书's 附表, the round's 汇总表 and a report's form."""
    tables = [t for (t,) in db.rows("select id from targets_targettable order by id")]
    agreements = [a for (a,) in db.rows("select id from projects_agreement where undertaker_id is not null")]
    return [
        *(f"/exports/tables/{table}.xlsx" for table in tables),
        *(f"/exports/agreements/{agreement}.xlsx" for agreement in agreements),
        f"/exports/rounds/{round_id}/summary.xlsx",
        f"/exports/reports/{report}.xlsx",
    ]


def test_a_filled_year_restores_into_an_empty_database_and_media_and_exports_the_same(stack, users, tmp_path):
    year = _filled_year(stack, users)
    reviewer = users("reviewer")
    dump, archive = tmp_path / "jixiao.dump", tmp_path / "files.tar"
    direct = with_database(stack.server_url, stack.database)
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", direct], check=True, timeout=120)
    assert "已备份" in stack.manage("files_backup", str(archive))

    restored = f"{stack.database}_restored"
    database_create(stack.server_url, restored)
    try:
        target = with_database(stack.server_url, restored)
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}", str(dump)], check=True, timeout=120
        )
        # The restored product: its own empty media folder, no broker (exports are built in the request).
        (tmp_path / "restored").mkdir()
        with gunicorn(tmp_path / "restored", None, static=False, access_log=True, DATABASE_URL=target) as (base, env):
            assert not (tmp_path / "restored" / "media").exists()
            out = manage(env, "files_restore", str(archive))
            assert re.search(r"已恢复 [1-9]\d* 个文件", out) and "数据库引用的文件都在存储中" in out
            again = User(base, "reviewer")
            assert again.get(f"/monitoring/evidence/{year['evidence']}/").content == PDF
            assert again.get(year["job"].rstrip("/") + "/download/").content == year["bundle"]

            rebuilt = again.post(f"/exports/projects/{project_id(stack.db)}/bundle/").headers["location"]
            assert workbook_cells(export_downloaded(again, rebuilt)) == workbook_cells(year["bundle"])
            for path in _exports(stack.db, year["round"], year["report"]):
                original, copy = reviewer.get(path), again.get(path)
                assert original.status_code == copy.status_code == 200, path
                assert workbook_cells(copy.content) == workbook_cells(original.content), path
            forms = again.post(f"/exports/rounds/{year['round']}/forms/").headers["location"]
            first = reviewer.post(f"/exports/rounds/{year['round']}/forms/").headers["location"]
            assert zip_workbooks(export_downloaded(again, forms)) == zip_workbooks(export_downloaded(reviewer, first))
            log = (tmp_path / "restored" / "gunicorn.log").read_text()
            assert not re.search(r'" 5\d\d \d|Traceback', log), log[-3000:]
    finally:
        database_drop(stack.server_url, restored)

"""监控 and 自评 on the live stack: rounds opened, weighted, widened and closed; reports saved,
evidenced, submitted, returned, approved, reopened and graded, on the pages and through the API.
退回 and 重新打开 answered 500 on PostgreSQL (a row lock outside a transaction): this walk is the
test that sees such a step fail where it fails, in production's shape."""

import pytest

from .steps import (
    actuals,
    report_approved,
    report_of,
    report_saved,
    report_status,
    report_submitted,
    round_opened,
    row_of,
    row_through,
    rows_approved,
    table_of,
    table_opened,
)
from .web import messages_of

pytestmark = pytest.mark.live_stack

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_monitoring_report_is_saved_evidenced_returned_approved_and_reopened(stack, users):
    db, reviewer, admin, unit = stack.db, users("reviewer"), users("admin"), users("huangshi")
    rows_approved(db, users, ("huangshi", "黄石市"))
    round_id = round_opened(db, reviewer, "monitoring", "2022-06-30")
    report = report_of(db, round_id, "黄石市")
    here = f"/monitoring/reports/{report}/"

    report_saved(db, unit, report)
    page = unit.step(f"{here}evidence/", [("value", "")], files={"file": ("进展说明.pdf", PDF, "application/pdf")})
    evidence, path = db.one("select id, file from monitoring_evidence where report_id = %s", report)
    assert (stack.workdir / "media" / path).read_bytes() == PDF, messages_of(page)
    assert unit.get(f"/monitoring/evidence/{evidence}/").content == PDF
    page = unit.submit(here, f"/monitoring/evidence/{evidence}/remove/")
    assert not db.one("select count(*) from monitoring_evidence where report_id = %s", report), messages_of(page)
    assert not (stack.workdir / "media" / path).exists()
    unit.step(f"{here}evidence/", [("value", "")], files={"file": ("进展说明.pdf", PDF, "application/pdf")})
    report_submitted(db, unit, report)

    page = reviewer.submit(here, f"{here}return/", {"comment": "请补充佐证材料"})
    assert db.one("select status, review_comment from monitoring_report where id = %s", report) == (
        "returned",
        "请补充佐证材料",
    ), messages_of(page)
    assert "已退回" in messages_of(page)
    report_submitted(db, unit, report)
    report_approved(db, reviewer, report)

    page = admin.submit(here, f"{here}reopen/", {"comment": "复核执行数"})
    assert report_status(db, report) == "returned", messages_of(page)
    assert "已重新打开" in messages_of(page)
    report_submitted(db, unit, report)
    report_approved(db, reviewer, report)


def test_a_self_evaluation_report_is_saved_graded_returned_and_approved_through_the_api(stack, users):
    db, reviewer, unit = stack.db, users("reviewer"), users("shiyan")
    rows_approved(db, users, ("shiyan", "十堰市"))
    round_id = round_opened(db, reviewer, "self_evaluation", "2022-12-31")
    report = report_of(db, round_id, "十堰市")
    program, bureau = unit.token(), reviewer.token()
    weights = reviewer.form(f"/monitoring/rounds/{round_id}/", "/weights/")
    page = reviewer.step(weights.action, weights.data())
    assert "权重已保存" in messages_of(page), messages_of(page)
    assert db.one("select count(*) from monitoring_weight where round_id = %s", round_id)

    read = program.call("GET", f"/api/v1/reports/{report}/")
    values = {str(pk): {"actual": raw} for pk, raw in actuals(db, report).items()}
    texts = {"conclusion": "年度目标总体完成", "problems": "无", "improvements": "加强过程监控"}
    saved = program.call("PATCH", f"/api/v1/reports/{report}/", {"version": read["version"], "values": values, **texts})
    assert saved["version"] == read["version"] + 1
    assert dict(db.rows("select id, raw from monitoring_reportvalue where report_id = %s", report)) == actuals(
        db, report
    )
    report_saved(db, unit, report, changes=None)  # the page's budget block and what else the form asks for
    assert (
        program.call("POST", f"/api/v1/reports/{report}/submit/")["status"] == "submitted" == report_status(db, report)
    )

    returned = bureau.call("POST", f"/api/v1/reports/{report}/return/", {"comment": "请说明未完成原因"})
    assert returned["status"] == "returned" == report_status(db, report)
    program.call("POST", f"/api/v1/reports/{report}/submit/")
    judged = [pk for (pk,) in db.rows("select id from monitoring_reportvalue where report_id = %s", report)]
    graded = bureau.call(
        "POST", f"/api/v1/reports/{report}/grade/", {"grades": {str(pk): {"grade": "achieved"} for pk in judged}}
    )
    assert graded["status"] == "submitted"
    here = f"/monitoring/reports/{report}/"
    form = reviewer.form(here, f"{here}grade/")
    judged = sorted(int(n.split("-")[1]) for n in form.names if n.startswith("grade-"))
    assert judged, "the qualitative targets (明显增长) need the reviewer's judgment"
    # Graded again on the page: 部分达成, 70%.
    page = reviewer.submit(here, f"{here}grade/", {f"grade-{judged[0]}": "partial", f"percent-{judged[0]}": "70"})
    assert "评定已保存" in messages_of(page), messages_of(page)
    assert db.one(
        "select g.code, v.grade_percent from monitoring_reportvalue v join monitoring_gradelevel g "
        "on g.id = v.grade_id where v.id = %s",
        judged[0],
    ) == ("partial", 70)
    assert (
        bureau.call("POST", f"/api/v1/reports/{report}/approve/")["status"] == "approved" == report_status(db, report)
    )


def test_a_round_takes_units_approved_after_it_opened_and_closes(stack, users):
    db, reviewer, admin = stack.db, users("reviewer"), users("admin")
    round_id = round_opened(db, reviewer, "monitoring", "2022-09-30")
    row = row_of(db, "荆州市")
    assert not db.rows(
        "select r.id from monitoring_report r join units_unit u on u.id = r.unit_id where r.round_id = %s "
        "and u.name = '荆州市'",
        round_id,
    )
    table_opened(db, admin, table_of(db, "荆州市"))
    row_through(db, admin, reviewer, row, offset=5)  # the bureau's admin fills it in for the unit
    page = reviewer.submit(f"/monitoring/rounds/{round_id}/", "/add-units/")
    report = report_of(db, round_id, "荆州市")
    assert report_status(db, report) == "not_started" and any("荆州市" in m for m in messages_of(page))

    report_saved(db, reviewer, report)
    report_submitted(db, admin, report)
    report_approved(db, reviewer, report)
    page = reviewer.submit(f"/monitoring/rounds/{round_id}/", "/close/")
    assert db.one("select status from monitoring_round where id = %s", round_id) == "closed", messages_of(page)

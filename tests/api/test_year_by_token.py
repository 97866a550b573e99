"""A unit's year and a reviewer's, done by programs holding tokens, through the API alone."""

from datetime import date
from decimal import Decimal

import pytest

from monitoring.models import GradeLevel, Report, RoundKind
from monitoring.selectors import report_page
from monitoring.services import round_open
from targets.models import ReviewStatus, TableRow
from units.models import AuditEntry

pytestmark = pytest.mark.django_db


def _my_row(api, year):
    rows = api.get("/api/v1/rows/", {"year": year}).json()["results"]
    assert len(rows) == 1, rows  # a unit token sees its own row only
    return api.get(f"/api/v1/rows/{rows[0]['id']}/").json()


def test_a_unit_reads_its_targets_fills_and_submits_and_a_reviewer_returns_then_approves(
    wuhan_api, reviewer_api, open_table, wuhan_row
):
    # Read the project's targets as written and as read.
    project = wuhan_api.get("/api/v1/projects/", {"year": 2022}).json()["results"][0]
    tree = wuhan_api.get(f"/api/v1/projects/{project['id']}/").json()["indicators"]
    annual = [i["annual"]["value"] for i in tree if i["annual"]]
    assert {
        "raw": "3000条",
        "comparator": "",
        "number": "3000",
        "unit": "条",
        "text": "",
        "reading": "3000条",
        "parts": [{"comparator": "", "number": "3000", "unit": "条", "upper": None, "subject": "", "change": 0}],
    } in annual

    # The table's columns, the unit's own row, then fill it at the version it was read.
    table = wuhan_api.get(f"/api/v1/tables/{open_table.pk}/").json()
    first = table["columns"][0]
    row = _my_row(wuhan_api, 2022)
    assert row["id"] == wuhan_row.pk
    saved = wuhan_api.patch(
        f"/api/v1/rows/{row['id']}/",
        {"version": row["version"], "cells": {str(first["id"]): "2,600"}},
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    assert saved.json()["version"] == row["version"] + 1
    assert saved.json()["status"] == ReviewStatus.DRAFT
    cell = next(c for c in saved.json()["cells"] if c["column"] == first["id"])
    single = {k: cell["value"][k] for k in ("raw", "comparator", "number", "unit", "text")}
    assert single == {"raw": "2,600", "comparator": "", "number": "2600", "unit": "条", "text": ""}
    assert cell["value"]["reading"] == "2600条"

    assert wuhan_api.post(f"/api/v1/rows/{row['id']}/submit/").json()["status"] == ReviewStatus.SUBMITTED

    # The reviewer finds it among the submitted rows and returns it with a comment.
    waiting = reviewer_api.get("/api/v1/rows/", {"status": "submitted", "table": open_table.pk}).json()["results"]
    assert [r["id"] for r in waiting] == [wuhan_row.pk]
    returned = reviewer_api.post(f"/api/v1/rows/{row['id']}/return/", {"comment": "请核实需求条数"}, format="json")
    assert returned.json()["status"] == ReviewStatus.RETURNED
    assert returned.json()["review_comment"] == "请核实需求条数"

    # The unit corrects and submits again; the reviewer approves; the row is then locked.
    row = _my_row(wuhan_api, 2022)
    wuhan_api.patch(
        f"/api/v1/rows/{row['id']}/", {"version": row["version"], "cells": {str(first["id"]): "2700"}}, format="json"
    )
    wuhan_api.post(f"/api/v1/rows/{row['id']}/submit/")
    assert reviewer_api.post(f"/api/v1/rows/{row['id']}/approve/").json()["status"] == ReviewStatus.APPROVED
    locked = wuhan_api.patch(
        f"/api/v1/rows/{row['id']}/", {"version": row["version"] + 1, "cells": {str(first["id"]): "1"}}, format="json"
    )
    assert locked.status_code == 409 and "已通过" in locked.json()["detail"]

    # The same services as the pages: the audit log names the token's owner for each step.
    actions = list(
        AuditEntry.objects.filter(object_type="targets.TableRow", object_id=str(wuhan_row.pk))
        .order_by("pk")
        .values_list("action", "actor__username")
    )
    assert ("targets.row.returned", "t-reviewer") in actions
    assert ("targets.row.approved", "t-reviewer") in actions
    assert actions.count(("targets.row.submitted", "t-wuhan")) == 2
    assert TableRow.objects.get(pk=wuhan_row.pk).cells.get(column_id=first["id"]).raw == "2700"


def test_a_unit_writes_a_target_in_the_written_form_of_the_grid(wtu_row, wtu_api):
    """`≥50件` in a 高校院所 table (its columns take comparators) comes back read into its parts."""
    column = wtu_row.table.columns.get(order=1)
    response = wtu_api.patch(
        f"/api/v1/rows/{wtu_row.pk}/", {"version": wtu_row.version, "cells": {str(column.pk): "≥50件"}}, format="json"
    )
    assert response.status_code == 200, response.json()
    value = next(c["value"] for c in response.json()["cells"] if c["column"] == column.pk)
    single = {k: value[k] for k in ("raw", "comparator", "number", "unit", "text")}
    assert single == {"raw": "≥50件", "comparator": "≥", "number": "50", "unit": "件", "text": ""}
    assert value["parts"] == [
        {"comparator": "≥", "number": "50", "unit": "件", "upper": None, "subject": "", "change": 0}
    ]


def _my_report(api, round_id):
    reports = api.get("/api/v1/reports/", {"round": round_id}).json()
    assert len(reports) == 1, reports  # a unit token lists its own report only
    return api.get(f"/api/v1/reports/{reports[0]['id']}/").json()


def test_a_unit_reports_its_completed_values_and_a_reviewer_grades_and_approves_its_self_evaluation(
    wuhan_api, reviewer_api, reviewer, open_table, wuhan_row
):
    """After the year: the bureau opens the 自评 (on its page); the unit reports 完成值 and submits,
    the reviewer grades what needs a judgment and approves, all by token."""
    # 100万 of the bureau's money on the row: the report's budget, which the unit does not type
    TableRow.objects.filter(pk=wuhan_row.pk).update(status=ReviewStatus.APPROVED, funding=Decimal(100))
    round_ = round_open(
        project=open_table.project,
        kind=RoundKind.SELF_EVALUATION,
        reference_date=date(2022, 12, 31),
        deadline=None,
        lag_threshold=Decimal(20),
        actor=reviewer,
    )
    rounds = reviewer_api.get(f"/api/v1/projects/{open_table.project_id}/rounds/").json()
    assert [r["id"] for r in rounds] == [round_.pk]
    assert wuhan_api.get(f"/api/v1/projects/{open_table.project_id}/rounds/").status_code == 404

    report = _my_report(wuhan_api, round_.pk)
    assert report["kind"] == RoundKind.SELF_EVALUATION and report["can_edit"]
    values = report["values"]
    assert values and all(v["actual"]["raw"] == "" for v in values)
    # Each target met as written (its own text), the first one short of it, with the reason.
    actual = {str(v["id"]): {"actual": v["target"]["raw"]} for v in values}
    first = next(v for v in values if v["target"]["number"] not in (None, "0"))
    actual[str(first["id"])] = {"actual": "1", "shortfall_reason": "需求申报延后"}
    stale = wuhan_api.patch(f"/api/v1/reports/{report['id']}/", {"version": 99, "values": actual}, format="json")
    assert stale.status_code == 409 and stale.json()["version"] == report["version"]
    bad = wuhan_api.patch(
        f"/api/v1/reports/{report['id']}/",
        {"version": report["version"], "values": {str(first["id"]): {"actual": "9" * 30}}},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == f"values.{first['id']}.actual"
    saved = wuhan_api.patch(
        f"/api/v1/reports/{report['id']}/",
        {
            "version": report["version"],
            "values": actual,
            "budget": {"lines": {"current": {"executed": "95"}}},
        },
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    body = saved.json()
    assert body["version"] == report["version"] + 1
    assert body["budget"]["execution_rate"] == "95.00" and body["budget"]["total"]["annual_budget"] == "100.00"
    line = next(v for v in body["values"] if v["id"] == first["id"])
    assert line["actual"]["number"] == "1" and line["score"]["rule"] and not line["needs_judgment"]

    submitted = wuhan_api.post(f"/api/v1/reports/{report['id']}/submit/")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == ReviewStatus.SUBMITTED

    # The reviewer finds it waiting, grades what needs a judgment, approves.
    waiting = reviewer_api.get("/api/v1/reports/").json()
    assert report["id"] in [r["id"] for r in waiting]
    judged = [v["id"] for v in submitted.json()["values"] if v["needs_judgment"]]
    assert judged  # 显著增长: qualitative, the reviewer's to judge
    early = reviewer_api.post(f"/api/v1/reports/{report['id']}/approve/", {}, format="json")
    assert early.status_code == 400 and "请先评定" in early.json()["detail"]
    grades = {str(pk): {"grade": GradeLevel.objects.filter(percent=100).first().code} for pk in judged}
    graded = reviewer_api.post(f"/api/v1/reports/{report['id']}/grade/", {"grades": grades}, format="json")
    assert graded.status_code == 200, graded.json()
    approved = reviewer_api.post(f"/api/v1/reports/{report['id']}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.json()
    final = approved.json()
    assert final["status"] == ReviewStatus.APPROVED
    # The scores are the page's: monitoring.selectors.report_page, not computed again.
    page = report_page(Report.objects.get(pk=report["id"]), reviewer)
    assert (
        final["scores"]["total"] == f"{page['scores']['total']}" and final["scores"]["grade"] == page["scores"]["grade"]
    )
    assert final["scores"]["complete"]

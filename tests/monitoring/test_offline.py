"""The 自评表 and the 监控表 filled offline: exported, filled in Excel (openpyxl here), imported
(preview, then apply, all or nothing), and the page's scores equal those of the form exported again.
The monitoring form's ticks, projections and execution figures come back; a bad cell is named; the
bureau's budget in the file is not imported."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from monitoring.models import Report
from monitoring.selectors import report_page
from monitoring.services import report_grade
from reports.exporters import export_workbook, exporter_for, workbook_bytes
from reports.import_services import import_preview
from reports.importers import plan_apply
from reports.models import ImportJob

from .test_forms import ACHIEVED, ACTUALS, _row_of, _sheet

pytestmark = pytest.mark.django_db

COLLECT = "收集中小微企业专利技术需求"


def _export(client, user, report) -> bytes:
    client.force_login(user)
    response = client.get(reverse("reports:export_report", args=[report.pk]))
    assert response.status_code == 200
    return response.content


def _sheet_bytes(report, user, layout="self_evaluation") -> bytes:
    return workbook_bytes(export_workbook([(exporter_for(layout), report)], user))


def _saved(workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _indicator_rows(ws, first: int):
    """(row, label) of each indicator row from `first` on, 小计 rows skipped."""
    r = first
    while ws.cell(row=r, column=4).value or ws.cell(row=r, column=3).value == "小计":
        if ws.cell(row=r, column=3).value != "小计":
            yield r, ws.cell(row=r, column=4).value.split("（")[0]
        r += 1


def _filled(data: bytes, actuals=ACTUALS, executed=152) -> bytes:
    workbook = load_workbook(BytesIO(data))
    ws = workbook.worksheets[0]
    header = _row_of(ws, "一级指标", col=2)[0].row
    for r, label in _indicator_rows(ws, header + 1):
        ws.cell(row=r, column=6).value = actuals.get(label, "")
        if label == COLLECT:
            ws.cell(row=r, column=9).value = "需求征集渠道不足"
    ws.cell(row=_row_of(ws, "其中：当年财政拨款", col=2)[0].row, column=6).value = executed
    goal = _row_of(ws, "年度总体目标", col=1)[0].row
    ws.cell(row=goal + 1, column=6).value = ACHIEVED
    return _saved(workbook)


def test_a_filled_form_imported_gives_the_page_and_the_form_the_same_scores(client, wuhan_evaluation, wuhan, reviewer):
    data = _filled(_export(client, wuhan, wuhan_evaluation))
    client.post(reverse("reports:import_upload"), {"file": SimpleUploadedFile("自评表.xlsx", data)})
    job = ImportJob.objects.latest("pk")
    assert job.status == "previewed", job.plan["errors"]
    assert Report.objects.get(pk=wuhan_evaluation.pk).values.exclude(raw="").count() == 0  # preview writes nothing
    client.post(reverse("reports:import_apply", args=[job.pk]))
    report = Report.objects.get(pk=wuhan_evaluation.pk)
    assert {v.label: v.raw for v in report.values.all()} == ACTUALS
    assert report.values.get(label=COLLECT).shortfall_reason == "需求征集渠道不足"
    assert report.budget.lines[0].executed == Decimal("152") and report.goal_achievement == ACHIEVED
    report.status = "submitted"
    report.save()
    ids = {v.label: v.pk for v in report.values.all()}
    report_grade(
        report_id=report.pk,
        actor=reviewer,
        grades={
            ids["政策惠及的中小微企业营业收入增幅"]: ("achieved", None),
            ids["政策惠及的中小微企业就业人数增幅"]: ("partial", Decimal("60")),
        },
    )
    report = Report.objects.get(pk=report.pk)
    page = report_page(report, reviewer)
    ws = _sheet(report, reviewer)
    assert Decimal(str(_row_of(ws, "总分")[7].value)) == page["scores"]["total"] == Decimal("90.50")
    first = _row_of(ws, "一级指标", col=2)[0].row + 1
    assert [Decimal(str(ws.cell(row=r, column=8).value)) for r, _ in _indicator_rows(ws, first)] == [
        line.score.points for line in page["lines"]
    ]


def test_a_bad_cell_is_named_and_nothing_is_written(client, wuhan_evaluation, wuhan):
    data = _filled(_export(client, wuhan, wuhan_evaluation), executed="一百五十")
    plan = import_preview(name="自评表.xlsx", data=data, user=wuhan)
    assert not plan.ok
    assert any("第7行" in str(e) and "第6列" in str(e) and "全年执行数" in str(e) for e in plan.errors), plan.errors
    with pytest.raises(Exception, match="有错误"):
        plan_apply(plan, actor=wuhan)
    report = Report.objects.get(pk=wuhan_evaluation.pk)
    assert report.values.exclude(raw="").count() == 0 and not report.goal_achievement


def test_the_bureaus_budget_in_the_file_is_not_imported_and_the_preview_says_so(wuhan_evaluation, wuhan, reviewer):
    workbook = load_workbook(BytesIO(_filled(_sheet_bytes(wuhan_evaluation, reviewer))))
    ws = workbook.worksheets[0]
    r = _row_of(ws, "其中：当年财政拨款", col=2)[0].row
    ws.cell(row=r, column=5).value = 300  # 全年预算数: the bureau's
    plan = import_preview(name="自评表.xlsx", data=_saved(workbook), user=wuhan)
    assert plan.ok
    assert any("全年预算数由省局设定" in str(w) and "300" in str(w) for w in plan.warnings), plan.warnings
    plan_apply(plan, actor=wuhan)
    line = Report.objects.get(pk=wuhan_evaluation.pk).budget.lines[0]
    assert (line.annual_budget, line.executed) == (Decimal("160"), Decimal("152"))


def test_a_form_without_its_provenance_is_refused(wuhan_evaluation, wuhan, reviewer):
    workbook = load_workbook(BytesIO(_filled(_sheet_bytes(wuhan_evaluation, reviewer))))
    workbook.custom_doc_props.props.clear()
    plan = import_preview(name="自评表.xlsx", data=_saved(workbook), user=wuhan)
    assert any("无法确定该表属于哪份报告" in str(e) for e in plan.errors)


def test_the_command_imports_a_filled_form(wuhan_evaluation, reviewer, tmp_path):
    path = tmp_path / "自评表.xlsx"
    path.write_bytes(_filled(_sheet_bytes(wuhan_evaluation, reviewer)))
    call_command("import_attachment", str(path))
    assert Report.objects.get(pk=wuhan_evaluation.pk).values.get(label="专利质押项目数").raw == "176"


def test_another_units_form_is_not_imported(client, wuhan_evaluation, reviewer, outsider):
    data = _filled(_sheet_bytes(wuhan_evaluation, reviewer))
    plan = import_preview(name="自评表.xlsx", data=data, user=outsider)
    assert not plan.ok and not plan.reports


def test_a_moved_indicator_row_is_refused_naming_its_cell(wuhan_evaluation, wuhan, reviewer):
    workbook = load_workbook(BytesIO(_filled(_sheet_bytes(wuhan_evaluation, reviewer))))
    ws = workbook.worksheets[0]
    first = _row_of(ws, "一级指标", col=2)[0].row + 1
    ws.cell(row=first, column=4).value, ws.cell(row=first + 1, column=4).value = (
        ws.cell(row=first + 1, column=4).value,
        ws.cell(row=first, column=4).value,
    )
    plan = import_preview(name="自评表.xlsx", data=_saved(workbook), user=wuhan)
    assert any(f"第{first}行" in str(e) and "第4列" in str(e) and f"应为指标“{COLLECT}”" in str(e) for e in plan.errors)


def test_a_formula_in_the_filled_form_is_refused_naming_its_cell_not_stored_as_text(wuhan_evaluation, wuhan, reviewer):
    """As in every other layout: a formula's text is not a value (openpyxl saves no result for it)."""
    workbook = load_workbook(BytesIO(_filled(_sheet_bytes(wuhan_evaluation, reviewer))))
    ws = workbook.worksheets[0]
    r = next(c.row for c in ws["D"] if c.value == "专利质押项目数（项）")
    ws.cell(row=r, column=6).value = "=100+76"
    ws.cell(row=r, column=9).value = '=HYPERLINK("http://evil.example","原因")'
    plan = import_preview(name="自评表.xlsx", data=_saved(workbook), user=wuhan)
    messages = [str(e) for e in plan.errors]
    assert any("公式" in m and "专利质押项目数”的“完成值" in m for m in messages), messages
    assert any("公式" in m and "偏差原因分析及改进措施" in m for m in messages), messages
    assert not plan.reports


# --- the 监控表 ---------------------------------------------------------------------------------


def _monitoring_filled(data: bytes, overrides: dict | None = None) -> bytes:
    """The 监控表 filled: 收集… at 100条 expecting 450条, 经费保障 and 人员保障 ticked with a reason
    and a measure, 有可能; the execution 60 of 160, expecting 150."""
    workbook = load_workbook(BytesIO(data))
    ws = workbook.worksheets[0]
    header = _row_of(ws, "一级指标", col=2)[0].row
    cells = {6: "100条", 7: "450条", 8: "√", 10: "√", 13: "上半年征集活动延后", 15: "√", 17: "下半年集中开展征集"}
    for r, label in _indicator_rows(ws, header + 2):
        if label == COLLECT:
            for col, text in (cells | (overrides or {})).items():
                ws.cell(row=r, column=col).value = text
    r = _row_of(ws, "其中：当年财政拨款", col=2)[0].row
    ws.cell(row=r, column=7).value, ws.cell(row=r, column=13).value = 60, 150
    goal = _row_of(ws, "年度总体目标", col=1)[0].row
    ws.cell(row=goal + 1, column=8).value = "上半年征集需求100条"
    return _saved(workbook)


def test_a_filled_monitoring_form_brings_back_every_answer(wuhan_report, wuhan):
    data = _monitoring_filled(_sheet_bytes(wuhan_report, wuhan, "monitoring_table"))
    plan = import_preview(name="监控表.xlsx", data=data, user=wuhan)
    assert plan.ok, plan.errors
    plan_apply(plan, actor=wuhan)
    report = Report.objects.get(pk=wuhan_report.pk)
    value = report.values.get(label=COLLECT)
    assert (value.raw, value.expected, value.likelihood) == ("100条", "450条", "possible")
    assert value.category_codes == ["funding", "staff"]
    assert (value.deviation_reason, value.corrective_measure) == ("上半年征集活动延后", "下半年集中开展征集")
    line = report.budget.lines[0]
    assert (line.executed, line.expected) == (Decimal("60"), Decimal("150"))
    assert report.goal_achievement == "上半年征集需求100条" and report.version == 2
    # exported again, the same answers in the same cells
    again = load_workbook(BytesIO(_sheet_bytes(report, wuhan, "monitoring_table"))).worksheets[0]
    r = next(c.row for c in again["D"] if c.value == f"{COLLECT}（条）")
    assert [again.cell(row=r, column=c).value for c in (6, 7, 8, 10, 15)] == ["100条", "450条", "√", "√", "√"]


@pytest.mark.parametrize(
    ("overrides", "col", "message"),
    [
        ({9: "有"}, 9, "“收集中小微企业专利技术需求”的“制度保障”请打“√”或留空，而不是“有”"),
        ({14: "√"}, 15, "“收集中小微企业专利技术需求”的完成目标可能性只能选一项"),
        ({7: "9" * 30}, 7, "全年预计完成值"),
    ],
)
def test_a_bad_monitoring_cell_is_named_and_nothing_is_written(wuhan_report, wuhan, overrides, col, message):
    data = _monitoring_filled(_sheet_bytes(wuhan_report, wuhan, "monitoring_table"), overrides)
    plan = import_preview(name="监控表.xlsx", data=data, user=wuhan)
    assert not plan.ok and not plan.reports
    assert any(f"第{col}列" in str(e) and message in str(e) for e in plan.errors), plan.errors
    with pytest.raises(Exception, match="有错误"):
        plan_apply(plan, actor=wuhan)
    report = Report.objects.get(pk=wuhan_report.pk)
    assert report.version == 1 and not report.values.exclude(raw="").exists()


@pytest.mark.parametrize("number", ["1E+1000000", "1e-1000000", "Infinity", "NaN", "1E+999999999999"])
def test_a_huge_budget_cell_is_refused_at_preview_naming_it_never_left_to_fail_at_apply(
    client, wuhan_evaluation, wuhan, number
):
    data = _filled(_export(client, wuhan, wuhan_evaluation), executed=number)
    client.post(reverse("reports:import_upload"), {"file": SimpleUploadedFile("自评表.xlsx", data)})
    job = ImportJob.objects.latest("pk")
    assert job.status == "invalid"
    assert any("执行数" in e["message"] and "数值过大" in e["message"] for e in job.plan["errors"]), job.plan
    assert client.post(reverse("reports:import_apply", args=[job.pk])).status_code in (302, 400)
    report = Report.objects.get(pk=wuhan_evaluation.pk)
    assert report.budget.lines[0].executed is None and report.values.exclude(raw="").count() == 0

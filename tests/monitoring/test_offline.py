"""The 自评表 filled offline: exported, filled in Excel (openpyxl here), imported (preview, then
apply, all or nothing), and the page's scores equal those of the form exported again."""

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
from reports.import_services import import_preview
from reports.importers import plan_apply
from reports.models import ImportJob

from .test_forms import ACTUALS, _row_of, _sheet

pytestmark = pytest.mark.django_db


def _export(client, user, report) -> bytes:
    client.force_login(user)
    response = client.get(reverse("reports:export_report", args=[report.pk]))
    assert response.status_code == 200
    return response.content


def _filled(data: bytes, actuals=ACTUALS, executed=152) -> bytes:
    workbook = load_workbook(BytesIO(data))
    ws = workbook.worksheets[0]
    header = _row_of(ws, "一级指标")[0].row
    r = header + 1
    while ws.cell(row=r, column=3).value:
        label = ws.cell(row=r, column=3).value
        ws.cell(row=r, column=7).value = actuals.get(label, "")
        if label == "收集中小微企业专利技术需求":
            ws.cell(row=r, column=10).value = "需求征集渠道不足"
        r += 1
    ws.cell(row=_row_of(ws, "预算执行情况")[0].row + 1, column=6).value = executed
    ws.cell(row=_row_of(ws, "评价结论")[0].row, column=3).value = "总体完成年度目标"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_filled_form_imported_gives_the_page_and_the_form_the_same_scores(client, wuhan_evaluation, wuhan, reviewer):
    data = _filled(_export(client, wuhan, wuhan_evaluation))
    client.post(reverse("reports:import_upload"), {"file": SimpleUploadedFile("自评表.xlsx", data)})
    job = ImportJob.objects.latest("pk")
    assert job.status == "previewed", job.plan["errors"]
    assert Report.objects.get(pk=wuhan_evaluation.pk).values.exclude(raw="").count() == 0  # preview writes nothing
    client.post(reverse("reports:import_apply", args=[job.pk]))
    report = Report.objects.get(pk=wuhan_evaluation.pk)
    assert {v.label: v.raw for v in report.values.all()} == ACTUALS
    assert report.executed == Decimal("152") and report.conclusion == "总体完成年度目标"
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
    assert Decimal(str(_row_of(ws, "总分")[8].value)) == page["scores"]["total"] == Decimal("90.50")
    first = _row_of(ws, "一级指标")[0].row + 1
    assert [Decimal(str(ws.cell(row=first + i, column=9).value)) for i in range(6)] == [
        line.score.points for line in page["lines"]
    ]


def test_a_bad_cell_is_named_and_nothing_is_written(client, wuhan_evaluation, wuhan):
    data = _filled(_export(client, wuhan, wuhan_evaluation), executed="一百五十")
    plan = import_preview(name="自评表.xlsx", data=data, user=wuhan)
    assert not plan.ok
    assert any("第6列" in str(e) and "预算执行数" in str(e) and "数字" in str(e) for e in plan.errors), plan.errors
    with pytest.raises(Exception, match="有错误"):
        plan_apply(plan, actor=wuhan)
    assert Report.objects.get(pk=wuhan_evaluation.pk).values.exclude(raw="").count() == 0


def test_a_form_without_its_provenance_is_refused(wuhan_evaluation, wuhan, reviewer):
    workbook = load_workbook(BytesIO(_filled(_sheet_bytes(wuhan_evaluation, reviewer))))
    workbook.custom_doc_props.props.clear()
    buffer = BytesIO()
    workbook.save(buffer)
    plan = import_preview(name="自评表.xlsx", data=buffer.getvalue(), user=wuhan)
    assert any("无法确定该表属于哪份报告" in str(e) for e in plan.errors)


def _sheet_bytes(report, user) -> bytes:
    from reports.exporters import export_workbook, exporter_for, workbook_bytes

    return workbook_bytes(export_workbook([(exporter_for("self_evaluation"), report)], user))


def test_the_command_imports_a_filled_form(wuhan_evaluation, reviewer, tmp_path):
    path = tmp_path / "自评表.xlsx"
    path.write_bytes(_filled(_sheet_bytes(wuhan_evaluation, reviewer)))
    call_command("import_attachment", str(path))
    assert Report.objects.get(pk=wuhan_evaluation.pk).values.get(label="专利质押项目数").raw == "176"


def test_another_units_form_is_not_imported(client, wuhan_evaluation, reviewer, outsider):
    data = _filled(_sheet_bytes(wuhan_evaluation, reviewer))
    plan = import_preview(name="自评表.xlsx", data=data, user=outsider)
    assert not plan.ok and not plan.reports


def test_a_formula_in_the_filled_form_is_refused_naming_its_cell_not_stored_as_text(wuhan_evaluation, wuhan, reviewer):
    """As in every other layout: a formula's text is not a value (openpyxl saves no result for it)."""
    workbook = load_workbook(BytesIO(_filled(_sheet_bytes(wuhan_evaluation, reviewer))))
    ws = workbook.worksheets[0]
    r = next(c.row for c in ws["C"] if c.value == "专利质押项目数")
    ws.cell(row=r, column=7).value = "=100+76"
    ws.cell(row=r, column=10).value = '=HYPERLINK("http://evil.example","原因")'
    buffer = BytesIO()
    workbook.save(buffer)
    plan = import_preview(name="自评表.xlsx", data=buffer.getvalue(), user=wuhan)
    messages = [str(e) for e in plan.errors]
    assert any("公式" in m and "专利质押项目数”的“完成值" in m for m in messages), messages
    assert any("公式" in m and "未完成原因分析" in m for m in messages), messages
    assert not plan.reports


@pytest.mark.parametrize("number", ["1E+1000000", "1e-1000000", "Infinity", "NaN", "1E+999999999999"])
def test_a_huge_budget_cell_is_refused_at_preview_naming_it_never_left_to_fail_at_apply(
    client, wuhan_evaluation, wuhan, number
):
    data = _filled(_export(client, wuhan, wuhan_evaluation), executed=number)
    client.post(reverse("reports:import_upload"), {"file": SimpleUploadedFile("自评表.xlsx", data)})
    job = ImportJob.objects.latest("pk")
    assert job.status == "invalid"
    assert any("预算执行数" in e["message"] and "数值过大" in e["message"] for e in job.plan["errors"]), job.plan
    assert client.post(reverse("reports:import_apply", args=[job.pk])).status_code in (302, 400)
    report = Report.objects.get(pk=wuhan_evaluation.pk)
    assert report.executed is None and report.values.exclude(raw="").count() == 0

"""Applying an import: checked again when confirmed, applied once, never reverting what
someone saved after the file was exported, and an 附表 written into its own 任务书 through
the 任务书's own service."""

import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.packaging.custom import CustomPropertyList, StringProperty

from projects.agreements.services import agreement_create, agreement_save_annex
from projects.models import Agreement, AgreementMetricValue, Project
from reports.exporters import export_workbook, exporter_for, workbook_bytes
from reports.import_services import import_job_apply, import_job_create, import_preview
from reports.models import ImportJob
from targets import workflow
from targets.models import Cell, ReviewStatus, TableRow, TargetTable
from targets.services import row_cells_update
from units.models import AuditEntry, Membership, Role, Unit

from . import import_corpus as corpus
from .test_imports import _state, _template_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return TargetTable.objects.get(title__contains="市州类")


def _wuhan_job(region, wuhan):
    job = import_job_create(name="武汉市.xlsx", data=_template_with(region, wuhan, C5=520), user=wuhan)
    assert job.status == "previewed", job.message
    return job


def _refused(job, *words):
    assert job.status == "failed" and job.message.startswith("导入失败，未写入任何数据："), job.message
    for word in words:
        assert word in job.message, job.message


# --- item 9: the apply checks again, inside its transaction ------------------------------------


def test_a_preview_made_while_the_table_was_open_cannot_be_applied_after_it_closed(
    wuhan, admin_user, region, open_table
):
    job = _wuhan_job(region, wuhan)
    workflow.table_close(table_id=region.pk, actor=admin_user)
    before = _state()
    _refused(import_job_apply(job_id=job.pk), f"“{region.title}”已截止，不能导入单位“武汉市”的数据")
    assert _state() == before


def test_a_units_preview_cannot_be_applied_after_the_deadline(wuhan, region, open_table):
    job = _wuhan_job(region, wuhan)
    TargetTable.objects.filter(pk=region.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    before = _state()
    _refused(import_job_apply(job_id=job.pk), "已过截止时间", "武汉市")
    assert _state() == before


def test_a_preview_cannot_be_applied_by_a_user_who_lost_the_right_meanwhile(wuhan, region, open_table):
    job = _wuhan_job(region, wuhan)
    Membership.objects.filter(user=wuhan).delete()
    before = _state()
    _refused(import_job_apply(job_id=job.pk), "您无权导入单位“武汉市”的数据")
    assert _state() == before


def test_a_preview_cannot_be_applied_once_the_row_was_submitted(wuhan, region, open_table):
    job = _wuhan_job(region, wuhan)
    row = TableRow.objects.get(table=region, unit__name="武汉市")
    workflow.row_submit(row_id=row.pk, actor=wuhan)
    before = _state()
    _refused(import_job_apply(job_id=job.pk), "已提交")
    assert _state() == before


def test_the_bureau_still_imports_on_a_units_behalf_after_the_table_closed(admin_user, region, open_table):
    job = import_job_create(name="a.xlsx", data=_template_with(region, admin_user, C5=521), user=admin_user)
    workflow.table_close(table_id=region.pk, actor=admin_user)
    assert import_job_apply(job_id=job.pk).status == "applied"
    assert Cell.objects.get(row__unit__name="武汉市", column=region.columns.get(order=1)).raw == "521"


# --- item 10: applied once, and the job says what happened ------------------------------------------


def _applied_once(region, job):
    row = TableRow.objects.get(table=region, unit__name="武汉市")
    assert (row.version, Cell.objects.get(row=row, column=region.columns.get(order=1)).raw) == (2, "520")
    assert AuditEntry.objects.filter(object_id=str(row.pk), action="targets.cell.changed").count() == 1
    job.refresh_from_db()
    assert job.status == "applied" and job.message.startswith("已导入"), job.message


def test_confirming_an_import_twice_applies_it_once_and_it_stays_applied(client, wuhan, region, open_table):
    job = _wuhan_job(region, wuhan)
    assert import_job_apply(job_id=job.pk).status == "applied"
    assert import_job_apply(job_id=job.pk).status == "applied"
    client.force_login(wuhan)
    response = client.post(reverse("reports:import_apply", args=[job.pk]), follow=True)
    assert "该导入不能执行（有错误或已处理）" in response.content.decode()
    _applied_once(region, job)


def test_four_parallel_confirms_apply_once_and_every_one_reports_it_applied(seeded_transactional_db, request):
    if connection.vendor != "postgresql":
        pytest.skip("parallel transactions need PostgreSQL (set DATABASE_URL)")
    wuhan, region = request.getfixturevalue("wuhan"), TargetTable.objects.get(title__contains="市州类")
    request.getfixturevalue("open_table")
    job = _wuhan_job(region, wuhan)
    start = threading.Barrier(4)

    def confirm(_):
        try:
            start.wait(timeout=10)
            return import_job_apply(job_id=job.pk).status
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(confirm, range(4)))
    assert statuses == ["applied"] * 4
    _applied_once(region, job)


# --- item 11: an official export does not silently revert a later change --------------------------------


def _official_region(user, region, **cells) -> bytes:
    def change(workbook):
        for ref, value in cells.items():
            workbook.worksheets[0][ref] = value

    return corpus.edit(workbook_bytes(export_workbook([(exporter_for("unit_table"), region)], user)), change)


def test_cells_saved_after_an_official_export_are_conflicts_written_only_when_confirmed(
    client, admin_user, reviewer, region, open_table
):
    # 武汉市 gets a new value; 襄阳市 its 专利质押融资金额 6000 -> 7000, and the file still holds
    # the 襄阳市 value of column 2 that the reviewer changes after the export.
    data = _official_region(admin_user, region, C5=505, F7=7000)
    xiangyang = TableRow.objects.get(table=region, unit__name="襄阳市")
    second = region.columns.get(order=2)
    old = Cell.objects.get(row=xiangyang, column=second).raw
    row_cells_update(row_id=xiangyang.pk, values={second.pk: "81"}, expected_version=xiangyang.version, actor=reviewer)

    client.force_login(admin_user)
    upload = io.BytesIO(data)
    upload.name = "市州类.xlsx"
    job_url = client.post(reverse("reports:import_upload"), {"file": upload}).url
    page = client.get(job_url).content.decode()
    assert "冲突（2）" in page and 'name="conflict"' in page
    job = ImportJob.objects.get(owner=admin_user)
    assert [(c["label"], c["current"], c["incoming"]) for c in job.plan["conflicts"]] == [
        (f"襄阳市 · {second.label}", "81", old),
        ("襄阳市 · 专利质押融资金额（万元）", "6000", "7000"),
    ]
    assert [c["label"] for c in job.plan["changes"]] == ["武汉市 · 收集中小微企业专利技术需求（条）"]

    client.post(job_url + "apply/", {"conflict": ["1"]})  # only the 7000 is the bureau's own edit
    job.refresh_from_db()
    assert job.status == "applied", job.message
    assert Cell.objects.get(row=xiangyang, column=second).raw == "81"  # the reviewer's change is kept
    assert Cell.objects.get(row=xiangyang, column__name="专利质押融资金额").raw == "7000"
    assert Cell.objects.get(row__unit__name="武汉市", column=region.columns.get(order=1)).raw == "505"


def test_an_official_export_stays_one_printed_sheet_and_round_trips_without_conflicts(admin_user, region, open_table):
    data = _official_region(admin_user, region, C5=505)
    workbook = load_workbook(io.BytesIO(data))
    assert len(workbook.sheetnames) == 1 and workbook.worksheets[0].sheet_state == "visible"
    assert any(p.name.startswith("jxgl.export.") for p in workbook.custom_doc_props)
    plan = import_preview(name="市州类.xlsx", data=data, user=admin_user)
    assert plan.ok and not plan.conflicts and [c.after for c in plan.changes] == ["505"]


def test_tampered_export_information_is_refused_with_a_message(admin_user, region, open_table):
    def tamper(workbook):
        workbook.custom_doc_props = CustomPropertyList()
        workbook.custom_doc_props.append(StringProperty(name="jxgl.export.00000", value="not-base64!"))

    data = corpus.edit(_official_region(admin_user, region, C5=505), tamper)
    before = _state()
    plan = import_preview(name="市州类.xlsx", data=data, user=admin_user)
    assert [str(e) for e in plan.errors] == ["工作表“市州类.xlsx”：文件中的导出信息已损坏，请重新导出后再修改、导入"]
    assert _state() == before


# --- item 12: the 附表 goes into its own 任务书, through the 任务书's service --------------------------------


@pytest.fixture
def agreement(hubei, admin_user):
    return agreement_create(
        project=hubei, undertaker=Unit.objects.get(name="湖北省知识产权发展中心"), platform_kind="sub", actor=admin_user
    )


def _annex_file(agreement, user, value) -> tuple[bytes, object]:
    """The 任务书's exported 附表 with its first metric's first year set to `value`."""
    metric = agreement.metrics.filter(group="").order_by("order").first()

    def change(workbook):
        ws = workbook.worksheets[0]
        row = next(r for r in ws.iter_rows() if any(c.value == metric.label for c in r))
        ws.cell(row=row[0].row, column=3, value=value)

    return corpus.edit(
        workbook_bytes(export_workbook([(exporter_for("agreement_annex"), agreement)], user)), change
    ), metric


def test_an_edited_annex_export_goes_into_its_own_agreement_through_the_agreement_service(admin_user, agreement):
    form = Agreement.objects.get(project=agreement.project, undertaker__isnull=True)
    form_values = sorted(AgreementMetricValue.objects.filter(metric__agreement=form).values_list("pk", "value"))
    data, metric = _annex_file(agreement, admin_user, 7)
    job = import_job_create(name="附表.xlsx", data=data, user=admin_user)
    assert job.status == "previewed", job.message
    assert import_job_apply(job_id=job.pk).status == "applied"
    assert AgreementMetricValue.objects.get(metric=metric, year=agreement.years[0]).value == 7
    assert sorted(AgreementMetricValue.objects.filter(metric__agreement=form).values_list("pk", "value")) == form_values
    agreement.refresh_from_db()
    assert (agreement.version, agreement.status) == (2, ReviewStatus.DRAFT)
    assert (
        AuditEntry.objects.filter(action="projects.agreement.annex_changed", object_id=str(agreement.pk)).count() == 1
    )


def test_an_annex_of_an_approved_agreement_is_refused_at_preview_and_at_apply(admin_user, agreement):
    data, _ = _annex_file(agreement, admin_user, 7)
    job = import_job_create(name="附表.xlsx", data=data, user=admin_user)
    assert job.status == "previewed"
    Agreement.objects.filter(pk=agreement.pk).update(status=ReviewStatus.APPROVED)
    before = _state()
    _refused(import_job_apply(job_id=job.pk), "任务书当前为“已通过”，不能修改")
    assert _state() == before
    plan = import_preview(name="附表.xlsx", data=data, user=admin_user)
    assert [e.message for e in plan.errors] == ["任务书当前为“已通过”，不能导入修改"]


def test_an_annex_exported_before_the_agreement_was_saved_again_is_refused(admin_user, agreement):
    data, metric = _annex_file(agreement, admin_user, 7)
    agreement_save_annex(
        agreement_id=agreement.pk, expected_version=1, values={(metric.pk, agreement.years[1]): 3}, actor=admin_user
    )
    plan = import_preview(name="附表.xlsx", data=data, user=admin_user)
    assert [e.message for e in plan.errors] == [
        "任务书在导出后已被他人修改（文件为版本 1，当前为版本 2），请重新导出后再修改导入"
    ]


def _without_provenance(workbook):
    workbook.custom_doc_props = CustomPropertyList()


def test_an_annex_that_does_not_say_its_agreement_goes_into_the_project_s_single_agreement(admin_user, agreement):
    # The project's 任务书格式 is no one's 任务书: the one issued is the single candidate.
    data, metric = _annex_file(agreement, admin_user, 7)
    plan = import_preview(
        name="附表.xlsx", data=corpus.edit(data, _without_provenance), user=admin_user, project=agreement.project
    )
    assert plan.errors == []


def test_an_annex_that_does_not_say_its_agreement_is_refused(admin_user, agreement):
    strip = _without_provenance
    second = Unit.objects.create(name="测试子平台", category="platform")
    agreement_create(project=agreement.project, undertaker=second, platform_kind="sub", actor=admin_user)
    data, _ = _annex_file(agreement, admin_user, 7)
    before = _state()
    for project in (None, agreement.project):  # the project has two 任务书 now: which one is not known
        plan = import_preview(name="附表.xlsx", data=corpus.edit(data, strip), user=admin_user, project=project)
        assert [e.message for e in plan.errors] == [
            "无法确定该附表属于哪一份任务书：请在该任务书页面导出附表（.xlsx），修改后再导入"
        ]
    assert _state() == before


def test_another_units_filler_cannot_import_into_an_agreement(wuhan, admin_user, agreement):
    data, _ = _annex_file(agreement, admin_user, 7)
    plan = import_preview(name="附表.xlsx", data=data, user=wuhan)
    assert [e.message for e in plan.errors] == ["该附表所属的任务书不存在或您无权查看"]


def test_the_undertakers_filler_imports_its_own_annex(admin_user, agreement, django_user_model):
    filler = django_user_model.objects.create_user("t-platform", password="x-pass-2022!")
    Membership.objects.create(user=filler, unit=agreement.undertaker, role=Role.FILLER)
    data, metric = _annex_file(agreement, filler, 9)
    job = import_job_create(name="附表.xlsx", data=data, user=filler)
    assert import_job_apply(job_id=job.pk).status == "applied", job.message
    assert AgreementMetricValue.objects.get(metric=metric, year=agreement.years[0]).value == 9


# --- a table title that is not unique: a copy to a new year, another province ------------------------


def test_an_official_export_of_a_copied_tables_goes_back_into_the_copy_not_last_years_table(admin_user, region):
    """A title without a year stays the same in the new year's copy: the file says which table it is."""
    from projects.copying import project_copy_year

    TargetTable.objects.filter(pk=region.pk).update(title="市州类绩效目标表")
    copy = project_copy_year(project=region.project, year=2023, actor=admin_user)
    new_region = copy.tables.get(title="市州类绩效目标表")
    workflow.table_open(table_id=new_region.pk, actor=admin_user, deadline=None)
    plan = import_preview(name="市州类.xlsx", data=_official_region(admin_user, new_region, C5=505), user=admin_user)
    assert plan.ok, plan.errors
    assert {TableRow.objects.get(pk=u.row_id).table_id for u in plan.rows} == {new_region.pk}


def test_a_table_of_the_same_title_in_another_province_does_not_block_the_import(admin_user, hubei_admin, region):
    """Another province's table of the same title (its project older, so found first) is neither chosen nor named."""
    from projects.copying import project_copy_year
    from tests.conftest import GUANGDONG_BUREAU

    copy = project_copy_year(project=region.project, year=2023, actor=admin_user)
    new_region = copy.tables.get(title__contains="市州类")
    guangdong = Project.objects.filter(competent_department__name=GUANGDONG_BUREAU).order_by("pk").first()
    Project.objects.filter(pk=guangdong.pk).update(order=0)
    Project.objects.filter(pk=copy.pk).update(order=99)  # listed after Guangdong's
    TargetTable.objects.create(
        project=guangdong, title=new_region.title, unit_category="region", start_year=2023, end_year=2023
    )
    workflow.table_open(table_id=new_region.pk, actor=admin_user, deadline=None)
    plan = import_preview(name="市州类.xlsx", data=_official_region(hubei_admin, new_region, C5=505), user=hubei_admin)
    assert plan.ok, [str(e) for e in plan.errors]
    assert {TableRow.objects.get(pk=u.row_id).table_id for u in plan.rows} == {new_region.pk}


def test_an_attachment2_of_a_title_two_projects_share_is_not_written_into_the_wrong_year(admin_user, hubei):
    """Project titles are not unique: a title without a year stays the same in the copy. Without a
    project chosen, the sheet is refused; from the project's own import page it goes to that project."""
    from projects.copying import project_copy_year
    from reports.importers import plan_apply
    from targets.models import Target

    Project.objects.filter(pk=hubei.pk).update(title="湖北省服务业发展（专利转化专项计划）绩效目标表")
    hubei.refresh_from_db()
    copy = project_copy_year(project=hubei, year=2023, actor=admin_user)
    assert copy.title == hubei.title

    def bump(wb):
        for row in wb.worksheets[0].iter_rows():
            if row[3].value == "全省专利质押融资金额" and row[4].value == "35亿元":
                row[4].value = "40亿元"

    data = corpus.edit(workbook_bytes(export_workbook([(exporter_for("attachment2"), copy)], admin_user)), bump)
    plan = import_preview(name="附件2.xlsx", data=data, user=admin_user)
    assert not plan.ok and "有 2 个项目名为" in str(plan.errors[0])
    plan = import_preview(name="附件2.xlsx", data=data, user=admin_user, project=copy)
    assert plan.ok and [(c.before, c.after) for c in plan.changes] == [("35亿元", "40亿元")]
    plan_apply(plan, actor=admin_user)
    assert (
        Target.objects.get(indicator__project=copy, indicator__name="全省专利质押融资金额", period="annual").raw
        == "40亿元"
    )
    assert (
        Target.objects.get(indicator__project=hubei, indicator__name="全省专利质押融资金额", period="annual").raw
        == "35亿元"
    )

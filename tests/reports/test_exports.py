"""Official layouts: every seed value printed back, numbers as numbers, text never a formula,
print setup as filed, and exports cut to what the user may see."""

from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Agreement, Project
from projects.seeds import SEED_DIR, read_seed_files
from reports.bundles import project_items
from reports.exporters import LAYOUTS, export_workbook, exporter_for, workbook_bytes
from targets.models import Cell, TargetTable
from units import policy

pytestmark = pytest.mark.django_db
SEEDS = Path(SEED_DIR).resolve().parent / "originals"  # text dumps of the original documents


def _sheet(exporter_id, obj, user=None):
    user = user or policy.system_user()
    data = workbook_bytes(export_workbook([(exporter_for(exporter_id), obj)], user))
    return load_workbook(BytesIO(data)).active


def _texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value not in (None, "")]


def _seed():
    return read_seed_files()


# --- fidelity: every cell read back equals the seed ------------------------------------------------


@pytest.mark.parametrize("index", range(4))
def test_unit_tables_print_every_seed_cell_back(index):
    seed_table = _seed().projects[0]["tables"][index]
    table = TargetTable.objects.get(title=seed_table["title"])
    ws = _sheet("unit_table", table)
    assert ws.cell(1, 1).value == seed_table["title"]
    depth = 3 if any(c["name"] for c in seed_table["columns"]) else 2
    headers = [ws.cell(1 + depth, 3 + i).value for i in range(len(seed_table["columns"]))]
    if depth == 3:
        assert headers == [
            f"{c['name']}（{c['measure_unit']}）" if c["measure_unit"] else c["name"] for c in seed_table["columns"]
        ]
    first = 2 + depth
    for offset, seed_row in enumerate(seed_table["rows"]):
        r = first + offset
        assert ws.cell(r, 1).value == offset + 1
        assert ws.cell(r, 2).value.split("\n")[0].startswith(seed_row["unit"])
        if seed_row["narrative"]:
            assert ws.cell(r, 3).value == seed_row["narrative"]
            assert any(f"C{r}" in str(m) for m in ws.merged_cells.ranges)
            continue
        for col, value in enumerate(seed_row["cells"], start=3):
            printed = ws.cell(r, col).value
            assert ("" if printed is None else str(printed)) == value.raw, (seed_row["unit"], col)


def test_region_numbers_are_numeric_cells_and_comparators_are_text():
    ws = _sheet("unit_table", TargetTable.objects.get(title__contains="市州类"))
    # title in row 1, the three header rows 2-4, 武汉市 in row 5
    assert ws["F5"].value == 200000 and ws["F5"].data_type == "n"  # 武汉市 专利质押融资金额
    assert ws["E5"].value is None  # 武汉市 成交金额: blank kept blank
    uni = _sheet("unit_table", TargetTable.objects.get(title__contains="高校院所类"))
    assert uni["C5"].value == "≥70" and uni["C5"].data_type == "s"


def test_designation_and_funding_print_in_the_unit_name():
    centres = _sheet("unit_table", TargetTable.objects.get(title__contains="运营中心类"))
    assert centres["B5"].value == "湖北光谷实验室\n（湖北省光电产业知识产权运营中心）"
    platform = _sheet("unit_table", TargetTable.objects.get(title__contains="平台类"))  # two header rows
    assert platform["B4"].value == "湖北省知识产权发展中心（160万）"


def test_attachment2_prints_the_header_block_goal_both_tables_and_the_note():
    project = Project.objects.get(code="hubei-2022-patent-transfer")
    ws = _sheet("attachment2", project)
    texts = _texts(ws)
    for expected in [
        "附件2",
        project.title,
        "单位：万元",
        "专利转化专项计划资金",
        "湖北省知识产权局",
        "李述武",
        "86759053",
        "武昌区公正路19号",
        "430071",
        "年度金额：",
        "其中：中央补助",
        project.long_term_goal,
        "长期绩效目标表",
        "年度绩效目标表",
        "标准值确定依据",
        "指标值确定依据",
        project.note,
        "6000条",
        "3000件",
        "20家",
        "4000件",
        "110亿元",
        "3000条",
        "1000件",
        "13家",
        "1200件",
        "35亿元",
        "年度目标01",
        "年度目标05",
        "高校院所专利转让许可数量",
        "全省专利质押融资金额",
    ]:
        assert expected in texts, expected
    amount = next(c for row in ws.iter_rows() for c in row if c.value == Decimal("5000") or c.value == 5000)
    assert amount.number_format == "#,##0.00"


def _seed_expenditure_rows() -> list[list[str]]:
    lines = (SEEDS / "003_c9f5b303e4e1bc52.txt").read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.count("\t") == 4 and not line.startswith("主管部门")]


def test_expenditure_list_equals_the_original_document_cell_by_cell():
    ws = _sheet("expenditure_list", Project.objects.get(code="gzkfq-ip-reform"))
    assert [c.value for c in ws[2]] == ["主管部门", "预算单位", "项目名称", "绩效目标", "绩效指标"]
    seed_rows = _seed_expenditure_rows()
    assert len(seed_rows) == 7
    for r, seed_row in enumerate(seed_rows, start=3):
        assert [ws.cell(r, c).value for c in range(1, 6)] == seed_row, r


@pytest.mark.parametrize(
    "code", ["gd-transfer-guangzhou", "gd-transfer-shenzhen", "gd-transfer-zhuhai", "gd-transfer-foshan"]
)
def test_transfer_tables_print_the_header_and_every_indicator(code):
    seed = next(p for p in _seed().projects if p["code"] == code)
    ws = _sheet("transfer_secondary", Project.objects.get(code=code))
    texts = _texts(ws)
    assert seed["title"] in texts and seed["name"] in texts and "省级财政专项资金" in texts
    assert f"{seed['funding_requirement'].normalize():f}万元" in texts
    if seed["budget_year"]:
        assert f"{seed['budget_year']}年" in texts
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    start = next(i for i, row in enumerate(rows) if row[1] == "一级指标") + 1
    for row, item in zip(rows[start:], seed["indicators"]):
        assert (row[3] or "") == item["name"]  # a write-in row (the form's “.....”) prints blank
        assert (row[4] or "") == item["annual"].raw


@pytest.mark.parametrize(
    ("exporter_id", "code", "label"),
    [
        ("transfer_secondary", "gd-transfer-guangzhou", "附件3"),
        ("transfer_secondary", "gd-transfer-shenzhen", "附件3"),
        ("transfer_secondary", "gd-transfer-zhuhai", "附件3"),
        ("transfer_secondary", "gd-transfer-foshan", "附件3"),
        ("attachment2", "hubei-2022-patent-transfer", "附件2"),
        ("expenditure_list", "gzkfq-ip-reform", None),
    ],
)
def test_each_layout_carries_the_attachment_label_its_seed_shows_above_the_title(exporter_id, code, label):
    # 000 is 附件2 and 004 附件3 of their notices; 003 has no label. The label stands alone above the title.
    project = Project.objects.get(code=code)
    ws = _sheet(exporter_id, project)
    first = [c.value for c in ws[1] if c.value not in (None, "")]
    if label is None:
        assert not any("附件" in str(v) for v in first), first
        return
    assert first == [label]
    assert ws.cell(2, 1).value == (project.title or project.name)


def test_agreement_annex_has_the_years_the_metrics_and_a_total_that_skips_rates():
    from projects.models import AgreementMetricValue

    agreement = Agreement.objects.get()
    count = agreement.metrics.get(name="专利池入库专利数量")
    rate = agreement.metrics.get(name="专利转化数量增幅")
    AgreementMetricValue.objects.bulk_create(
        [AgreementMetricValue(metric=count, year=y, value=v) for y, v in [(2021, 100), (2022, 150), (2023, 200)]]
        + [AgreementMetricValue(metric=rate, year=2022, value=Decimal("15"))]
    )
    ws = _sheet("agreement_annex", agreement)
    assert [c.value for c in ws[2]][2:] == ["2021", "2022", "2023", "合计"]
    rows = {
        row[1].value or row[0].value: [c.value for c in row[2:]]
        for row in ws.iter_rows(min_row=3)
        if row[1].value or row[0].value
    }
    assert rows["专利池入库专利数量（件）"] == [100, 150, 200, 450]
    assert rows["专利转化数量增幅（%）"] == [None, 15, None, None]
    assert "质押融资金额（亿元）" in rows and "专利质押融资情况" in _texts(ws)


# --- print setup and the formula guard --------------------------------------------------------------


def test_every_layout_is_set_up_for_a4_fit_to_width_with_page_numbers_and_official_fonts():
    for project in Project.objects.all():
        for exporter, obj in project_items(project, policy.system_user()):
            ws = _sheet(exporter.identifier, obj)
            assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
            # One page wide: XlsxWriter leaves out fitToWidth="1", the attribute's default in
            # ECMA-376 (18.3.1.64), so openpyxl reads None; fitToHeight 0 = as many pages as needed.
            assert (ws.page_setup.fitToWidth or 1) == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
            assert int(ws.page_setup.fitToHeight) == 0
            assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
            fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value not in (None, "")}
            assert fonts <= {"黑体", "仿宋_GB2312"}
    region = _sheet("unit_table", TargetTable.objects.get(title__contains="市州类"))
    assert region.page_setup.orientation == "landscape" and region.print_title_rows.replace("$", "") == "1:4"


@pytest.mark.parametrize("raw", ['=HYPERLINK("http://x")', "+86 27 1234", "-仅供参考", "@SUM(A1)", "\t=1+1", "\r=1"])
def test_text_that_looks_like_a_formula_is_written_as_text(raw):
    table = TargetTable.objects.get(title__contains="高校院所类")
    column = table.columns.get(name="是否开展专利分级分类管理")
    Cell.objects.filter(column=column, row__unit__name="武汉轻工大学").update(raw=raw, text=raw)
    data = workbook_bytes(export_workbook([(exporter_for("unit_table"), table)], policy.system_user()))
    ws = load_workbook(BytesIO(data)).active
    cell = ws.cell(5, 2 + column.order)
    # (XML keeps no bare carriage return: it reads back as a line feed, still text)
    assert cell.value in (raw, raw.replace("\r", "\n")) and cell.data_type == "s"
    assert b"<f>" not in data  # no formula anywhere in the file


def test_the_guard_does_not_turn_numbers_into_text():
    ws = _sheet("unit_table", TargetTable.objects.get(title__contains="市州类"))
    numbers = [c for row in ws.iter_rows(min_row=5) for c in row[2:7] if c.value is not None]
    assert numbers and all(c.data_type == "n" for c in numbers)


# --- who may export what ----------------------------------------------------------------------------


def test_a_filler_exports_only_their_own_row(client, wuhan, open_table):
    client.force_login(wuhan)
    table = TargetTable.objects.get(title__contains="市州类")
    response = client.get(reverse("reports:export_table", args=[table.pk]))
    ws = load_workbook(BytesIO(response.content)).active
    units = [ws.cell(r, 2).value for r in range(5, ws.max_row + 1) if ws.cell(r, 2).value]
    assert units == ["武汉市"]


def test_a_fillers_bundle_leaves_out_tables_without_their_rows(wuhan, hubei, open_table):
    items = project_items(hubei, wuhan)
    assert [e.identifier for e, _ in items].count("unit_table") == 1


def test_the_bundle_job_builds_every_sheet_with_progress_and_can_run_again(
    client, admin_user, hubei, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:export_bundle", args=[hubei.pk]))
    job_url = response.url
    status = client.get(job_url, {"format": "json"}).json()
    # 附件2 and the 4 unit tables; the 任务书格式 is no one's 任务书, its blank 附表 is not filed.
    assert status == {
        "status": "done",
        "status_label": "已完成",
        "percent": 100,
        "done": 5,
        "total": 5,
        "error": "",
        "page": job_url,
        "download": job_url + "download/",
        "download_name": f"{hubei.name}-2022年-全部附件.xlsx",
    }
    download = client.get(job_url + "download/")
    workbook = load_workbook(BytesIO(b"".join(download.streaming_content)))
    assert len(workbook.sheetnames) == 5 and workbook.sheetnames[0] == "附件2 项目绩效目标表"

    from reports.models import ExportJob
    from reports.services import export_job_run

    assert [p.name for p in (tmp_path / "exports").iterdir()] == [
        f"{hubei.code}-全部附件-{ExportJob.objects.get().pk}.xlsx"
    ]

    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(status="running")  # as if a worker died after writing
    assert export_job_run(job_id=job.pk).status == "done"


def test_a_worker_killed_mid_write_leaves_no_file_and_the_job_runs_again(
    admin_user, hubei, settings, tmp_path, monkeypatch
):
    from reports.exporters.xlsx import Book as Workbook  # the writer of every export
    from reports.models import ExportJob
    from reports.services import export_job_run

    settings.MEDIA_ROOT = str(tmp_path)
    job = ExportJob.objects.create(project=hubei, owner=admin_user)
    original = Workbook.save

    def dying_save(self, filename):
        Path(filename).write_bytes(b"half a file")
        raise OSError("worker lost")

    monkeypatch.setattr(Workbook, "save", dying_save)
    with pytest.raises(OSError):
        export_job_run(job_id=job.pk)
    assert not (tmp_path / "exports").exists()  # nothing reached the store, not even a part
    monkeypatch.setattr(Workbook, "save", original)
    assert export_job_run(job_id=job.pk).status == "done"


def test_export_attachment_command_writes_every_layout_of_every_project(tmp_path):
    call_command("export_attachment", "--all", "--out", str(tmp_path / "all"))
    names = sorted(p.name for p in (tmp_path / "all").iterdir())
    assert len(names) == 10  # 附件2, 4 unit tables; the 广州 list once; 4 广东 projects (no 任务书 issued)
    assert sum("expenditure_list" in n for n in names) == 1
    call_command(
        "export_attachment", "hubei-2022-patent-transfer", "--layout", "unit_table", "--out", str(tmp_path / "t.xlsx")
    )
    assert len(load_workbook(tmp_path / "t.xlsx").sheetnames) == 4


def test_the_registry_names_every_layout():
    assert set(LAYOUTS) == {
        "attachment2",
        "unit_table",
        "agreement_annex",
        "agreement_budget",
        "expenditure_list",
        "transfer_secondary",
        "rollup",
        "handdown_review",
        "self_evaluation",
        "monitoring_table",
        "round_summary",
        "unsubmitted",
    }
    with pytest.raises(LookupError, match="没有名为“nope”的版式"):
        exporter_for("nope")


def test_an_export_job_no_worker_started_in_time_fails_with_a_retry_that_queues_it_again(
    client, admin_user, hubei, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from reports.models import ExportJob

    settings.EXPORT_JOB_START_SECONDS = 60
    job = ExportJob.objects.create(project=hubei, owner=admin_user, queued_at=timezone.now() - timedelta(minutes=5))
    client.force_login(admin_user)
    answer = client.get(f"/exports/jobs/{job.pk}/", {"format": "json"}).json()
    assert answer["status"] == "failed" and "仍未开始" in answer["error"]
    assert 'id="job-retry" method="post"' in client.get(f"/exports/jobs/{job.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/exports/jobs/{job.pk}/retry/").status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.error == ""  # eager here: queued again means built


def test_posting_the_bundle_again_while_it_is_queued_shows_the_same_job(client, wuhan, hubei, open_table):
    """The button (or the API) in a loop must not queue a build each time."""
    from reports.models import ExportJob
    from tests.api.conftest import token_client

    client.force_login(wuhan)
    first = client.post(reverse("reports:export_bundle", args=[hubei.pk])).url
    assert client.post(reverse("reports:export_bundle", args=[hubei.pk])).url == first
    api = token_client(wuhan)
    assert {api.post(f"/api/v1/projects/{hubei.pk}/exports/").json()["id"] for _ in range(3)} == {
        ExportJob.objects.get().pk
    }
    ExportJob.objects.update(status="done")
    assert client.post(reverse("reports:export_bundle", args=[hubei.pk])).url != first  # a finished one is built anew
    assert ExportJob.objects.count() == 2

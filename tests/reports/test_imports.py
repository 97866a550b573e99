"""Imports: the unit template round trip, the bureau's official layouts, Word tables, and a
corpus of bad files, each refused with its exact message and the database unchanged."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import AgreementMetricValue, Project
from reports.bundles import project_items
from reports.exporters import export_workbook, exporter_for, workbook_bytes
from reports.import_services import import_job_apply, import_job_create, import_preview
from reports.importers import META_SHEET, plan_apply
from targets.models import Cell, TableRow, Target, TargetTable
from units import policy
from units.models import AuditEntry, Unit

from . import import_corpus as corpus

pytestmark = pytest.mark.django_db


def _state():
    """Everything an import may touch, to prove a refused one touched nothing."""
    return (
        sorted(Cell.objects.values_list("pk", "raw")),
        sorted(TableRow.all_objects.values_list("pk", "version", "status", "narrative")),
        sorted(Target.objects.values_list("pk", "raw")),
        sorted(AgreementMetricValue.objects.values_list("pk", "value")),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def region():
    return TargetTable.objects.get(title__contains="市州类")


def _template_with(region, user, **cells) -> bytes:
    """The user's template with some cells filled in (keys like C5)."""

    def change(workbook):
        for ref, value in cells.items():
            workbook.worksheets[0][ref] = value

    return corpus.edit(corpus.template(region, user), change)


# --- the unit's template round trip --------------------------------------------------------------


def test_a_unit_fills_its_template_offline_and_the_values_land_as_if_typed(client, wuhan, region, open_table):
    client.force_login(wuhan)
    response = client.get(reverse("reports:table_template", args=[region.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook[META_SHEET].sheet_state == "hidden"
    meta = json.loads(workbook[META_SHEET]["A1"].value)
    row = TableRow.objects.get(table=region, unit__name="武汉市")
    assert meta == {"table": region.pk, "rows": {str(row.pk): 1}}
    sheet = workbook.worksheets[0]
    assert [sheet.cell(r, 2).value for r in range(5, 8)] == ["武汉市", None, None]  # only their own row
    sheet["C5"] = 520
    sheet["E5"] = "３５０"  # full-width digits
    out = io.BytesIO()
    workbook.save(out)

    upload = io.BytesIO(out.getvalue())
    upload.name = "武汉市.xlsx"
    response = client.post(reverse("reports:import_upload"), {"file": upload})
    job_url = response.url
    page = client.get(job_url).content.decode()
    assert "新建 0，修改 2，不变 5" in page and "“３５０”已按“350”读取" in page
    assert Cell.objects.get(row=row, column__order=1).raw == "500"  # nothing written before confirming
    client.post(job_url + "apply/")
    row.refresh_from_db()
    assert (row.version, row.status) == (2, "draft")
    assert list(
        Cell.objects.filter(row=row, column__order__in=[1, 3]).order_by("column__order").values_list("raw", flat=True)
    ) == ["520", "350"]
    audit = AuditEntry.objects.filter(object_id=str(row.pk), action="targets.cell.changed").order_by("id")
    assert [(a.actor, a.after["raw"]) for a in audit] == [(wuhan, "520"), (wuhan, "350")]


def test_re_importing_the_same_file_changes_nothing(wuhan, region, open_table):
    data = _template_with(region, wuhan, C5=520)
    first = import_job_create(name="a.xlsx", data=data, user=wuhan)
    import_job_apply(job_id=first.pk)
    before = _state()
    again = import_job_create(name="a.xlsx", data=data, user=wuhan)  # the very same bytes
    assert again.status == "previewed" and again.plan["changes"] == [] and again.plan["unchanged"] == 7
    import_job_apply(job_id=again.pk)
    assert _state() == before


def test_a_unit_uploading_another_units_template_is_refused(outsider, wuhan, region, open_table):
    data = _template_with(region, wuhan, C5=999)
    before = _state()
    plan = import_preview(name="wuhan.xlsx", data=data, user=outsider)
    assert [str(e) for e in plan.errors] == ["工作表“市州类”第5行第2列：您无权导入单位“武汉市”的数据"]
    assert _state() == before


# --- the bad-input corpus ------------------------------------------------------------------------


def _errors(name, data, user, project=None):
    plan = import_preview(name=name, data=data, user=user, project=project)
    return [str(e) for e in plan.errors]


CORPUS = [
    (
        "not-an-xlsx",
        lambda r, u: ("名单.xlsx", corpus.not_xlsx()),
        ["工作表“名单.xlsx”：不是 Excel 文件，请上传 Excel（.xlsx）或 Word（.docx）文件"],
    ),
    (
        "password",
        lambda r, u: ("加密.xlsx", corpus.password_protected()),
        [
            "工作表“加密.xlsx”：文件已加密（设置了打开密码）或为旧版 .xls/.doc 格式，请取消密码并另存为 .xlsx/.docx 后再上传"
        ],
    ),
    (
        "corrupt",
        lambda r, u: ("坏.xlsx", corpus.corrupt(corpus.template(r, u))),
        ["工作表“坏.xlsx”：不是 Excel 文件，请上传 Excel（.xlsx）或 Word（.docx）文件"],
    ),
    (
        "zip-bomb",
        lambda r, u: ("炸弹.xlsx", corpus.zip_bomb()),
        ["工作表“炸弹.xlsx”：文件解压后异常巨大（疑似压缩炸弹），已拒绝"],
    ),
    (
        "entities",
        lambda r, u: ("实体.xlsx", corpus.entity_attack(corpus.template(r, u))),
        ["工作表“实体.xlsx”：文件含有不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝"],
    ),
    (
        "wrong-header",
        lambda r, u: ("表头.xlsx", _template_with(r, u, C4="收集需求")),
        ["工作表“市州类”第4行第3列：表头应为“收集中小微企业专利技术需求（条）”，实际为“收集需求”"],
    ),
    (
        "unit-not-in-table",
        lambda r, u: ("单位.xlsx", _template_with(r, u, B5="神农架林区")),
        ["工作表“市州类”第5行第2列：单位“神农架林区”不在该目标表中"],
    ),
    (
        "text-in-numeric",
        lambda r, u: ("文字.xlsx", _template_with(r, u, C5="很多")),
        ["工作表“市州类”第5行第3列：“收集中小微企业专利技术需求（条）”应填写数字，“很多”不是数字"],
    ),
    (
        "formula",
        lambda r, u: ("公式.xlsx", _template_with(r, u, C5="=SUM(D5:E5)")),
        ["工作表“市州类”第5行第3列：“收集中小微企业专利技术需求（条）”是公式（=SUM(D5:E5)），请填写数值而不是公式"],
    ),
    (
        "stale-version",
        lambda r, u: ("旧.xlsx", _stale_template(r, u)),
        [
            "工作表“市州类”第5行第2列：单位“武汉市”的数据在模板下载后已被他人修改（模板为版本 1，当前为版本 2），请重新下载模板后再填写"
        ],
    ),
    (
        "old-format",
        lambda r, u: ("旧版.xls", b"whatever"),
        ["工作表“旧版.xls”：请将文件另存为 .xlsx（Excel）或 .docx（Word）格式后再上传"],
    ),
]


def _stale_template(region, user):
    data = _template_with(region, user, C5=530)
    row = TableRow.objects.get(table=region, unit__name="武汉市")
    from targets.services import row_cells_update

    row_cells_update(row_id=row.pk, values={region.columns.get(order=2).pk: "610"}, expected_version=1)
    return data


@pytest.mark.parametrize(("case", "build", "expected"), CORPUS, ids=[c[0] for c in CORPUS])
def test_a_bad_file_gets_its_exact_error_and_changes_nothing(
    case, build, expected, wuhan, region, open_table, settings
):
    settings.IMPORT_MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
    name, data = build(region, wuhan)
    before = _state()
    assert _errors(name, data, wuhan) == expected
    job = import_job_create(name=name, data=data, user=wuhan)
    assert job.status == "invalid"
    assert import_job_apply(job_id=job.pk).status == "invalid"
    assert _state() == before


def test_an_oversized_upload_is_refused_before_reading(client, wuhan, settings):
    settings.IMPORT_MAX_BYTES = 1024
    client.force_login(wuhan)
    upload = io.BytesIO(b"x" * 4096)
    upload.name = "大.xlsx"
    response = client.post(reverse("reports:import_upload"), {"file": upload})
    assert response.status_code == 200 and "文件过大" in response.content.decode()


def test_numbers_stored_as_text_and_greater_equal_written_as_ascii_are_read_with_a_note(admin_user, open_table):
    universities = TargetTable.objects.get(title__contains="高校院所类")
    data = corpus.edit(
        corpus.template(universities, admin_user),
        lambda wb: (wb.worksheets[0].__setitem__("C5", ">=75"), wb.worksheets[0].__setitem__("E5", "46")),
    )
    plan = import_preview(name="u.xlsx", data=data, user=admin_user)
    assert plan.ok
    assert [(c.before, c.after) for c in plan.changes] == [("≥70", "≥75"), ("≥45", "46")]
    notes = [str(w) for w in plan.warnings]
    assert "工作表“高校院所类”第5行第3列：“>=75”已按“≥75”读取（全角数字或 >= 写法）" in notes
    assert "工作表“高校院所类”第5行第5列：以文本形式存储的数字“46”已按数值读取" in notes


def test_librecalcs_padding_to_the_last_row_is_not_read(wuhan, region, open_table):
    data = corpus.padded_rows(_template_with(region, wuhan, C5=521))
    plan = import_preview(name="padded.xlsx", data=data, user=wuhan)
    assert plan.ok and [c.after for c in plan.changes] == ["521"]


def test_an_import_is_all_or_nothing_when_a_row_moved_on_after_the_preview(admin_user, region, open_table):
    data = corpus.edit(
        corpus.template(region, admin_user),
        lambda wb: (wb.worksheets[0].__setitem__("C5", 501), wb.worksheets[0].__setitem__("C6", 301)),
    )
    job = import_job_create(name="all.xlsx", data=data, user=admin_user)
    assert job.status == "previewed"
    yichang = TableRow.objects.get(table=region, unit__name="宜昌市")
    from targets.services import row_cells_update

    row_cells_update(row_id=yichang.pk, values={region.columns.get(order=2).pk: "81"}, expected_version=1)
    before = _state()
    job = import_job_apply(job_id=job.pk)
    assert job.status == "failed" and "未写入任何数据" in job.message and "已被他人修改" in job.message
    assert _state() == before  # 武汉市 was not written either


# --- the bureau's official layouts, and the round trip -----------------------------------------------


def _every_layout():
    user = policy.system_user()
    seen = set()
    for project in Project.objects.order_by("order"):
        for exporter, obj in project_items(project, user):
            if exporter.dedupe_key(obj) not in seen:
                seen.add(exporter.dedupe_key(obj))
                yield exporter, obj


def _values(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    return [[[c.value for c in row] for row in ws.iter_rows()] for ws in workbook.worksheets]


def test_every_seed_table_round_trips_export_import_export_identically(open_table):
    user = policy.system_user()
    for exporter, obj in _every_layout():
        first = workbook_bytes(export_workbook([(exporter, obj)], user))
        plan = import_preview(name=f"{exporter.identifier}.xlsx", data=first, user=user)
        assert plan.ok, (exporter.identifier, [str(e) for e in plan.errors])
        assert not plan.changes, (exporter.identifier, plan.changes[:3])
        plan_apply(plan, actor=None)
        again = workbook_bytes(export_workbook([(exporter, obj)], user))
        assert _values(again) == _values(first), exporter.identifier


def test_the_bureau_imports_a_changed_official_table_and_tree(admin_user, region, hubei, open_table):
    table = corpus.edit(
        workbook_bytes(export_workbook([(exporter_for("unit_table"), region)], admin_user)),
        lambda wb: wb.worksheets[0].__setitem__("F7", 7000),
    )  # 襄阳市 专利质押融资金额
    plan = import_preview(name="region.xlsx", data=table, user=admin_user)
    assert [(c.label, c.before, c.after) for c in plan.changes] == [
        ("襄阳市 · 专利质押融资金额（万元）", "6000", "7000")
    ]
    plan_apply(plan, actor=admin_user)
    assert Cell.objects.get(row__unit__name="襄阳市", column__name="专利质押融资金额").raw == "7000"

    def bump(wb):
        ws = wb.worksheets[0]
        for row in ws.iter_rows():
            if row[3].value == "全省专利质押融资金额" and row[4].value == "35亿元":
                row[4].value = "40亿元"

    tree = corpus.edit(workbook_bytes(export_workbook([(exporter_for("attachment2"), hubei)], admin_user)), bump)
    plan = import_preview(name="附件2.xlsx", data=tree, user=admin_user)
    assert [(c.before, c.after) for c in plan.changes] == [("35亿元", "40亿元")]
    plan_apply(plan, actor=admin_user)
    assert Target.objects.get(indicator__name="全省专利质押融资金额", period="annual").raw == "40亿元"


def test_a_filler_cannot_import_the_bureaus_indicator_tree(wuhan, hubei, open_table):
    data = workbook_bytes(export_workbook([(exporter_for("attachment2"), hubei)], wuhan))
    assert _errors("附件2.xlsx", data, wuhan) == [
        f"工作表“附件2 项目绩效目标表”第1行第1列：您无权修改项目“{hubei.name}”的指标"
    ]


# --- Word ------------------------------------------------------------------------------------------


def _docx(rows: list[list[str]]) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("附件2")
    table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_attachment2_tables_import_from_a_word_document(admin_user, hubei):
    header = ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "标准值确定依据"]
    tree = [
        ["", "产出指标", "数量指标", "收集中小微企业专利技术需求", "6500条", ""],
        ["", "产出指标", "数量指标", "企业接受高校院所专利转让许可数量", "3000件", ""],
        ["", "产出指标", "数量指标", "建立专利分级分类管理工作机制的高校院所数量", "20家", ""],
        ["", "产出指标", "数量指标", "高校院所专利转让许可数量", "4000件", ""],
        ["", "效益指标", "经济效益指标", "全省专利质押融资金额", "110亿元", ""],
    ]
    annual = [
        [f"年度目标0{i + 1}"] + row[1:4] + [value, ""]
        for i, (row, value) in enumerate(zip(tree, ["3000条", "1000件", "13家", "1200件", "36亿元"]))
    ]
    data = _docx(
        [["长期绩效目标表"] + [""] * 5, header]
        + tree
        + [["年度绩效目标表"] + [""] * 5, ["目标名称"] + header[1:5] + ["指标值确定依据"]]
        + annual
    )
    plan = import_preview(name="附件2.docx", data=data, user=admin_user, project=hubei)
    assert plan.ok, [str(e) for e in plan.errors]
    assert [(c.label, c.before, c.after) for c in plan.changes] == [
        ("收集中小微企业专利技术需求（长期绩效目标）", "6000条", "6500条"),
        ("全省专利质押融资金额（年度绩效目标）", "35亿元", "36亿元"),
    ]


def test_the_agreement_annex_imports_from_a_word_document(admin_user, hubei):
    # Into the project's single 任务书 (the 任务书格式 is the bureau's template and takes no values).
    from projects.agreements.services import agreement_create

    undertaker = Unit.objects.get(name="湖北省知识产权发展中心")
    agreement = agreement_create(project=hubei, undertaker=undertaker, platform_kind="sub", actor=admin_user)
    rows = [
        ["年     度", "2021", "2022", "2023", "合计"],
        ["专利入库的高校数量（家）", "5", "8", "10", "23"],
        ["专利质押融资情况", "", "", "", ""],
        ["质押融资金额（亿元）", "0.5", "1", "1.5", "3"],
    ]
    plan = import_preview(name="任务书附表.docx", data=_docx(rows), user=admin_user, project=hubei)
    assert plan.ok, [str(e) for e in plan.errors]
    plan_apply(plan, actor=admin_user)
    values = dict(
        AgreementMetricValue.objects.filter(metric__agreement=agreement, metric__name="质押融资金额").values_list(
            "year", "value"
        )
    )
    assert {y: float(v) for y, v in values.items()} == {2021: 0.5, 2022: 1.0, 2023: 1.5}


# --- the command line ------------------------------------------------------------------------------


def test_import_attachment_previews_applies_and_refuses_with_a_non_zero_exit(
    tmp_path, wuhan, region, open_table, capsys
):
    good = tmp_path / "good.xlsx"
    good.write_bytes(
        corpus.edit(corpus.template(region, policy.system_user()), lambda wb: wb.worksheets[0].__setitem__("C5", 555))
    )
    call_command("import_attachment", str(good), "--dry-run")
    assert "修改 武汉市 · 收集中小微企业专利技术需求（条）：500 → 555" in capsys.readouterr().out
    assert Cell.objects.get(row__unit__name="武汉市", column=region.columns.get(order=1)).raw == "500"
    call_command("import_attachment", str(good))
    assert Cell.objects.get(row__unit__name="武汉市", column=region.columns.get(order=1)).raw == "555"

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        corpus.edit(
            corpus.template(region, policy.system_user()), lambda wb: wb.worksheets[0].__setitem__("C6", "很多")
        )
    )
    before = _state()
    with pytest.raises(CommandError, match="文件有错误，未导入任何数据"):
        call_command("import_attachment", str(bad))
    assert _state() == before


def test_a_large_import_runs_in_a_worker_after_confirmation(
    client, admin_user, region, open_table, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_WORKER_CHANGES = 0
    data = corpus.edit(corpus.template(region, admin_user), lambda wb: wb.worksheets[0].__setitem__("C5", 502))
    job = import_job_create(name="big.xlsx", data=data, user=admin_user)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("reports:import_apply", args=[job.pk]), follow=True)
    assert len(callbacks) == 1 and "已在后台执行" in response.content.decode()
    job.refresh_from_db()
    assert job.status == "applied"
    assert Cell.objects.get(row__unit__name="武汉市", column=region.columns.get(order=1)).raw == "502"

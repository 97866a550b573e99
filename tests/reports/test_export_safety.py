"""Exports that hold only what the user may view, build for every state of every object,
name their sheets as Excel accepts, and never fail on stored text (issue 11: items 1, 3, 4, 27)."""

import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from projects.models import Agreement, AgreementExpense, Project
from reports.bundles import project_items
from reports.exporters import LAYOUTS, export_workbook, exporter_for, workbook_bytes
from reports.exporters.base import sheet_name, xml_safe
from targets.models import Cell, ReviewStatus, TargetTable
from units import policy

pytestmark = pytest.mark.django_db

BRACKET_PAIRS = ["（）", "()", "【】", "〔〕", "《》", "「」", "『』", "{}", "｛｝"]


def _bundle(client, user, project, settings, tmp_path, capture):
    """Ask for 全部附件 as `user` (the task runs eagerly on commit); the job's JSON and workbook."""
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(user)
    with capture(execute=True):
        response = client.post(reverse("reports:export_bundle", args=[project.pk]))
    assert response.status_code == 302
    status = client.get(response.url, {"format": "json"}).json()
    download = client.get(response.url + "download/")
    workbook = load_workbook(BytesIO(b"".join(download.streaming_content))) if download.status_code == 200 else None
    return status, workbook


def _all_texts(workbook) -> str:
    return "\n".join(
        str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    )


# --- item 1: a bundle holds only what its requester may view -------------------------------------


def test_every_exporter_declares_a_permission_the_policy_knows():
    for exporter in LAYOUTS.values():
        assert exporter.permission in policy.EXPORT_PERMISSIONS, exporter.identifier


def test_a_fillers_bundle_leaves_out_the_platforms_agreement_and_its_budget(
    client, wuhan, hubei, open_table, platform_agreement, settings, tmp_path, django_capture_on_commit_callbacks
):
    assert not any(isinstance(obj, Agreement) for _, obj in project_items(hubei, wuhan))
    status, workbook = _bundle(client, wuhan, hubei, settings, tmp_path, django_capture_on_commit_callbacks)
    assert status["status"] == "done"
    assert not [name for name in workbook.sheetnames if name.startswith(("附表", "经费"))]
    texts = _all_texts(workbook)
    assert "专利运营服务" not in texts and "湖北省知识产权发展中心" not in texts


def test_the_bundle_job_rechecks_each_object_for_its_owner(wuhan, hubei, platform_agreement):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        export_workbook([(exporter_for("agreement_budget"), platform_agreement)], wuhan)


def test_the_home_page_offers_a_filler_no_annex_of_an_agreement_they_cannot_open(client, wuhan, platform_agreement):
    client.force_login(wuhan)
    page = client.get(reverse("home")).content.decode()
    assert reverse("reports:export_agreement", args=[platform_agreement.pk]) not in page


# --- item 4: the bundle builds with a budgeted 任务书; a failure speaks Chinese ----------------------


def test_the_bundle_builds_in_eager_mode_with_a_budgeted_agreement(
    client, admin_user, hubei, platform_agreement, settings, tmp_path, django_capture_on_commit_callbacks
):
    status, workbook = _bundle(client, admin_user, hubei, settings, tmp_path, django_capture_on_commit_callbacks)
    assert status["status"] == "done" and status["error"] == ""
    # Each 任务书's sheets say whose they are; the 任务书格式 is no one's 任务书 and is not filed.
    assert {"附表·湖北省知识产权发展中心", "经费·湖北省知识产权发展中心"} <= set(workbook.sheetnames)
    assert not [name for name in workbook.sheetnames if name.endswith("·格式")]
    budget = workbook["经费·湖北省知识产权发展中心"]
    rows = {row[1].value: [c.value for c in row[2:]] for row in budget.iter_rows(min_row=4) if row[1].value}
    assert rows["合  计"] == [200, 100]
    assert rows["1.省知识产权局专项经费"] == [160, 80]


@pytest.mark.parametrize("status", [s.value for s in ReviewStatus])
@pytest.mark.parametrize("budget", ["blank", "filled", "zero"])
def test_every_layout_of_the_project_builds_for_every_state_of_its_agreement(hubei, platform_agreement, status, budget):
    from projects.models import AgreementBudgetSource, AgreementMetricValue

    Agreement.objects.filter(pk=platform_agreement.pk).update(status=status)
    if budget != "filled":
        AgreementBudgetSource.objects.filter(agreement=platform_agreement).update(
            amount=None if budget == "blank" else Decimal(0)
        )
        AgreementMetricValue.objects.filter(metric__agreement=platform_agreement).update(
            value=None if budget == "blank" else Decimal(0)
        )
    items = project_items(hubei, policy.system_user())
    assert {e.identifier for e, obj in items if obj == platform_agreement} == {"agreement_annex", "agreement_budget"}
    load_workbook(BytesIO(workbook_bytes(export_workbook(items, policy.system_user()))))


def test_a_failed_export_job_shows_a_chinese_message_and_no_python_error(
    client, admin_user, hubei, settings, tmp_path, django_capture_on_commit_callbacks, caplog
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = str(blocker)  # the disk refuses: a real OSError, on every retry
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:export_bundle", args=[hubei.pk]))
    assert response.status_code == 302
    status = client.get(response.url, {"format": "json"}).json()
    assert status["status"] == "failed" and status["status_label"] == "失败"
    assert status["error"].startswith("导出失败") and re.search("[\u4e00-\u9fff]", status["error"])
    page = client.get(response.url).content.decode()
    for leak in ("Error", "Traceback", "Errno", "object has no attribute", str(blocker)):
        assert leak not in status["error"] and leak not in page, leak
    assert "export job" in caplog.text  # the cause is logged for the operator


# --- item 27: sheet names ------------------------------------------------------------------------------


def _assert_valid_sheet_name(name: str):
    assert 0 < len(name) <= 31, name
    assert not set(name) & set("[]:*?/\\"), name
    assert not name.startswith("'") and not name.endswith("'"), name
    assert xml_safe(name) == name and name.lower() != "history", name
    for pair in BRACKET_PAIRS:
        depth = 0
        for ch in name:
            depth += (ch == pair[0]) - (ch == pair[1])
            assert depth >= 0, name
        assert depth == 0, name


@pytest.mark.parametrize(
    "title, expected",
    [
        ("湖北省专利转化专项计划区域绩效目标表-市州类（2022年度）", "市州类"),
        ("湖北省专利转化专项计划绩效目标表-高校院所类（2022年度）", "高校院所类"),
        ("湖北省专利转化专项计划绩效目标表-运营中心类（2023-2024年度）", "运营中心类"),
        ("湖北省专利转化专项计划绩效目标表-平台类（2022年度）", "平台类"),
    ],
)
def test_every_seed_table_exports_under_its_short_name(title, expected):
    table = TargetTable.objects.get(title=title)
    workbook = load_workbook(
        BytesIO(workbook_bytes(export_workbook([(exporter_for("unit_table"), table)], policy.system_user())))
    )
    assert workbook.sheetnames == [expected]


def test_every_sheet_of_every_projects_bundle_has_a_valid_unique_name():
    for project in Project.objects.all():
        workbook = export_workbook(project_items(project, policy.system_user()), policy.system_user())
        for name in workbook.sheetnames:
            _assert_valid_sheet_name(name)
        assert len({n.lower() for n in workbook.sheetnames}) == len(workbook.sheetnames)


HOSTILE = [
    "[秘密]:表*?/\\（2024年度）",
    "运营中心类（2023-2024年度",
    "2024年度）",
    "（（（",
    "））",
    "a)b(c",
    "超长" * 20 + "（2022年度）",
    "'引号'",
    "History",
    "",
    "   ",
    "控\x00制\x0b字\x1b符",
    "【左（右】）",
    "表" * 30 + "（年度）",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_name_still_gives_a_valid_sheet_name(text):
    _assert_valid_sheet_name(sheet_name(text, set()))


def test_names_that_collide_are_made_unique_within_the_workbook():
    used: set[str] = set()
    names = [sheet_name(text, used) for text in ["市州类", "市州类", "市州类", "Sheet", "sheet", "长" * 40, "长" * 40]]
    assert len({n.lower() for n in names}) == len(names)
    for name in names:
        _assert_valid_sheet_name(name)


def test_two_tables_with_the_same_short_name_export_into_one_workbook(hubei):
    tables = list(TargetTable.objects.filter(project=hubei).order_by("order")[:2])
    TargetTable.objects.filter(pk=tables[0].pk).update(title="甲-同名表[1]（2022年度）")
    TargetTable.objects.filter(pk=tables[1].pk).update(title="乙-同名表[1]（2023年度）")
    items = [(exporter_for("unit_table"), TargetTable.objects.get(pk=t.pk)) for t in tables]
    workbook = load_workbook(BytesIO(workbook_bytes(export_workbook(items, policy.system_user()))))
    assert workbook.sheetnames == ["同名表1", "同名表1(2)"]


# --- item 3: stored control characters export -----------------------------------------------------


def _controls() -> list[str]:
    # PostgreSQL cannot store NUL in text at all; everywhere else it may already be in the data.
    return ["\x0b", "\x1b", "\x08", "\x0c"] + (["\x00"] if connection.vendor != "postgresql" else [])


def test_xml_safe_drops_only_what_xml_cannot_hold():
    assert xml_safe("a\x00b\x0bc\x1bd\tе\nf\r") == "abcd\tе\nf\r"
    assert xml_safe(5) == 5 and xml_safe(None) is None


def test_stored_control_characters_export_in_table_template_and_bundle(
    client, admin_user, hubei, platform_agreement, settings, tmp_path, django_capture_on_commit_callbacks
):
    table = TargetTable.objects.get(title__contains="高校院所类")
    column = table.columns.get(name="是否开展专利分级分类管理")
    cells = Cell.objects.filter(column=column, row__unit__name="武汉轻工大学")
    stored = "a" + "".join(_controls()) + "b"
    cells.update(raw=stored, text=stored)
    Agreement.objects.filter(pk=platform_agreement.pk).update(tasks_text=f"任务{stored}")
    AgreementExpense.objects.filter(agreement=platform_agreement).update(content=f"专利运营{stored}服务")
    client.force_login(admin_user)
    for url in (
        reverse("reports:export_table", args=[table.pk]),
        reverse("reports:table_template", args=[table.pk]),
        reverse("reports:export_agreement", args=[platform_agreement.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        load_workbook(BytesIO(response.content))
    table_sheet = load_workbook(BytesIO(client.get(reverse("reports:export_table", args=[table.pk])).content)).active
    assert table_sheet.cell(5, 2 + column.order).value == "ab"
    word = client.get(reverse("projects:agreement_word", args=[platform_agreement.pk]))
    assert word.status_code == 200
    texts = "\n".join(p.text for p in Document(BytesIO(word.content)).paragraphs)
    assert "任务a" in texts and not any(ch in texts for ch in _controls())
    status, workbook = _bundle(client, admin_user, hubei, settings, tmp_path, django_capture_on_commit_callbacks)
    assert status["status"] == "done"
    assert "专利运营ab服务" in _all_texts(workbook)


def test_a_stored_control_character_in_a_table_title_still_exports(hubei):
    table = TargetTable.objects.get(title__contains="平台类")
    TargetTable.objects.filter(pk=table.pk).update(title="湖北省绩效目标表-平台\x0b类（2022年度）")
    data = workbook_bytes(
        export_workbook([(exporter_for("unit_table"), TargetTable.objects.get(pk=table.pk))], policy.system_user())
    )
    ws = load_workbook(BytesIO(data)).active
    assert ws.title == "平台类" and ws["A1"].value == "湖北省绩效目标表-平台类（2022年度）"

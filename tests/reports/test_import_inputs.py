"""Imports refuse in the preview what the pages refuse (issue 11, items 2 and 3): a number
wider than its column and text with control characters, naming the sheet, row, column and
cell; nothing is written."""

import pytest

from reports.import_services import import_preview
from reports.importers import plan_workbook, read_upload

from .test_imports import _docx, _state, _template_with, region  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

NINETEEN_DIGITS = "1234567890123456789"


def _errors(plan) -> list[str]:
    return [str(e) for e in plan.errors]


def test_a_template_value_too_large_is_an_error_on_its_cell(wuhan, region, open_table):
    before = _state()
    plan = import_preview(name="武汉市.xlsx", data=_template_with(region, wuhan, C5=NINETEEN_DIGITS), user=wuhan)
    assert _errors(plan) == [
        "工作表“市州类”第5行第3列：“收集中小微企业专利技术需求（条）”数值过大（最多 18 位整数、6 位小数）"
    ]
    assert _state() == before


def test_a_file_cell_with_a_control_character_is_an_error_on_its_cell(wuhan, region, open_table):
    # Excel and Word files cannot carry these characters in their XML; a reader that decodes
    # escapes (_x000B_) could, so the check sits on every cell read from any file.
    grids = read_upload("武汉市.xlsx", _template_with(region, wuhan, C5="520"))
    grids[0].rows[4][2].value = "5\u000b20"
    plan = plan_workbook(grids, wuhan)
    assert _errors(plan) == [
        "工作表“市州类”第5行第3列：“收集中小微企业专利技术需求（条）”含有不可见的控制字符（U+000B），请删除后重新填写（常见于从其他软件复制的文字）"
    ]


def test_an_annex_value_too_large_is_an_error_on_its_cell(admin_user, hubei):
    # The project's single 任务书 (the 任务书格式 takes no values).
    from projects.agreements.services import agreement_create
    from units.models import Unit

    undertaker = Unit.objects.get(name="湖北省知识产权发展中心")
    agreement = agreement_create(project=hubei, undertaker=undertaker, platform_kind="sub", actor=admin_user)
    before = _state()
    rows = [
        ["年     度", "2021", "2022", "2023", "合计"],
        ["专利入库的高校数量（家）", "5", "12345678901234567890", "10", ""],
    ]
    plan = import_preview(name="任务书附表.docx", data=_docx(rows), user=admin_user, project=hubei)
    label = agreement.metrics.get(name="专利入库的高校数量").label
    assert _errors(plan) == [f"工作表“表1”第2行第3列：“{label}”2022年数值过大（最多 12 位整数、4 位小数）"]
    assert _state() == before


def test_a_target_too_large_in_an_attachment2_table_is_an_error_on_its_cell(admin_user, hubei):
    header = ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "标准值确定依据"]
    tree = [
        ["", "产出指标", "数量指标", "收集中小微企业专利技术需求", f"{NINETEEN_DIGITS}条", ""],
        ["", "产出指标", "数量指标", "企业接受高校院所专利转让许可数量", "3000件", ""],
        ["", "产出指标", "数量指标", "建立专利分级分类管理工作机制的高校院所数量", "20家", ""],
        ["", "产出指标", "数量指标", "高校院所专利转让许可数量", "4000件", ""],
        ["", "效益指标", "经济效益指标", "全省专利质押融资金额", "110亿元", ""],
    ]
    before = _state()
    plan = import_preview(
        name="附件2.docx", data=_docx([["长期绩效目标表"] + [""] * 5, header] + tree), user=admin_user, project=hubei
    )
    assert _errors(plan) == [
        "工作表“表1”第3行第5列：“收集中小微企业专利技术需求”的长期绩效目标数值过大（最多 18 位整数、6 位小数）"
    ]
    assert _state() == before


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\ufeff", "\ufdd0"])
def test_a_file_cell_with_a_bidi_or_zero_width_character_is_an_error_on_its_cell(wuhan, region, open_table, char):
    grids = read_upload("武汉市.xlsx", _template_with(region, wuhan, C5="520"))
    grids[0].rows[4][2].value = f"5{char}20"
    before = _state()
    plan = plan_workbook(grids, wuhan)
    [error] = _errors(plan)
    assert error.startswith("工作表“市州类”第5行第3列：“收集中小微企业专利技术需求（条）”含有")
    assert f"U+{ord(char):04X}" in error
    assert _state() == before

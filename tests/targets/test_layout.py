"""The grouped header drawn as the official form draws it."""

import pytest

from targets.layout import header_cells
from targets.models import TargetTable
from targets.selectors import table_columns

pytestmark = pytest.mark.django_db


def _cells(title_fragment):
    depth, cells = header_cells(table_columns(TargetTable.objects.get(title__contains=title_fragment)))
    return depth, [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in cells]


def test_region_table_has_three_header_rows_grouped_like_the_form():
    depth, cells = _cells("市州类")
    assert depth == 3
    # 成交金额 (the third column) under 经济效益指标: see the comment in fixtures/seeds/000_hubei_2022.yaml.
    assert cells[:4] == [
        ("序号", 0, 0, 3, 1),
        ("单位名称", 0, 1, 3, 1),
        ("产出指标", 0, 2, 1, 2),
        ("效益指标", 0, 4, 1, 5),
    ]
    assert [c for c in cells if c[1] == 1] == [
        ("数量指标", 1, 2, 1, 2),
        ("经济效益指标", 1, 4, 1, 3),
        ("社会效益指标", 1, 7, 1, 2),
    ]
    third = [c[0] for c in cells if c[1] == 2]
    assert third[0] == "收集中小微企业专利技术需求（条）" and third[3] == "专利质押融资金额（万元）" and len(third) == 7


def test_platform_table_has_two_header_rows():
    depth, cells = _cells("平台类")
    assert depth == 2
    assert cells == [
        ("序号", 0, 0, 2, 1),
        ("单位名称", 0, 1, 2, 1),
        ("效益指标", 0, 2, 1, 1),
        ("社会效益指标", 1, 2, 1, 1),
    ]


def test_university_table_groups_quantity_under_output():
    depth, cells = _cells("高校院所类")
    assert ("产出指标", 0, 2, 1, 3) in cells and ("效益指标", 0, 5, 1, 2) in cells
    assert ("出让专利数量年均增幅", 2, 3, 1, 1) in cells

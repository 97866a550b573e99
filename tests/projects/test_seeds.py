"""The four seed documents as data: loaded whole, idempotent, and checked value by value."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from projects.models import Agreement, AgreementMetric, FundingSource, Project
from projects.seeds import SEED_DIR, SeedError, read_seed_files
from targets.models import Cell, Indicator, IndicatorCategory, TableColumn, TableRow, Target, TargetTable
from units.models import Unit

pytestmark = pytest.mark.django_db

COUNTED = [
    Unit,
    IndicatorCategory,
    Project,
    FundingSource,
    Indicator,
    Target,
    TargetTable,
    TableColumn,
    TableRow,
    Cell,
    Agreement,
    AgreementMetric,
]


def _counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_loading_the_seeds_twice_leaves_the_same_row_counts():
    before = _counts()
    call_command("load_seeds")
    call_command("load_seeds")
    assert _counts() == before
    assert before["Project"] == 12 and before["TableRow"] == 37 and before["Cell"] == 214


def test_a_second_load_keeps_what_users_edited(wuhan_row):
    Cell.objects.filter(row=wuhan_row, column__order=1).update(raw="999", number=Decimal("999"))
    call_command("load_seeds")
    assert Cell.objects.get(row=wuhan_row, column__order=1).raw == "999"


def test_reset_rebuilds_the_seed_projects_from_the_files(wuhan_row):
    Cell.objects.filter(row=wuhan_row, column__order=1).update(raw="999", number=Decimal("999"))
    before = _counts()
    call_command("load_seeds", "--reset")
    assert _counts() == before
    assert Cell.objects.get(row__unit__name="武汉市", column__order=1, row__table__title__contains="市州").raw == "500"


def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> list[Path]:
    paths = []
    for path in sorted(SEED_DIR.glob("*.yaml")):
        target = tmp_path / path.name
        text = path.read_text(encoding="utf-8")
        if path.name == name:
            assert old in text
            text = text.replace(old, new, 1)
        target.write_text(text, encoding="utf-8")
        paths.append(target)
    return paths


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "000_hubei_2022.yaml",
            '[武汉市, "500"',
            '[武汉市, "很多"',
            "000_hubei_2022.yaml: projects[0].tables[0].rows[0] 第1列: “收集中小微企业专利技术需求（条）”应填写数字",
        ),
        (
            "000_hubei_2022.yaml",
            "[宜昌市,",
            "[不存在市,",
            "projects[0].tables[0].rows[1]: “unit”引用的单位“不存在市”未在任何文件的 units 中定义",
        ),
        (
            "000_hubei_2022.yaml",
            "        long_term: 3000件\n",
            "",
            "projects[0].indicators[1]: “企业接受高校院所专利转让许可数量”须同时有长期目标（long_term）和年度目标（annual）",
        ),
        (
            "004_guangdong_transfer.yaml",
            '[成本指标, "指标4："',
            '[成本类, "指标4："',
            "004_guangdong_transfer.yaml: projects[1].indicators[12]: 指标类别“成本类”不在指标目录中",
        ),
        (
            "003_guangzhou_kfq.yaml",
            "category: department}",
            "category: ministry}",
            "003_guangzhou_kfq.yaml: units[0]: “category”的值“ministry”无效",
        ),
        (
            "004_guangdong_transfer.yaml",
            'funding_requirement: "460"',
            'funding_requirement: "四百六十"',
            "projects[0]: “funding_requirement”的值“四百六十”不是数字",
        ),
        (
            "000_hubei_2022.yaml",
            "[湖北理工学院, ≥20,",
            "[武汉市, ≥20,",
            "单位“武汉市”的类别与目标表的单位类别“university”不符",
        ),
        (
            "001_hubei_agreement.yaml",
            "end: 2023-12",
            "end: 2020-12",
            "001_hubei_agreement.yaml: agreements[0]: 项目期限的开始晚于结束",
        ),
        ("000_hubei_2022.yaml", "source: 000", "source: [000", "000_hubei_2022.yaml: 不是有效的 YAML"),
    ],
)
def test_a_malformed_file_names_the_file_and_entry_and_loads_nothing(tmp_path, name, old, new, message):
    paths = _broken_copy(tmp_path, name, old, new)
    # An empty database: had the check passed, the loader would have created everything.
    Agreement.objects.all().delete()
    Project.objects.all().delete()
    before = _counts()
    with pytest.raises(CommandError) as excinfo:
        call_command("load_seeds", *map(str, paths))
    assert message in str(excinfo.value)
    assert "未载入任何数据" in str(excinfo.value)
    assert _counts() == before


def test_read_seed_files_reports_a_duplicate_unit_row(tmp_path):
    paths = _broken_copy(tmp_path, "000_hubei_2022.yaml", "[宜昌市,", "[武汉市,")
    with pytest.raises(SeedError, match="单位“武汉市”在同一目标表中出现两次"):
        read_seed_files(paths)


def _cell(table_fragment: str, unit: str, column: str) -> Cell:
    return Cell.objects.get(row__table__title__contains=table_fragment, row__unit__name=unit, column__name=column)


def _target(project_code: str, indicator: str, period: str = "annual") -> Target:
    return Target.objects.get(indicator__project__code=project_code, indicator__name=indicator, period=period)


HUBEI = "hubei-2022-patent-transfer"


# Thirty-odd values, one by one, across all four documents.
@pytest.mark.parametrize(
    ("check", "expected"),
    [
        # 000: 附件2 header
        (lambda: Project.objects.get(code=HUBEI).name, "专利转化专项计划资金"),
        (lambda: Project.objects.get(code=HUBEI).competent_department.name, "湖北省知识产权局"),
        (lambda: Project.objects.get(code=HUBEI).leader, "李述武"),
        (lambda: Project.objects.get(code=HUBEI).phone, "86759053"),
        (lambda: Project.objects.get(code=HUBEI).address, "武昌区公正路19号"),
        (lambda: Project.objects.get(code=HUBEI).postcode, "430071"),
        (lambda: FundingSource.objects.get(project__code=HUBEI, label="其中：中央补助").amount, Decimal("5000.00")),
        (lambda: FundingSource.objects.get(project__code=HUBEI, label="年度金额：").amount, None),
        (
            lambda: Project.objects.get(code=HUBEI).long_term_goal.startswith(
                "专利技术转移转化服务便利性和可及性显著提高"
            ),
            True,
        ),
        # 000: long-term and annual targets
        (lambda: _target(HUBEI, "收集中小微企业专利技术需求", "long_term").raw, "6000条"),
        (lambda: _target(HUBEI, "全省专利质押融资金额").raw, "35亿元"),
        (
            lambda: (
                _target(HUBEI, "全省专利质押融资金额").number,
                _target(HUBEI, "全省专利质押融资金额").measure_unit,
            ),
            (Decimal("35"), "亿元"),
        ),
        (lambda: _target(HUBEI, "全省专利质押融资金额", "long_term").raw, "110亿元"),
        (lambda: _target(HUBEI, "建立专利分级分类管理工作机制的高校院所数量").raw, "13家"),
        (
            lambda: Indicator.objects.get(project__code=HUBEI, order=1).basis,
            "《湖北省促进专利转化 助力中小企业创新发展专项计划实施方案（2021-2023年）》（鄂知发〔2021〕12号）。",
        ),
        # 000: per-unit tables
        (lambda: _cell("市州类", "武汉市", "专利质押融资金额").number, Decimal("200000")),
        (lambda: _cell("市州类", "武汉市", "专利质押融资金额").measure_unit, "万元"),
        (lambda: _cell("市州类", "武汉市", "专利质押项目数").raw, "176"),
        (lambda: _cell("市州类", "武汉市", "中小微企业接受专利转让的成交金额").raw, ""),
        (lambda: _cell("市州类", "宜昌市", "中小微企业接受专利转让的成交金额").number, Decimal("218")),
        (lambda: _cell("市州类", "潜江市", "专利质押融资金额").raw, "1500"),
        (lambda: _cell("市州类", "恩施州", "政策惠及的中小微企业就业人数增幅").text, "显著增长"),
        (lambda: _cell("高校院所类", "华中师范大学", "出让专利数量年均增幅").kind, "blank"),
        (
            lambda: (
                _cell("高校院所类", "湖北工程学院", "出让专利数量年均增幅").comparator,
                _cell("高校院所类", "湖北工程学院", "出让专利数量年均增幅").number,
            ),
            ("≥", Decimal("30")),
        ),
        (lambda: _cell("高校院所类", "湖北汽车工业学院", "转化到中小微企业的专利数量").raw, "≥8"),
        (lambda: _cell("高校院所类", "中国科学院水生生物研究所", "是否开展专利分级分类管理").raw, "是"),
        (lambda: _cell("运营中心类", "湖北光谷实验室", "开展知识产权运营培训数量").measure_unit, "人次"),
        (
            lambda: Unit.objects.get(name="武汉光谷咖啡创投有限公司").designation,
            "湖北省（武汉）生物医药大健康产业知识产权运营中心",
        ),
        (
            lambda: TableRow.objects.get(unit__name="湖北省地理标志科技创新有限公司").narrative.startswith(
                "初步建成地理标志产品展销矩阵"
            ),
            True,
        ),
        (lambda: TableRow.objects.get(unit__name="湖北省地理标志科技创新有限公司").cells.count(), 0),
        (
            lambda: TableRow.objects.get(unit__name="湖北省知识产权发展中心").unit_label,
            "湖北省知识产权发展中心（160万）",
        ),
        (
            lambda: "线下线上撮合对接活动10场次左右" in Cell.objects.get(row__unit__name="湖北省知识产权发展中心").raw,
            True,
        ),
        (lambda: TargetTable.objects.get(title__contains="运营中心类").years_label, "2023-2024年度"),
        # 001: 任务书
        (lambda: Agreement.objects.get().principal_phone, "027-86759076"),
        (
            lambda: (
                Agreement.objects.get().start_year,
                Agreement.objects.get().start_month,
                Agreement.objects.get().end_year,
                Agreement.objects.get().end_month,
            ),
            (2021, 9, 2023, 12),
        ),
        (lambda: Agreement.objects.get().years, [2021, 2022, 2023]),
        (
            lambda: list(AgreementMetric.objects.order_by("order").values_list("name", flat=True))[-3:],
            ["质押融资金额", "质押融资项目数", "质押融资增幅"],
        ),
        (lambda: AgreementMetric.objects.get(name="质押融资金额").label, "质押融资金额（亿元）"),
        (lambda: AgreementMetric.objects.get(name="专利转化数量增幅").is_summed, False),
        # 003: 广州开发区
        (lambda: Project.objects.filter(source="003_c9f5b303e4e1bc52.txt").count(), 7),
        (
            lambda: _target("gzkfq-ip-special-fund", "政策兑现服务数量、金额").raw,
            "政策兑现受理量≥5000项，拨付金额≥8000万元",
        ),
        (lambda: _target("gzkfq-ip-review-audit", "政策兑现服务按时办结率").number, Decimal("100")),
        (lambda: _target("gzkfq-ip-review-audit", "资产保值增值率").raw, "年末所有者权益/年初所有者权益*100%≥1"),
        (
            lambda: [
                t.raw
                for t in Target.objects.filter(
                    indicator__project__code="gzkfq-ip-management-services",
                    indicator__name="专项对接活动或运营培训数量",
                ).order_by("indicator__order")
            ],
            ["知识产权人才供需对接活动数量≥2场", "2期，每期培训人数≥30人"],
        ),
        (
            lambda: Project.objects.get(code="gzkfq-ip-exchange").overall_goal.endswith(
                "中新知识产权交流合作项目经费50万元"
            ),
            True,
        ),
        # 004: 广东 二级项目
        (lambda: Project.objects.get(code="gd-transfer-guangzhou").funding_requirement, Decimal("460")),
        (lambda: Project.objects.get(code="gd-transfer-guangzhou").budget_year, 2020),
        (lambda: Project.objects.get(code="gd-transfer-shenzhen").budget_year, None),
        (lambda: Project.objects.get(code="gd-transfer-zhuhai").funding_requirement, Decimal("50")),
        (lambda: Project.objects.get(code="gd-transfer-foshan").local_department.name, "佛山市场监管局"),
        (lambda: Project.objects.get(code="gd-transfer-shenzhen").get_level_display(), "二级项目"),
        (
            lambda: (
                _target(
                    "gd-transfer-shenzhen", "组织编写对遭遇海外诉讼的行业(产品)进行专利预警分析和海外诉讼跟踪研究报告"
                ).raw
            ),
            "2份",
        ),
        (lambda: _target("gd-transfer-guangzhou", "发行知识产权证券化产品规模").raw, "≥ 3亿"),
        (lambda: _target("gd-transfer-guangzhou", "精准对接知识产权人才数量").comparator, "≥"),
        (lambda: _target("gd-transfer-foshan", "指标1: 项目申报、评审、公示程序符合相关管理办法要求").raw, "100%"),
        (lambda: _target("gd-transfer-zhuhai", "指标1：项目完成期限符合相关要求").raw, "2021年"),
        # The form's blank lines (“指标4：”, “.....”) are write-in rows: blank names, for the department.
        (
            lambda: list(
                Indicator.objects.filter(project__code="gd-transfer-shenzhen", category__name="成本指标").values_list(
                    "name", "write_in"
                )
            ),
            [("", True), ("", True)],
        ),
        (
            lambda: Indicator.objects.filter(
                project__code="gd-transfer-guangzhou", write_in=True, category__parent__name="产出指标"
            ).count(),
            4,
        ),
        (
            lambda: Indicator.objects.filter(project__code="gd-transfer-guangzhou", name__contains="..").count(),
            0,
        ),
        (
            lambda: (
                Indicator.objects.get(
                    project__code="gd-transfer-guangzhou", name="指标1: 项目申报、评审、公示程序符合相关管理办法要求"
                ).write_in
            ),
            False,
        ),
        (
            lambda: Indicator.objects.filter(
                project__code="gd-transfer-shenzhen", category__name="服务对象满意度指标"
            ).count(),
            2,
        ),
    ],
)
def test_seed_value(check, expected):
    assert check() == expected

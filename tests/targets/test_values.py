"""The target-value parser and formatter (DESIGN §3), driven by a table.

TABLE holds every distinct value string written in the four seed documents (and a
few that people type); `test_table_covers_every_seed_value` fails when a seed value
is added without an expected reading here.
"""

from decimal import Decimal

import pytest

from projects.seeds import read_seed_files
from targets import values as tv

Q, S, T, B = tv.Kind.QUANTITY, tv.Kind.SENTENCE, tv.Kind.QUALITATIVE, tv.Kind.BLANK

# raw: (kind, comparator, number, unit written in the value)
TABLE: dict[str, tuple] = {
    "": (B, "", None, ""),
    # 附件2 long-term and annual targets
    "6000条": (Q, "", "6000", "条"),
    "3000条": (Q, "", "3000", "条"),
    "3000件": (Q, "", "3000", "件"),
    "1000件": (Q, "", "1000", "件"),
    "20家": (Q, "", "20", "家"),
    "13家": (Q, "", "13", "家"),
    "4000件": (Q, "", "4000", "件"),
    "1200件": (Q, "", "1200", "件"),
    "110亿元": (Q, "", "110", "亿元"),
    "35亿元": (Q, "", "35", "亿元"),
    # 高校院所 and 运营中心 tables
    "≥70": (Q, "≥", "70", ""),
    "≥45": (Q, "≥", "45", ""),
    "≥35": (Q, "≥", "35", ""),
    "≥60": (Q, "≥", "60", ""),
    "≥42": (Q, "≥", "42", ""),
    "≥30": (Q, "≥", "30", ""),
    "≥20": (Q, "≥", "20", ""),
    "≥16": (Q, "≥", "16", ""),
    "≥12": (Q, "≥", "12", ""),
    "≥8": (Q, "≥", "8", ""),
    "≥21": (Q, "≥", "21", ""),
    "≥10": (Q, "≥", "10", ""),
    "≥15": (Q, "≥", "15", ""),
    "≥15%": (Q, "≥", "15", "%"),
    "≥20%": (Q, "≥", "20", "%"),
    "≥30%": (Q, "≥", "30", "%"),
    "≥500条": (Q, "≥", "500", "条"),
    "≥5000万元": (Q, "≥", "5000", "万元"),
    "≥300次": (Q, "≥", "300", "次"),
    "≥200人次": (Q, "≥", "200", "人次"),
    "显著增长": (T, "", None, ""),
    "是": (T, "", None, ""),
    # 广州开发区: sentences with a number inside
    "举办知识产权主题论坛或研讨会活动≥4场": (S, "≥", "4", "场"),
    "在不少于15家纸媒、媒体平台、公众号、网站等发布不少于30篇的活动宣传报道": (S, "≥", "15", "家"),
    "知识产权人才供需对接活动数量≥2场": (S, "≥", "2", "场"),
    "发布人才资源调研报告1份": (S, "", "1", "份"),
    "优化申报材料≤10件": (S, "≤", "10", "件"),
    "年度商标申请量≥33000件": (S, "≥", "33000", "件"),
    "年度专利授权量≥22000件": (S, "≥", "22000", "件"),
    "协助企业运营和交易人工智能领域相关发明专利≥10件": (S, "≥", "10", "件"),
    "2期，每期培训人数≥30人": (S, "≥", "30", "人"),
    "知识产权管理人员高级研修班参与人员≥20人": (S, "≥", "20", "人"),
    "召开综改专家咨询委员会会议1次": (S, "", "1", "次"),
    "完成调研分析报告≥1份": (S, "≥", "1", "份"),
    "宣传报道的主流媒体>15家": (S, ">", "15", "家"),
    "通过各大媒体、平台、大型活动扩大社会影响力，以各类媒体报道等为指标依据": (T, "", None, ""),
    "宣传报道的主流媒体发稿数>30篇": (S, ">", "30", "篇"),
    "完成数据分析报告≥5份": (S, "≥", "5", "份"),
    "政策兑现受理量≥5000项，拨付金额≥8000万元": (S, "≥", "5000", "项"),
    "保护工作站≥2个": (S, "≥", "2", "个"),
    "年度质押融资总金额≥30亿元": (S, "≥", "30", "亿元"),
    "年度知识产权交易金额≥6亿元": (S, "≥", "6", "亿元"),
    "年度参与质押融资企业数量≥200家": (S, "≥", "200", "家"),
    "国际交流项目活动参与人员数量≥200人": (S, "≥", "200", "人"),
    "国际创新与知识产权国际交流日活动10场": (S, "", "10", "场"),
    "促成知识产权合作意向≥100亿元": (S, "≥", "100", "亿元"),
    "主题论坛≥10场": (S, "≥", "10", "场"),
    "争取各大媒体的宣传报导。通过信息宣传，在全国营造我区知识产权高地声誉": (T, "", None, ""),
    "实现专利和商标交易金额≥10亿元": (S, "≥", "10", "亿元"),
    "主流媒体宣传报道文章数量≥20篇": (S, "≥", "20", "篇"),
    "黄埔区广州开发区企业商业秘密保护调研报告1份": (S, "", "1", "份"),
    "开展商业秘密保护专题培训不少于3场": (S, "≥", "3", "场"),
    "建立黄埔区广州开发区商业秘密保护工作站1个": (S, "", "1", "个"),
    "每季度按时报送运营报告": (T, "", None, ""),
    "年末所有者权益/年初所有者权益*100%≥1": (S, "≥", "1", ""),
    "对区内企业的投资规模不低于引导资金出资规模的2倍": (S, "≥", "2", "倍"),
    "≥2份": (Q, "≥", "2", "份"),
    "≥800家": (Q, "≥", "800", "家"),
    "≥5000项": (Q, "≥", "5000", "项"),
    "100%": (Q, "", "100", "%"),
    # 广东 二级项目 trees
    "9份": (Q, "", "9", "份"),
    "9场": (Q, "", "9", "场"),
    "2份": (Q, "", "2", "份"),
    "2场": (Q, "", "2", "场"),
    "1份": (Q, "", "1", "份"),
    "1场": (Q, "", "1", "场"),
    "1次": (Q, "", "1", "次"),
    "≥1支": (Q, "≥", "1", "支"),
    "≥10家": (Q, "≥", "10", "家"),
    "≥1个": (Q, "≥", "1", "个"),
    "≥4场": (Q, "≥", "4", "场"),
    "≥500人": (Q, "≥", "500", "人"),
    "1": (Q, "", "1", ""),
    "2021年": (Q, "", "2021", "年"),
    "≥ 3亿": (Q, "≥", "3", "亿"),
    "≥3亿": (Q, "≥", "3", "亿"),
    "100人以上": (Q, "≥", "100", "人"),
    "进一步提升": (T, "", None, ""),
    "形成可复制可推广模式": (T, "", None, ""),
    "全面排名前列": (T, "", None, ""),
    "在粤港澳大湾区形成具有影响力与知名度专场活动": (T, "", None, ""),
    "为引领型知识产权强省建设给出针对性强、实操性好、可落地的路径方案和策略建议, 有力推动现代化高质量经济体系建设。": (
        T,
        "",
        None,
        "",
    ),
    "举办至少2场次面向企业、高校、科技园区的培训,每场培训规模至少为50人次": (S, "≥", "2", "场次"),
    "举办至少2场次面向企业、高校、科技园区的培训,每场培训规模至少为50人次。": (S, "≥", "2", "场次"),
    # a word comparator a few words before its number governs it (至少 … 20次)
    "至少面向企业提供20次专业数据库检索服务,至少面向20个企业提供专业技术答复咨询。": (S, "≥", "20", "次"),
    "组织或参与至少2次TISC机构推广宣传活动,组织或参与至少2次以上与其他技术与创新支持中心的交流活动。": (
        S,
        "≥",
        "2",
        "次",
    ),
    "出版至少3期技术类相关刊物。": (S, "≥", "3", "期"),
    "向政府、高校或企业提供至少2份技术分析报告、至少2份产业趋势报告；向企业或个人提供至少2份专利风险评估或侵权分析报告。": (
        S,
        "≥",
        "2",
        "份",
    ),
    "开展技术与创新支持中心工作制度相关研究，完成至少1个研究课题。": (S, "≥", "1", "个"),
    # Values people type that the seeds do not hold
    "≤10件": (Q, "≤", "10", "件"),
    "不少于200件": (Q, "≥", "200", "件"),
    "不超过5项": (Q, "≤", "5", "项"),
    "10件以内": (Q, "≤", "10", "件"),
    "5,000.00": (Q, "", "5000.00", ""),
    ">=500条": (Q, "≥", "500", "条"),
    "＞＝５００条": (Q, "≥", "500", "条"),
    "≥１５％": (Q, "≥", "15", "％"),
    "=3": (Q, "=", "3", ""),
    "<1%": (Q, "<", "1", "%"),
    "0.5亿元": (Q, "", "0.5", "亿元"),
    "≥500条。": (Q, "≥", "500", "条"),
    "  ≥500条 ": (Q, "≥", "500", "条"),
    "   ": (B, "", None, ""),
}

# 市州 table: plain numbers, their unit comes from the column header.
PLAIN_NUMBERS = (
    "500 600 200000 176 300 80 218 48 100 1200 6000 4 30 12500 16 20 9000 60 200 3500 5 "
    "12000 9 6300 1800 4000 6 150 2000 2 3000 50 1500 3"
).split()
for _number in PLAIN_NUMBERS:
    TABLE.setdefault(_number, (Q, "", _number, ""))

# The 平台 row's target is a long text in a text column; it is never parsed for numbers.
TEXT_COLUMN_VALUES_START = "1.优化完善知慧桥专利运用公共服务平台功能"


@pytest.mark.parametrize("raw", list(TABLE), ids=lambda raw: raw[:20] or "blank")
def test_parse_reads_value_as_written(raw):
    kind, comparator, number, unit = TABLE[raw]
    value = tv.parse(raw)
    assert value.kind == kind
    assert value.comparator == comparator
    assert value.number == (Decimal(number) if number is not None else None)
    assert isinstance(value.number, (Decimal, type(None)))
    assert value.unit_token == unit
    assert value.raw == raw


@pytest.mark.parametrize("raw", list(TABLE), ids=lambda raw: raw[:20] or "blank")
def test_format_of_parse_gives_back_the_text_byte_for_byte(raw):
    assert tv.format_value(tv.parse(raw)) == raw


def _seed_value_strings() -> set[str]:
    seeds = read_seed_files()
    found = set()
    for project in seeds.projects:
        for indicator in project["indicators"]:
            for value in (indicator["annual"], indicator["long_term"]):
                if value is not None:
                    found.add(value.raw)
        for table in project["tables"]:
            for row in table["rows"]:
                found.update(value.raw for value in row["cells"])
    return found


def test_table_covers_every_seed_value():
    missing = {
        raw for raw in _seed_value_strings() if raw not in TABLE and not raw.startswith(TEXT_COLUMN_VALUES_START)
    }
    assert not missing, f"seed values without an expected reading: {sorted(missing)}"
    assert len(_seed_value_strings()) > 130


def test_every_seed_value_round_trips():
    for raw in _seed_value_strings():
        assert tv.format_value(tv.parse(raw)) == raw


def test_column_unit_applies_when_the_cell_names_none():
    value = tv.parse("200000", default_unit="万元")
    assert (value.number, value.measure_unit, value.unit_token) == (Decimal("200000"), "万元", "")
    assert tv.format_value(value) == "200000"  # the header's unit is not printed into the cell


def test_cell_unit_wins_over_column_unit():
    assert tv.parse("≥5000万元", default_unit="亿元").measure_unit == "万元"


def test_qualitative_values_keep_their_text():
    value = tv.parse("显著增长")
    assert value.text == "显著增长" and value.number is None


def test_sentence_keeps_text_and_the_number_with_a_comparator():
    value = tv.parse("年度专利授权量≥22000件")
    assert value.text == "年度专利授权量≥22000件"
    assert (value.prefix, value.comparator, value.number, value.measure_unit) == (
        "年度专利授权量",
        "≥",
        Decimal("22000"),
        "件",
    )


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ({"number": 500, "comparator": "≥", "measure_unit": "条"}, "≥500条"),
        ({"number": "15.50", "comparator": "≥", "measure_unit": "%"}, "≥15.5%"),
        ({"number": "5000.00"}, "5000"),
        ({"number": 10, "comparator": "≤", "measure_unit": "件"}, "≤10件"),
        ({"text": "显著增长"}, "显著增长"),
        ({}, ""),
    ],
)
def test_value_built_from_parts_formats_canonically_and_parses_back(parts, expected):
    value = tv.TargetValue.of(**parts)
    assert value.raw == expected
    again = tv.parse(expected)
    assert (again.comparator, again.number, again.text) == (value.comparator, value.number, value.text)


@pytest.mark.parametrize("raw", ["5,000.00", "１６０", "160", "0.5"])
def test_parse_number_accepts_written_numbers(raw):
    assert isinstance(tv.parse_number(raw), Decimal)


@pytest.mark.parametrize("raw", ["", "≥5", "五千", "12a", "1.2.3"])
def test_parse_number_refuses_what_is_not_a_number(raw):
    with pytest.raises(tv.ParseError):
        tv.parse_number(raw)


# raw → the reading shown beside it (its parts, as a finance officer reads the target)
READINGS = {
    "不少于15家媒体…不少于30篇": "≥15家（媒体） 且 ≥30篇",
    "≥5000项，拨付金额≥8000万元": "≥5000项 且 ≥8000万元（拨付金额）",
    "政策兑现受理量≥5000项，拨付金额≥8000万元": "≥5000项（政策兑现受理量） 且 ≥8000万元（拨付金额）",
    "80%-90%": "区间 80%–90%",
    "80%～90%": "区间 80%–90%",
    "80-90%": "区间 80%–90%",
    "介于80%和90%之间": "区间 80%–90%",
    "≥95%且≤100%": "区间 95%–100%",
    "增长10%": "增长 10%（基数：上年完成值）",
    "增长10%（基数：500件）": "增长 10%（基数：500件）",
    "提高5个百分点": "提高 5个百分点（基数：上年完成值）",
    "下降3%": "下降 3%（基数：上年完成值）",
    "提高到95%": "≥95%",
    "显著增长": "定性，由审核员评定",
    "有所提升": "定性，由审核员评定",
    "是": "定性，由审核员评定",
    "3.5万件": "35000件",
    "≥2万人次": "≥20000人次",
    "0次": "0次",
    "-5份": "-5份",
    "10件以内": "≤10件",
    "30日内完成": "≤30日（完成）",
    "2022年12月31日前完成": "定性，由审核员评定",
    "年末所有者权益/年初所有者权益*100%≥1": "≥1（年末所有者权益/年初所有者权益…）",
    "1.优化平台功能": "定性，由审核员评定",
}


@pytest.mark.parametrize("raw", list(READINGS))
def test_a_target_is_read_into_its_parts(raw):
    value = tv.parse(raw)
    assert tv.describe(value) == READINGS[raw]
    assert tv.format_value(value) == raw


def test_the_single_fields_mirror_the_first_part_with_a_comparator():
    value = tv.parse("2期，每期培训人数≥30人")
    assert [p.number for p in value.parts] == [2, 30]
    assert (value.comparator, value.number, value.measure_unit) == ("≥", 30, "人")
    multiplied = tv.parse("3.5万件")
    assert (multiplied.number, multiplied.measure_unit, multiplied.unit_token) == (35000, "件", "万件")

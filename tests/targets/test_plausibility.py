"""The plausibility rule (issue 21 §4): one pure function, driven by a table.

Each case: the value as typed, the column's header and unit, the references (basis, value as
written, factor, whether the reference is a whole the value is a part of) and the warning codes
expected, in order. The pages, the submission, the queue and the API all ask this function.
"""

from decimal import Decimal

import pytest

from targets import plausibility as pl
from targets import values as tv

LAST, ASSIGNED, PROJECT = pl.Basis.LAST_YEAR, pl.Basis.ASSIGNED, pl.Basis.PROJECT_TARGET
NEG, PCT, OVER, UNDER = pl.Code.NEGATIVE, pl.Code.PERCENT_OVER_100, pl.Code.TIMES_OVER, pl.Code.TIMES_UNDER


def ref(basis, raw, unit="", factor="1", whole=False):
    return pl.Reference(basis, tv.parse(raw, default_unit=unit), factor=Decimal(factor), whole=whole)


# (value, column unit, header, references, expected codes)
CASES = [
    # nothing to compare with: only the sign and the share
    ("500", "条", "收集需求", [], []),
    ("", "条", "收集需求", [ref(LAST, "500")], []),
    ("显著增长", "", "营业收入增幅", [ref(LAST, "显著增长")], []),
    ("-5", "份", "发布报告", [], [NEG]),
    ("－5份", "份", "发布报告", [], [NEG]),
    ("-5", "份", "发布报告", [ref(LAST, "5份")], [NEG]),  # no ratio to a negative
    ("0", "次", "安全责任事故", [], []),
    # a share over 100%
    ("150", "%", "满意度", [], [PCT]),
    ("100", "%", "满意度", [], []),
    ("100.5%", "", "满意度", [], [PCT]),
    ("120%", "", "项目完成率", [], [PCT]),  # 率 names a share
    ("150%", "", "营业收入增长率", [], []),  # growth is not a share
    ("150%", "", "增幅", [ref(ASSIGNED, "≥10%")], [OVER]),  # no share, but 15 times its target
    ("150%", "", "覆盖面", [ref(ASSIGNED, "≥90%")], [PCT]),  # the target is a share
    ("150%", "", "覆盖面", [ref(ASSIGNED, "增长10%")], []),  # a growth target is no share, nor compared
    ("150", "", "覆盖面", [], []),  # a bare number in a plain column: not a percentage
    # ten times over or under last year's approved value
    ("5001", "条", "收集需求", [ref(LAST, "500", "条")], [OVER]),
    ("5000", "条", "收集需求", [ref(LAST, "500", "条")], []),  # exactly 10×: not more than
    ("50", "条", "收集需求", [ref(LAST, "500", "条")], []),  # exactly a tenth
    ("49", "条", "收集需求", [ref(LAST, "500", "条")], [UNDER]),
    ("0", "条", "收集需求", [ref(LAST, "500", "条")], [UNDER]),
    ("≥6000", "", "转化数量", [ref(LAST, "≥500")], [OVER]),  # comparators aside, the numbers
    ("3000", "条", "收集需求", [ref(LAST, "0", "条")], []),  # nothing is ten times 0
    # and of the 下达值
    ("5", "件", "转化数量", [ref(ASSIGNED, "≥70", "件")], [UNDER]),
    ("700", "件", "转化数量", [ref(ASSIGNED, "≥70", "件")], []),
    ("701", "件", "转化数量", [ref(ASSIGNED, "≥70", "件")], [OVER]),
    # both
    ("60000", "条", "收集需求", [ref(ASSIGNED, "300", "条"), ref(LAST, "500", "条")], [OVER, OVER]),
    # units of money convert; other units are not compared
    ("200000", "万元", "质押金额", [ref(LAST, "20亿元")], []),
    ("200000", "万元", "质押金额", [ref(LAST, "1亿元")], [OVER]),
    ("2000", "元", "成交金额", [ref(LAST, "2万元")], []),
    ("2000", "元", "成交金额", [ref(LAST, "200万元")], [UNDER]),
    ("5000", "件", "转化数量", [ref(LAST, "3亿元")], []),
    ("95", "%", "满意度", [ref(LAST, "≥90%")], []),
    ("0.96", "%", "满意度", [ref(ASSIGNED, "≥95%")], [UNDER]),  # 0.96 typed for 96%
    # sentences and qualitative references are not compared
    ("5000", "场", "活动", [ref(LAST, "举办活动≥4场")], []),
    ("5000", "", "活动", [ref(LAST, "是")], []),
    # the project's target: a unit carries a share of it, so only "more than 10 times" counts
    ("187", "条", "收集需求", [ref(PROJECT, "3000条", whole=True)], []),
    ("30001", "条", "收集需求", [ref(PROJECT, "3000条", whole=True)], [OVER]),
    # 万元 counted toward 亿元 with the column's factor (1/10000)
    ("200000", "万元", "质押金额", [ref(PROJECT, "35亿元", factor="0.0001", whole=True)], []),
    ("4000000", "万元", "质押金额", [ref(PROJECT, "35亿元", factor="0.0001", whole=True)], [OVER]),
]


@pytest.mark.parametrize(("raw", "unit", "header", "references", "codes"), CASES)
def test_the_warnings_of_a_value(raw, unit, header, references, codes):
    value = tv.parse(raw, default_unit=unit)
    warnings = pl.warnings_for(value, references, header=header, header_unit=unit)
    assert [w.code for w in warnings] == codes


def test_each_warning_names_the_value_and_what_it_was_compared_with():
    value = tv.parse("5001", default_unit="条")
    (over,) = pl.warnings_for(value, [ref(LAST, "500条")])
    assert over.message == "是上年审核通过值（500条）的 10 倍，请核实" and over.basis == LAST
    (under,) = pl.warnings_for(tv.parse("5", default_unit="件"), [ref(ASSIGNED, "≥70")])
    assert under.message == "不到下达值（≥70）的十分之一（0.07 倍），请核实"
    (zero,) = pl.warnings_for(tv.parse("0"), [ref(LAST, "500")])
    assert zero.message == "为 0，而上年审核通过值（500）不为 0，请核实"
    (negative,) = pl.warnings_for(tv.parse("-5份"))
    assert negative.message == "为负数（-5份），请核实" and negative.basis == ""
    (percent,) = pl.warnings_for(tv.parse("150", default_unit="%"), header="满意度", header_unit="%")
    assert percent.message == "超过 100%（150），而该指标是比率，请核实"


def test_a_large_ratio_reads_without_decimals():
    (over,) = pl.warnings_for(tv.parse("2000000"), [ref(LAST, "3")])
    assert over.message == "是上年审核通过值（3）的 666667 倍，请核实"


@pytest.mark.parametrize(
    ("raw", "reference", "change"),
    [
        ("600", "500", "+20%"),
        ("250", "500", "−50%"),
        ("333", "1000", "−66.7%"),
        ("500", "≥500", "持平"),
        ("2亿元", "10000万元", "+100%"),
        ("显著增长", "500", ""),
        ("600", "是", ""),
        ("600", "0", ""),
        ("", "500", ""),
    ],
)
def test_the_change_in_percent_from_a_reference(raw, reference, change):
    assert pl.change_label(pl.change_percent(tv.parse(raw), ref(LAST, reference))) == change


def test_the_share_of_the_project_target():
    value = tv.parse("470100", default_unit="万元")
    target = ref(PROJECT, "35亿元", factor="0.0001", whole=True)
    assert pl.share_percent(value, target) == Decimal("134.3")


@pytest.mark.parametrize(
    ("header", "unit", "references", "share"),
    [
        ("满意度", "%", [], True),
        ("服务对象满意度", "", [], True),
        ("预算执行率", "", [], True),
        ("营业收入增长率", "%", [], False),
        ("就业人数增幅", "", [ref(ASSIGNED, "≥90%")], False),
        ("覆盖面", "", [ref(LAST, "95%")], True),
        ("覆盖面", "", [ref(LAST, "提高5%")], False),
        ("转化数量", "件", [], False),
    ],
)
def test_when_a_percentage_is_a_share(header, unit, references, share):
    assert pl.is_share(header, unit, references) is share

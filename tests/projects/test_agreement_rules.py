"""The 任务书's rules: capital numerals, the 20% rule, staff caps, totals, report dates."""

import datetime
from decimal import Decimal

import pytest

from projects.agreements.rules import budget_figures, budget_problems, report_due_dates, staff_problems
from projects.numerals import chinese_count, chinese_year, rmb_upper


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1600000", "壹佰陆拾万元整"),
        ("0", "零元整"),
        ("0.5", "伍角整"),
        ("0.05", "伍分"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("105", "壹佰零伍元整"),
        ("1005", "壹仟零伍元整"),
        ("1050", "壹仟零伍拾元整"),
        ("10000", "壹万元整"),
        ("10001", "壹万零壹元整"),
        ("101000", "壹拾万壹仟元整"),
        ("1000100", "壹佰万零壹佰元整"),
        ("1001000", "壹佰万壹仟元整"),
        ("100000000", "壹亿元整"),
        ("100010000", "壹亿零壹万元整"),
        ("100000001", "壹亿零壹元整"),
        ("120000000", "壹亿贰仟万元整"),
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("1.05", "壹元零伍分"),
        ("1.50", "壹元伍角整"),
        ("20000000.01", "贰仟万元零壹分"),
        ("50000000", "伍仟万元整"),
        ("1000000000000", "壹万亿元整"),
    ],
)
def test_capital_numerals(amount, expected):
    assert rmb_upper(Decimal(amount)) == expected


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        rmb_upper(Decimal("-1"))


def test_the_form_dates_and_counts_in_lower_case_numerals():
    assert chinese_year(2021) == "二〇二一" and chinese_year(2030) == "二〇三〇"
    assert [chinese_count(n) for n in (1, 3, 10, 12, 20, 21)] == ["一", "三", "十", "十二", "二十", "二十一"]
    with pytest.raises(ValueError):
        chinese_count(0)


def _figures(special, expenses, allocations=None):
    return budget_figures(
        {"special": Decimal(special), "self": Decimal("40"), "other": None},
        allocations or [{"amount": Decimal(special)}],
        expenses,
    )


def test_equipment_up_to_twenty_percent_of_the_special_fund_passes():
    figures = _figures(
        "160", [{"amount": Decimal("32"), "is_equipment": True}, {"amount": Decimal("128"), "is_equipment": False}]
    )
    assert budget_problems(figures, complete=True) == []
    assert figures["shares"] == {"special": Decimal("80.00"), "self": Decimal("20.00"), "other": Decimal("0.00")}


def test_equipment_over_twenty_percent_is_refused_with_the_figures():
    figures = _figures(
        "160",
        [{"amount": Decimal("32.01"), "is_equipment": True}, {"amount": Decimal("127.99"), "is_equipment": False}],
    )
    assert budget_problems(figures, complete=False) == [
        "基础设施建设或信息化软硬件等设备购置共 32.01 万元，超过专项经费的 20%（32 万元）"
    ]


def test_totals_must_agree_to_submit():
    figures = _figures(
        "160", [{"amount": Decimal("100"), "is_equipment": False}], allocations=[{"amount": Decimal("150")}]
    )
    assert budget_problems(figures, complete=False) == []
    assert budget_problems(figures, complete=True) == [
        "财政经费分配合计 150 万元，应等于专项经费 160 万元",
        "专项经费支出预算合计 100 万元，应等于专项经费 160 万元",
    ]


def _staff(*roles):
    return [{"role": role} for role in roles]


@pytest.mark.parametrize(
    ("kind", "roles", "complete", "expected"),
    [
        ("sub", ["leader", "finance"] + ["implementation"] * 8, True, []),
        (
            "sub",
            ["leader", "finance"] + ["implementation"] * 9,
            True,
            ["子平台的项目主要参与人不得超过 10 人（现有 11 人）"],
        ),
        ("main", ["leader", "finance"] + ["implementation"] * 10, True, []),
        (
            "main",
            ["leader", "finance"] + ["implementation"] * 11,
            True,
            ["总平台的项目主要参与人不得超过 12 人（现有 13 人）"],
        ),
        ("sub", ["leader", "leader", "finance"], False, ["须有且只有一名项目负责人（现有 2 名）"]),
        ("sub", ["implementation"], False, []),
        (
            "sub",
            ["implementation"],
            True,
            ["须有且只有一名项目负责人（现有 0 名）", "须有且只有一名财务负责人（现有 0 名）"],
        ),
    ],
)
def test_staff_caps_and_the_two_single_roles(kind, roles, complete, expected):
    assert staff_problems(_staff(*roles), kind, complete=complete) == expected


def test_report_due_dates_follow_the_period():
    dates = report_due_dates(2021, 2023, 12)
    assert dates["progress"] == [datetime.date(2021, 12, 31), datetime.date(2022, 12, 31), datetime.date(2023, 12, 31)]
    assert dates["final"] == datetime.date(2023, 12, 31)
    assert report_due_dates(2021, 2023, 6)["progress"][-1] == datetime.date(2022, 12, 31)

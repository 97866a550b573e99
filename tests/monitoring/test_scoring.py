"""The scoring rules of DESIGN §8 step 5, one row per rule and edge case (pure functions, no database)."""

from datetime import date
from decimal import Decimal as D

import pytest

from monitoring import scoring
from targets.values import parse

W = D("15")

# (target as written, 完成值 as written, reviewer's judgment %, expected points or None, rule)
INDICATOR_CASES = [
    # ≥ / > / bare number: min(完成值 ÷ 指标值, 1) × weight
    ("≥500条", "500条", None, D("15.00"), "positive"),
    ("≥500条", "250条", None, D("7.50"), "positive"),
    ("≥500条", "800条", None, D("15.00"), "positive"),  # exceeding is capped at the weight
    ("≥500条", "0", None, D("0.00"), "positive"),
    (">10家", "5家", None, D("7.50"), "positive"),
    ("3000条", "2400条", None, D("12.00"), "positive"),  # bare number counts as ≥
    ("不少于200件", "150", None, D("11.25"), "positive"),
    ("≥15%", "12%", None, D("12.00"), "positive"),
    ("≥35亿元", "470100万元", None, D("15.00"), "positive"),  # units converted: 47.01亿 of 35亿
    ("≥35亿元", "47010万元", None, D("2.01"), "positive"),  # 4.701亿 of 35亿
    ("≥35亿元", "175000万元", None, D("7.50"), "positive"),
    ("≥500条", "333条", None, D("9.99"), "positive"),  # rounded half up to cents
    # ≤ / <: min(指标值 ÷ 完成值, 1) × weight, the full weight when 完成值 ≤ 指标值
    ("≤10件", "5件", None, D("15.00"), "negative"),
    ("≤10件", "10件", None, D("15.00"), "negative"),
    ("≤10件", "20件", None, D("7.50"), "negative"),
    ("≤10件", "0", None, D("15.00"), "negative"),
    ("<5%", "10%", None, D("7.50"), "negative"),
    ("10件以内", "40件", None, D("3.75"), "negative"),
    # = is 正向 (DESIGN §8: only ≤ < a range or no number change the direction): no judgment needed
    ("=100%", "100%", None, D("15.00"), "positive"),
    ("=100%", "90%", None, D("13.50"), "positive"),
    ("=100%", "90%", D("60"), D("13.50"), "positive"),
    # qualitative: graded by the reviewer (达成 100, 部分达成 judged, 未达成 0)
    ("显著增长", "增长明显", None, None, None),
    ("显著增长", "增长明显", D("100"), D("15.00"), "judged"),
    ("进一步提升", "略有提升", D("40"), D("6.00"), "judged"),
    ("是", "否", D("0"), D("0.00"), "judged"),
    # a number target met with words: judged too
    ("≥500条", "大部分完成", None, None, None),
    ("≥500条", "大部分完成", D("80"), D("12.00"), "judged"),
    # blank 完成值 or blank target: not scored
    ("≥500条", "", None, None, None),
    ("", "10", None, None, None),
    ("≥500条", "", D("100"), None, None),
]


@pytest.mark.parametrize(("target", "actual", "judgment", "points", "rule"), INDICATOR_CASES)
def test_indicator_score_follows_the_rules(target, actual, judgment, points, rule):
    score = scoring.indicator_score(parse(target), parse(actual), W, judgment)
    if points is None:
        assert score is None
    else:
        assert (score.points, score.rule) == (points, rule)


def test_a_judgment_outside_0_to_100_is_held_to_it():
    assert scoring.indicator_score(parse("显著增长"), parse("好"), W, D("150")).points == W


@pytest.mark.parametrize(
    ("executed", "adjusted", "points"),
    [
        (D("160"), D("160"), D("10.00")),
        (D("144"), D("160"), D("9.00")),  # 90%
        (D("80"), D("160"), D("5.00")),
        (D("200"), D("160"), D("10.00")),  # over-execution is capped
        (D("0"), D("160"), D("0.00")),
        (None, D("160"), None),
        (D("10"), D("0"), None),  # no budget: no rate
        (D("10"), None, None),
    ],
)
def test_budget_points_are_the_execution_rate_times_ten_at_most_ten(executed, adjusted, points):
    assert scoring.budget_score(scoring.execution_rate(executed, adjusted)) == points


@pytest.mark.parametrize(
    ("indicators", "budget", "applicable", "weight_total", "expected"),
    [
        ([D("45"), D("45")], D("10"), True, D("90"), D("100.00")),
        ([D("40"), D("30.5")], D("9"), True, D("90"), D("79.50")),
        ([D("45"), D("45")], None, False, D("90"), D("100.00")),  # 不适用: scaled to 100
        ([D("36"), D("36")], None, False, D("90"), D("80.00")),
        ([D("30"), D("30")], D("10"), True, D("60"), D("100.00")),  # blank targets left out: scaled to 90
        ([], None, True, D("90"), D("0.00")),
    ],
)
def test_total_is_budget_plus_indicators_scaled_where_parts_do_not_apply(
    indicators, budget, applicable, weight_total, expected
):
    assert scoring.total(indicators, budget, budget_applicable=applicable, weight_total=weight_total) == expected


@pytest.mark.parametrize(
    ("points", "grade"),
    [
        (D("100"), "优"),
        (D("90"), "优"),
        (D("89.99"), "良"),
        (D("80"), "良"),
        (D("79.99"), "中"),
        (D("60"), "中"),
        (D("59.99"), "差"),
        (D("0"), "差"),
    ],
)
def test_grade_boundaries(points, grade):
    assert scoring.grade(points) == grade


@pytest.mark.parametrize("n", [1, 2, 3, 4, 6, 7, 9, 11, 13, 17, 90, 91])
def test_default_weights_are_equal_to_the_cent_and_sum_to_exactly_90(n):
    weights = scoring.default_weights(n)
    assert len(weights) == n and sum(weights) == D("90.00")
    assert max(weights) - min(weights) <= D("0.01")


def test_default_weights_of_seven():
    assert scoring.default_weights(7) == [D("12.86")] * 5 + [D("12.85")] * 2


def test_weights_not_summing_to_90_are_refused():
    assert scoring.check_weights([D("45"), D("45")]) is None
    assert "89.00" in scoring.check_weights([D("45"), D("44")])
    assert scoring.check_weights([D("-1"), D("91")]) == "权重不能为负数"


@pytest.mark.parametrize(
    ("target", "actual", "progress"),
    [
        ("≥500条", "250条", D("50.00")),
        ("3000条", "600条", D("20.00")),
        ("≥500条", "800条", D("160.00")),
        ("≤10件", "3件", None),  # a ≤ target has no progress
        ("显著增长", "增长", None),
        ("≥500条", "", None),
    ],
)
def test_progress_is_actual_over_target(target, actual, progress):
    assert scoring.progress(parse(actual), parse(target)) == progress


def test_time_elapsed_at_the_reference_date():
    assert scoring.time_elapsed(date(2022, 6, 30), 2022) == D("49.59")
    assert scoring.time_elapsed(date(2022, 12, 31), 2022) == D("100.00")
    assert scoring.time_elapsed(date(2024, 6, 30), 2024) == D("49.73")  # leap year: 182 ÷ 366
    assert scoring.time_elapsed(date(2021, 12, 31), 2022) == 0
    assert scoring.time_elapsed(date(2023, 1, 1), 2022) == 100


@pytest.mark.parametrize(
    ("progress", "lagging"),
    [(D("39.59"), False), (D("39.58"), True), (D("20"), True), (D("60"), False), (None, False)],
)
def test_lag_is_time_minus_progress_beyond_the_threshold(progress, lagging):
    assert scoring.lags(progress, D("49.59"), D("10")) is lagging

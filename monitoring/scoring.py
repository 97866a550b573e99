"""Scoring of a 自评 and the progress of a 监控, by the Ministry of Finance rules (DESIGN §8 step 5).

Pure functions over Decimal: no ORM, no I/O. The page, the exports and the tests call them the
same way.

- a ≥ / > / bare-number target scores min(完成值 ÷ 指标值, 1) × 权重;
- a ≤ / < target scores min(指标值 ÷ 完成值, 1) × 权重, the full weight when 完成值 is 0;
- an = target scores the weight when met, else the reviewer's judgment (a percentage);
- a qualitative target (or a 完成值 that is not a number) is graded by the reviewer;
- 预算执行 10 points: 执行率 × 10, at most 10;
- total = budget + indicators; where the budget is 不适用 the total is scaled to 100;
- grade 优 ≥ 90, 良 80-90, 中 60-80, 差 < 60.

A value that cannot be scored yet (blank 完成值, a judgment not yet given) has no score (None).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from targets.values import Comparator, Kind, TargetValue

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
INDICATOR_POINTS = Decimal(90)
BUDGET_POINTS = Decimal(10)

# Money units convert into each other (a 完成值 in 万元 against a target in 亿元).
_MONEY = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "万": Decimal(10000),
    "亿元": Decimal(10**8),
    "亿": Decimal(10**8),
}


@dataclass(frozen=True)
class Score:
    """An indicator's score: the share of its weight earned (0-1), the points, and by which rule."""

    ratio: Decimal
    points: Decimal
    rule: str  # "ratio" / "inverse" / "met" / "judged"

    @property
    def full(self) -> bool:
        return self.ratio >= 1


def _points(ratio: Decimal, weight: Decimal) -> Decimal:
    return (ratio * weight).quantize(CENT, ROUND_HALF_UP)


def comparable(actual: TargetValue, target: TargetValue) -> Decimal | None:
    """The 完成值's number in the target's unit, or None if it has none (or the units do not convert)."""
    if actual.number is None or actual.kind not in (Kind.QUANTITY, Kind.SENTENCE):
        return None
    return in_unit(actual.number, actual.measure_unit, target.measure_unit)


def in_unit(number: Decimal, unit: str, target_unit: str) -> Decimal | None:
    """A number written in `unit` expressed in `target_unit`: as is for the same unit (or one not
    given), converted between money units, None where the units do not convert (件 → 亿元)."""
    if not unit or not target_unit or unit == target_unit:
        return number
    if unit in _MONEY and target_unit in _MONEY:
        return number * _MONEY[unit] / _MONEY[target_unit]
    return None


def needs_judgment(target: TargetValue, actual: TargetValue) -> bool:
    """Whether the reviewer must grade this value: qualitative targets, 完成值 without a number,
    and "=" targets not met."""
    if target.is_blank or actual.is_blank:
        return False
    if target.number is None:
        return True
    number = comparable(actual, target)
    if number is None:
        return True
    return target.comparator == Comparator.EQ and number != target.number


def indicator_score(
    target: TargetValue, actual: TargetValue, weight: Decimal, judgment: Decimal | None = None
) -> Score | None:
    """The score of one indicator. `judgment` is the reviewer's percentage (0-100), used where the
    rules ask for one (see `needs_judgment`). None: not scorable yet (blank, or judgment missing)."""
    if target.is_blank or actual.is_blank:
        return None
    if needs_judgment(target, actual):
        if judgment is None:
            return None
        ratio = min(max(Decimal(judgment), Decimal(0)), HUNDRED) / HUNDRED
        return Score(ratio, _points(ratio, weight), "judged")
    number, goal = comparable(actual, target), target.number
    if target.comparator == Comparator.EQ:
        return Score(Decimal(1), _points(Decimal(1), weight), "met")
    if target.comparator in (Comparator.LE, Comparator.LT):
        ratio = Decimal(1) if number <= 0 else min(goal / number, Decimal(1))
        return Score(max(ratio, Decimal(0)), _points(max(ratio, Decimal(0)), weight), "inverse")
    ratio = Decimal(1) if goal <= 0 else min(number / goal, Decimal(1))
    ratio = max(ratio, Decimal(0))
    return Score(ratio, _points(ratio, weight), "ratio")


def execution_rate(executed: Decimal | None, adjusted_budget: Decimal | None) -> Decimal | None:
    """执行率 as a fraction (执行数 ÷ 调整后预算数); None when either is missing or the budget is 0."""
    if executed is None or not adjusted_budget:
        return None
    return Decimal(executed) / Decimal(adjusted_budget)


def budget_score(rate: Decimal | None) -> Decimal | None:
    """预算执行 points: 执行率 × 10, at most 10 (and at least 0)."""
    if rate is None:
        return None
    return (min(max(rate, Decimal(0)), Decimal(1)) * BUDGET_POINTS).quantize(CENT, ROUND_HALF_UP)


def total(
    indicator_points: list[Decimal],
    budget_points: Decimal | None,
    *,
    budget_applicable: bool = True,
    weight_total: Decimal = INDICATOR_POINTS,
) -> Decimal:
    """The total out of 100. Indicators are scaled to 90 when their weights sum to less (targets
    left blank for a unit are 不适用); without a budget the total is scaled from 90 to 100."""
    points = sum(indicator_points, Decimal(0))
    if weight_total and weight_total != INDICATOR_POINTS:
        points = points * INDICATOR_POINTS / weight_total
    if not budget_applicable:
        return (points * HUNDRED / INDICATOR_POINTS).quantize(CENT, ROUND_HALF_UP)
    return (points + (budget_points or Decimal(0))).quantize(CENT, ROUND_HALF_UP)


def grade(points: Decimal) -> str:
    """优 ≥ 90, 良 80-90, 中 60-80, 差 < 60."""
    if points >= 90:
        return "优"
    if points >= 80:
        return "良"
    if points >= 60:
        return "中"
    return "差"


def default_weights(n: int, points: Decimal = INDICATOR_POINTS) -> list[Decimal]:
    """`n` equal weights to two decimals summing exactly to `points` (the first take the spare cents)."""
    if n <= 0:
        return []
    base = (points / n).quantize(CENT, ROUND_DOWN)
    spare = int((points - base * n) / CENT)
    return [base + CENT if i < spare else base for i in range(n)]


def check_weights(weights: list[Decimal], points: Decimal = INDICATOR_POINTS) -> str | None:
    """A problem with the weights of one group, or None."""
    if any(w < 0 for w in weights):
        return "权重不能为负数"
    got = sum(weights, Decimal(0))
    if weights and got != points:
        return f"权重合计为 {got:.2f}，应为 {points:.2f}"
    return None


# --- monitoring ------------------------------------------------------------------------------------


def progress(actual: TargetValue, target: TargetValue) -> Decimal | None:
    """完成进度 in percent (完成值 ÷ 指标值 × 100) of a ≥ / > / bare-number target; None otherwise
    (a ≤ target is not reached step by step, and a qualitative one has no number)."""
    if target.number is None or target.comparator in (Comparator.LE, Comparator.LT):
        return None
    number = comparable(actual, target)
    if number is None or target.number <= 0:
        return None
    return (number / target.number * HUNDRED).quantize(CENT, ROUND_HALF_UP)


def time_elapsed(reference_date: date, year: int) -> Decimal:
    """The share of `year` gone at `reference_date`, in percent (2022-06-30: 181 ÷ 365 = 49.59)."""
    if reference_date.year < year:
        return Decimal(0)
    if reference_date.year > year:
        return HUNDRED
    days = 366 if calendar.isleap(year) else 365
    return (Decimal(reference_date.timetuple().tm_yday) / days * HUNDRED).quantize(CENT, ROUND_HALF_UP)


def deviation(progress_pct: Decimal | None, elapsed_pct: Decimal) -> Decimal | None:
    """偏差 in percentage points: progress minus time (negative: lagging)."""
    if progress_pct is None:
        return None
    return progress_pct - elapsed_pct


def lags(progress_pct: Decimal | None, elapsed_pct: Decimal, threshold: Decimal) -> bool:
    """Whether progress lags time by more than `threshold` points (then reasons are required)."""
    gap = deviation(progress_pct, elapsed_pct)
    return gap is not None and -gap > threshold

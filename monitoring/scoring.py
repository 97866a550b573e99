"""Scoring of a 自评 and the progress of a 监控, by the Ministry of Finance rules (DESIGN §8 step 5).

Pure functions over Decimal: no ORM, no I/O. The report page, the exports, the API, the
`score_targets` command and the 评分规则核对 page all call `assess` the same way.

A target is read into parts (`targets.values`); each part is scored by its direction (the
bureau's choice for the indicator, else the target's own, `targets.values.derived_direction`):

- 正向: min(完成值 ÷ 指标值, 1) × 分值;
- 反向: min(指标值 ÷ 完成值, 1) × 分值, full when 完成值 ≤ 指标值 (a target of 0: full at 0,
  nothing above it);
- 区间: full inside; above it 上限 ÷ 完成值, below it 完成值 ÷ 下限;
- a change (增长10%, 提高5个百分点, 下降3%): the change reached against the change asked, the
  change reached worked out from the baseline (last year's 完成值, else one typed with the target)
  where the 完成值 is a level;
- several parts: each its share of the points (equal unless the bureau set shares);
- 定性 (显著增长, 是), or a 完成值 written without a number: the reviewer's grade;
- 预算执行 10 points: 执行率 × 10, at most 10;
- total = budget + indicators; where the budget is 不适用 the total is scaled to 100;
- grade 优 ≥ 90, 良 80-90, 中 60-80, 差 < 60.

Every result carries its explanation (which rule, which numbers), as the page prints it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

from targets import values as tv
from targets.value_words import POINTS
from targets.values import Comparator, Direction, Part, TargetValue, format_number

from .points import (  # noqa: F401 (the weights' names, read through scoring)
    LEVEL1_POINTS,
    check_weights,
    default_weights,
    default_weights_by_level1,
    level1_key,
    level1_note,
    level1_points,
)
from .score_parts import WORDS, Reached, Refused, level_unit, match, show

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ONE = Decimal(1)
ZERO = Decimal(0)
INDICATOR_POINTS = Decimal(90)
BUDGET_POINTS = Decimal(10)


class Status(StrEnum):
    SCORED = "scored"
    JUDGE = "judge"  # 待评定: the reviewer must grade it
    REFUSED = "refused"  # 不能评分: the 完成值 (or the target) cannot be scored as written
    BLANK = "blank"  # nothing to score (blank target or 完成值)


@dataclass(frozen=True)
class Score:
    """An indicator's score: the share of its points earned (0-1), the points, by which rule."""

    ratio: Decimal
    points: Decimal
    rule: str  # positive / negative / range / change / compound / judged
    explanation: str = ""

    @property
    def full(self) -> bool:
        return self.ratio >= 1


@dataclass(frozen=True)
class Assessment:
    status: Status
    score: Score | None = None
    explanation: str = ""

    @property
    def needs_judgment(self) -> bool:
        return self.status == Status.JUDGE

    @property
    def refused(self) -> bool:
        return self.status == Status.REFUSED

    @property
    def cell(self) -> str:
        """The 得分 as a table prints it: the points, 待评定, 不能评分, or blank."""
        if self.score is not None:
            return f"{self.score.points:.2f}"
        return {Status.JUDGE: "待评定", Status.REFUSED: "不能评分"}.get(self.status, "")


def in_unit(number: Decimal, unit: str, target_unit: str) -> Decimal | None:
    """A number written in `unit` expressed in `target_unit` (`targets.values.convert`)."""
    return tv.convert(number, unit, target_unit)


def _points(ratio: Decimal, weight: Decimal) -> Decimal:
    return (ratio * weight).quantize(CENT, ROUND_HALF_UP)


def pts(points: Decimal) -> str:
    return format_number(points.quantize(CENT, ROUND_HALF_UP))


def pct(ratio: Decimal) -> str:
    return f"{(ratio * HUNDRED).quantize(CENT, ROUND_HALF_UP)}%"


def _clamp(ratio: Decimal) -> Decimal:
    return min(max(ratio, ZERO), ONE)


# --- one part ------------------------------------------------------------------------------------


def _level_ratio(direction: Direction, part: Part, reached: Decimal, unit: str) -> tuple[Decimal, str]:
    """The share earned by a number reached against one part, and the words of the rule."""
    if direction == Direction.NEGATIVE:
        goal = part.upper if part.is_range else part.number
        if reached <= goal:
            return ONE, f"未超过 {show(goal, unit)}"
        if goal <= 0:
            return ZERO, "超过上限"
        ratio = goal / reached
        return ratio, f"超过上限，{format_number(goal)} ÷ {format_number(reached)} = {pct(ratio)}"
    if direction == Direction.RANGE:
        low, high = part.number, part.upper if part.is_range else part.number
        if low <= reached <= high:
            return ONE, "在区间内"
        if reached > high:
            ratio = ZERO if high <= 0 else high / reached
            return (
                ratio,
                f"高于上限 {show(high, unit)}，{format_number(high)} ÷ {format_number(reached)} = {pct(ratio)}",
            )
        ratio = ZERO if low <= 0 else _clamp(reached / low)
        return ratio, f"低于下限 {show(low, unit)}，{format_number(reached)} ÷ {format_number(low)} = {pct(ratio)}"
    goal = part.number
    if reached >= goal:
        return ONE, f"达到 {show(goal, unit)}"
    ratio = ZERO if goal <= 0 else _clamp(reached / goal)
    return ratio, f"{format_number(reached)} ÷ {format_number(goal)} = {pct(ratio)}"


def _change_reached(part: Part, reached: Reached, baseline: Decimal | None) -> tuple[Decimal, str]:
    """The change reached, in the target's own terms (% / 个百分点 / its unit), signed along the
    target's word (a 下降 target: a fall is positive)."""
    if reached.change is not None:
        return reached.change * part.change, ""
    if baseline is None:
        asked = tv.describe_part(part, as_actual=True).split("（")[0].replace(" ", "")
        raise Refused(
            f"变化类指标没有基数（上年完成值）：请在指标值中写明基数，如“{asked}（基数：上年的值）”，"
            f"或将完成值写为实际变化，如“{asked}”"
        )
    level = reached.number
    if part.is_percent:
        if baseline == 0:
            raise Refused("基数为 0，无法计算增长率")
        change = (level - baseline) / baseline * HUNDRED
    else:
        change = level - baseline
    change = change.quantize(CENT, ROUND_HALF_UP)
    word = "增长" if change >= 0 else "下降"
    unit = part.unit if not part.is_points else POINTS
    return change * part.change, f"基数 {format_number(baseline)}，实际{word} {show(abs(change), unit)}"


def _change_ratio(part: Part, reached: Reached, baseline: Decimal | None) -> tuple[Decimal, str]:
    signed, words = _change_reached(part, reached, baseline)
    words = words or "按变化幅度计"
    asked = show(part.number, part.unit)
    if part.comparator in (Comparator.LE, Comparator.LT):
        if signed <= part.number:
            return ONE, f"{words}，未超过 {asked}"
        return (
            part.number / signed,
            f"{words}，{format_number(part.number)} ÷ {format_number(signed)} = {pct(part.number / signed)}",
        )
    if signed >= part.number:
        return ONE, f"{words}，达到 {asked}"
    if part.number <= 0 or signed <= 0:
        return ZERO, f"{words}，未达到 {asked}"
    ratio = signed / part.number
    return ratio, f"{words}，{format_number(signed)} ÷ {format_number(part.number)} = {pct(ratio)}"


RULE_LABELS = {
    Direction.POSITIVE: "正向",
    Direction.NEGATIVE: "反向",
    Direction.RANGE: "区间",
    Direction.QUALITATIVE: "定性",
}


def _part_ratio(part: Part, reached: Reached, direction: Direction | None, baseline) -> tuple[Decimal, str, str]:
    """(share earned, rule, words) of one part."""
    if part.is_change:
        ratio, words = _change_ratio(part, reached, baseline)
        return ratio, "change", words
    rule = direction or tv.part_direction(part)
    ratio, words = _level_ratio(rule, part, reached.number, part.unit)
    return ratio, rule.value, words


def _reached_words(part: Part, reached: Reached) -> str:
    words = f"完成值 {reached.written}"
    if reached.number is not None and not part.is_change:
        converted = show(reached.number, part.unit)
        if converted != reached.written and part.unit:
            words += f"（折合 {converted}）"
    return words


def _share_points(points: Decimal, n: int, shares: list[Decimal] | None) -> list[Decimal]:
    """Each part's points: the bureau's shares where set (in proportion), else equal to the cent."""
    if not shares or len(shares) != n or sum(shares, ZERO) <= 0:
        return default_weights(n, points)
    split = [(points * share / sum(shares, ZERO)).quantize(CENT, ROUND_DOWN) for share in shares]
    split[0] += points - sum(split, ZERO)
    return split


def _judged(points: Decimal, judgment: Decimal | None, grade_label: str, why: str) -> Assessment:
    if judgment is None:
        return Assessment(
            Status.JUDGE, explanation=f"待评定：{why}，由审核员评定（达成 100%，部分达成 按评定比例，未达成 0）"
        )
    ratio = _clamp(Decimal(judgment) / HUNDRED)
    got = _points(ratio, points)
    grade_words = (
        f"{grade_label}（{format_number(ratio * HUNDRED)}%）" if grade_label else f"{format_number(ratio * HUNDRED)}%"
    )
    explanation = f"定性：{why}，审核员评定为 {grade_words}，得 {pts(got)} 分（分值 {pts(points)}）"
    return Assessment(Status.SCORED, Score(ratio, got, "judged", explanation), explanation)


def _one_part(target_raw: str, part, reached, points, direction, baseline) -> Assessment:
    ratio, rule, words = _part_ratio(part, reached, direction, baseline)
    got = _points(ratio, points)
    label = "变化" if rule == "change" else RULE_LABELS[Direction(rule)]
    explanation = (
        f"{label}：指标值 {target_raw}，{_reached_words(part, reached)}，{words}，"
        f"得 {pts(got)} 分（分值 {pts(points)}）"
    )
    return Assessment(Status.SCORED, Score(ratio, got, rule, explanation), explanation)


def _compound(parts, reached, points, direction, bases, shares) -> Assessment:
    lines, earned = [], ZERO
    split = _share_points(points, len(parts), shares)
    for n, (part, got, share, base) in enumerate(zip(parts, reached, split, bases), 1):
        ratio, rule, words = _part_ratio(part, got, direction, base)
        part_points = _points(ratio, share)
        earned += part_points
        label = "变化" if rule == "change" else RULE_LABELS[Direction(rule)]
        lines.append(
            f"分项{n} {tv.describe_part(part)}（{label}）：{_reached_words(part, got)}，{words}，"
            f"得 {pts(part_points)} 分（分值 {pts(share)}）"
        )
    how = "按设定比例" if shares and len(shares) == len(parts) else "平均分配"
    explanation = (
        f"复合指标（{len(parts)} 个分项，分值{how}）：{'；'.join(lines)}；合计得 {pts(earned)} 分（分值 {pts(points)}）"
    )
    ratio = earned / points if points else ONE
    return Assessment(Status.SCORED, Score(ratio, earned, "compound", explanation), explanation)


def _base(part: Part, baseline: TargetValue | str | None) -> tuple[Decimal | None, str]:
    """A change part's base (last year's 完成值 where given, else the one typed with the target)
    and the unit levels are read in."""
    if isinstance(baseline, TargetValue):
        baseline = baseline.raw
    if baseline and baseline.strip():
        found = tv.parts_of(tv.parse(baseline, default_unit=level_unit(part)))
        if found:
            unit = level_unit(part, found[0].unit)
            number = tv.convert(found[0].number, found[0].unit, unit) if unit else found[0].number
            return number, unit
    return part.baseline, level_unit(part)


def assess(
    target: TargetValue,
    actual: TargetValue | str,
    points: Decimal,
    *,
    direction: str = "",
    judgment: Decimal | None = None,
    baseline: TargetValue | str | None = None,
    shares: list[Decimal] | None = None,
    grade_label: str = "",
) -> Assessment:
    """Score one 完成值 against its target for `points` (分值). `direction`: the bureau's 指标性质
    ("" to take the target's own); `judgment`: the reviewer's percentage (0-100) where one is
    needed; `baseline`: last year's 完成值 for a change target; `shares`: the parts' shares."""
    actual_raw = actual if isinstance(actual, str) else actual.raw
    if target.is_blank:
        return Assessment(Status.BLANK, explanation="指标值为空，不评分")
    if not (actual_raw or "").strip():
        return Assessment(Status.BLANK, explanation="未填写完成值")
    chosen = Direction(direction) if direction else None
    parts = tv.parts_of(target)
    if chosen == Direction.QUALITATIVE or not parts:
        return _judged(points, judgment, grade_label, "定性指标")
    bases = [_base(part, baseline) if part.is_change else (None, part.unit) for part in parts]
    try:
        reached = match(parts, actual_raw, [unit for _, unit in bases])
        if reached == WORDS:
            return _judged(points, judgment, grade_label, "完成值未写数值")
        if len(parts) == 1:
            return _one_part(target.raw.strip(), parts[0], reached[0], points, chosen, bases[0][0])
        return _compound(parts, reached, points, chosen, [b for b, _ in bases], shares)
    except Refused as exc:
        return Assessment(Status.REFUSED, explanation=f"不能评分：{exc}")


def indicator_score(
    target: TargetValue, actual: TargetValue, weight: Decimal, judgment: Decimal | None = None, **options
) -> Score | None:
    """The score of one indicator, None while it cannot be given (see `assess`)."""
    return assess(target, actual, weight, judgment=judgment, **options).score


def needs_judgment(target: TargetValue, actual: TargetValue, direction: str = "") -> bool:
    """Whether the reviewer must grade this value: 定性 targets, 完成值 without a number."""
    return assess(target, actual, ONE, direction=direction).needs_judgment


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


def budget_explanation(executed: Decimal | None, budget: Decimal | None, *, applicable: bool = True) -> str:
    """How the 预算执行 points were given: 执行率 = 全年执行数 ÷ 全年预算数, × 10, at most 10."""
    if not applicable:
        return "无预算资金：预算执行不适用，总分由指标得分按 100 分折算（× 100 ÷ 90）"
    if not budget:
        return "不能评分：没有全年预算数"
    if executed is None:
        return "待填写：全年执行数"
    rate = Decimal(executed) / Decimal(budget)
    got = budget_score(rate)
    capped = "，执行率超过 100% 按 100% 计" if rate > 1 else ""
    return (
        f"预算执行率 = 全年执行数 {format_number(Decimal(executed))} ÷ 全年预算数 {format_number(Decimal(budget))}"
        f" = {pct(rate)}{capped}，得 {pts(got)} 分（分值 10）"
    )


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


# --- monitoring ------------------------------------------------------------------------------------


def progress(actual: TargetValue, target: TargetValue, direction: str = "") -> Decimal | None:
    """完成进度 in percent (完成值 ÷ 指标值 × 100) of a 正向 target (a range against its lower
    bound; several parts: their mean); None otherwise — a 反向 target is not reached step by
    step, a change needs its base, a qualitative one has no number — or when the 完成值 cannot
    be read against it."""
    parts = tv.parts_of(target)
    if not parts or (actual.raw or "").strip() == "" or direction in (Direction.NEGATIVE, Direction.QUALITATIVE):
        return None
    if any(p.is_change or tv.part_direction(p) == Direction.NEGATIVE for p in parts):
        return None
    try:
        reached = match(parts, actual.raw, [p.unit for p in parts])
    except Refused:
        return None
    if reached == WORDS or any(p.number <= 0 for p in parts):
        return None
    shares = [r.number / p.number for p, r in zip(parts, reached)]
    return (sum(shares, ZERO) / len(shares) * HUNDRED).quantize(CENT, ROUND_HALF_UP)


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

"""Plausibility: which values a filler or a reviewer should look at twice (issue 21 §4).

One pure function, `warnings_for`, decides; the grid's save answer, the grid, the row page, the
submission, the review queue, the API and the monitoring report all ask it, so they never
disagree. A warning is never a refusal: the value is saved as typed, and the unit confirms it
with a reason before it submits (`targets.plausibility_services`).

A value is flagged when it is
- negative;
- a percentage over 100 where the target is a share (满意度 ≥90%, a column in %, not 增长10%);
- more than 10 times, or less than a tenth of, a reference: last year's approved value, the
  下达值, the target of a 自评/监控 value. Against the project's own target (the whole province's
  figure, of which a unit carries a share) only "more than 10 times" counts: a tenth of it is
  what a unit among sixteen usually writes.

Only plain quantities are compared (`500`, `≥500条`, `95%`), in the same unit or in units of
money the product converts (元/千元/万元/亿元); a sentence, a qualitative value, a growth target or
two units that do not convert are not compared.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from . import values as tv

TIMES = Decimal(10)

PERCENT_UNITS = frozenset({"%", "％"})
MONEY = {"元": Decimal(1), "千元": Decimal(1_000), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
MINUS_SIGNS = ("-", "－", "−", "负")
# A percentage of change is not a share: 增长10% may be 150%.
GROWTH_WORDS = ("增长", "增幅", "增速", "增加", "提高", "提升", "下降", "降低", "减少", "同比", "环比", "百分点")
# A header naming a share, when its unit is not written as %: 满意度, 执行率, 占比.
SHARE_WORDS = ("率", "满意度", "比例", "占比", "比重")


class Code:
    NEGATIVE = "negative"
    PERCENT_OVER_100 = "percent_over_100"
    TIMES_OVER = "times_over"
    TIMES_UNDER = "times_under"


class Basis:
    """What a value is compared with, as the pages name it."""

    LAST_YEAR = "上年审核通过值"
    ASSIGNED = "下达值"
    PROJECT_TARGET = "项目目标"
    TARGET = "指标值"


@dataclass(frozen=True)
class Reference:
    """A value to compare with. `factor` turns the checked value's number into the reference's
    unit (a column's 汇总 factor, 万元 → 亿元 0.0001); `whole`: the reference is a whole of which
    the value is a part (the project's target), so only "more than 10 times" counts."""

    basis: str
    value: tv.TargetValue
    factor: Decimal = Decimal(1)
    whole: bool = False


@dataclass(frozen=True)
class ValueWarning:
    code: str
    message: str
    basis: str = ""

    def as_data(self) -> dict:
        return {"code": self.code, "message": self.message, "basis": self.basis}


def is_negative(value: tv.TargetValue) -> bool:
    """`-5`, `－5份`, `负3`: a minus sign right before the number, or a negative number."""
    if value.number is None:
        return False
    return value.number < 0 or getattr(value, "prefix", "").rstrip(" \u3000").endswith(MINUS_SIGNS)


def _is_percent(value: tv.TargetValue | None) -> bool:
    return value is not None and value.number is not None and value.measure_unit in PERCENT_UNITS


def _growth(text: str) -> bool:
    return any(word in text for word in GROWTH_WORDS)


def is_share(header: str = "", header_unit: str = "", references: Iterable[Reference] = ()) -> bool:
    """Whether a percentage here is a part of a whole (at most 100%): the column is in % or names
    a rate, or a target to compare with is a percentage — and none of them speaks of growth."""
    if _growth(header):
        return False
    if header_unit in PERCENT_UNITS or any(word in header for word in SHARE_WORDS):
        return True
    return any(_is_percent(r.value) and not _growth(r.value.raw) for r in references)


def _scale(unit: str, other: str) -> Decimal | None:
    """What a number in `unit` is multiplied by to be in `other`; None where they do not convert."""
    if unit == other or not unit or not other:
        return Decimal(1)
    if unit in MONEY and other in MONEY:
        return MONEY[unit] / MONEY[other]
    return None


def comparable(value: tv.TargetValue, reference: Reference) -> Decimal | None:
    """The value's number in the reference's unit, where the two can be compared at all."""
    other = reference.value
    if value.kind != tv.Kind.QUANTITY or other.kind != tv.Kind.QUANTITY:
        return None
    if value.number is None or other.number is None or _growth(other.raw):
        return None
    scale = Decimal(1) if reference.factor != 1 else _scale(value.measure_unit, other.measure_unit)
    if scale is None:
        return None
    return value.number * scale * reference.factor


def _times(number: Decimal) -> str:
    """`12`, `0.05`: a ratio as a person reads it (no exponent, at most 2 decimals)."""
    rounded = number.quantize(Decimal("0.01")) if number < 100 else number.quantize(Decimal(1))
    return tv.format_number(rounded)


def _ratio_warning(value: tv.TargetValue, reference: Reference) -> ValueWarning | None:
    number = comparable(value, reference)
    base = reference.value.number
    if number is None or base is None or base <= 0 or number < 0:
        return None
    shown = f"{reference.basis}（{reference.value.raw.strip()}）"
    if number > base * TIMES:
        return ValueWarning(Code.TIMES_OVER, f"是{shown}的 {_times(number / base)} 倍，请核实", reference.basis)
    if not reference.whole and number * TIMES < base:
        if number == 0:
            return ValueWarning(Code.TIMES_UNDER, f"为 0，而{shown}不为 0，请核实", reference.basis)
        return ValueWarning(
            Code.TIMES_UNDER, f"不到{shown}的十分之一（{_times(number / base)} 倍），请核实", reference.basis
        )
    return None


def warnings_for(
    value: tv.TargetValue, references: Iterable[Reference] = (), *, header: str = "", header_unit: str = ""
) -> list[ValueWarning]:
    """The warnings of one value: what a person should check before it is submitted or approved.

    `header` / `header_unit`: the column's name and unit (they say whether a percentage is a share).
    Pure: the same value and references give the same warnings, on every page."""
    if value.number is None or value.kind not in (tv.Kind.QUANTITY, tv.Kind.SENTENCE):
        return []
    references = list(references)
    found = []
    if is_negative(value):
        found.append(ValueWarning(Code.NEGATIVE, f"为负数（{value.raw.strip()}），请核实"))
        return found  # a ratio to a negative number says nothing more
    if _is_percent(value) and value.number > 100 and is_share(header, header_unit, references):
        found.append(ValueWarning(Code.PERCENT_OVER_100, f"超过 100%（{value.raw.strip()}），而该指标是比率，请核实"))
    for reference in references:
        warning = _ratio_warning(value, reference)
        if warning is not None:
            found.append(warning)
    return found


def change_percent(value: tv.TargetValue, reference: Reference) -> Decimal | None:
    """The change from the reference to the value in percent, to one decimal (20.0, -66.7);
    None where they are not comparable or the reference is 0."""
    number = comparable(value, reference)
    base = reference.value.number
    if number is None or not base:
        return None
    return ((number - base) * 100 / abs(base)).quantize(Decimal("0.1"))


def change_label(change: Decimal | None) -> str:
    """`+20%`, `−66.7%`, `持平`, or "" when there is nothing to compare."""
    if change is None:
        return ""
    if change == 0:
        return "持平"
    return f"+{tv.format_number(change)}%" if change > 0 else f"−{tv.format_number(-change)}%"


def share_percent(value: tv.TargetValue, reference: Reference) -> Decimal | None:
    """What part of the reference (the project's target) the value is, in percent, one decimal."""
    number = comparable(value, reference)
    base = reference.value.number
    if number is None or not base:
        return None
    return (number * 100 / base).quantize(Decimal("0.1"))

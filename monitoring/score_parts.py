"""A 完成值 read against its target's parts (DESIGN §8 step 5), before any score is given.

`match(target_parts, actual_raw)` reads the 完成值 with the target's own parser and gives, for
each part of the target, the number reached in that part's unit — or the reason it cannot be
scored: a negative count, a unit that contradicts the target's (件 against 万元, % against 件),
a bare 0.96 against a percent target (asked: 是否指 96%？), a part of a compound target missing.
A 完成值 without any number (大部分完成) is for the reviewer to grade (`WORDS`). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from targets import values as tv
from targets.value_words import MONEY, PERCENT, POINTS
from targets.values import Part, convert, format_number, units_agree

WORDS = "words"  # the 完成值 has no number: the reviewer grades it


@dataclass(frozen=True)
class Reached:
    """What was reached for one part: `number` in the part's unit, or `change` for a change part
    written as a change (增长12%), with `written` the 完成值's own part as the page shows it."""

    number: Decimal | None
    written: str
    change: Decimal | None = None


class Refused(Exception):
    """The 完成值 cannot be scored against this target: the message says why, in Chinese."""


def show(number: Decimal, unit: str) -> str:
    return f"{format_number(number)}{'个百分点' if unit == POINTS else unit}"


def _check(part: Part, actual: Part, raw: str) -> None:
    if actual.number < 0 and not (part.is_percent or part.is_points or part.is_change):
        raise Refused(f"完成值“{raw.strip()}”为负数：数量和金额不能为负")
    if actual.unit_written and part.unit and not units_agree(actual.unit, part.unit):
        raise Refused(f"完成值的单位“{actual.unit}”与指标值的单位“{part.unit}”不一致")
    if part.unit in ("万", "亿") and not actual.unit_written:
        raise Refused(
            f"完成值“{format_number(actual.number)}”没有写单位，指标值以“{part.unit}”计："
            f"请写明单位，如“{format_number(actual.number / MONEY[part.unit])}{part.unit}”"
        )
    if part.is_percent and not actual.unit_written and 0 < abs(actual.number) <= 1:
        pct = format_number(actual.number * 100)
        raise Refused(
            f"完成值“{format_number(actual.number)}”没有写单位，指标值为百分比：是否指 {pct}%？"
            f"请填写“{pct}%”；如确为 {format_number(actual.number)}%，请填写“{format_number(actual.number)}%”"
        )


def level_unit(part: Part, base_unit: str = "") -> str:
    """The unit a level is read in against a change target: % for 个百分点, the base's unit for a
    relative change (增长10%), the target's own unit for 增加100件."""
    if part.is_points:
        return PERCENT
    if part.is_percent:
        return part.baseline_unit or base_unit
    return part.unit


def _reach(part: Part, actual: Part, raw: str, unit: str, alone: bool = False) -> Reached:
    written = raw.strip() if alone else show(actual.number, actual.unit)
    if part.is_change and not actual.is_change:
        if part.is_percent and actual.unit_written and actual.is_percent:
            # 增长10% → 12%: the rate reached; a 下降 target's rate is a fall however it is signed
            rate = -abs(actual.number) if part.change < 0 else actual.number
            return Reached(None, written, change=rate)
        _check(Part(comparator=part.comparator, number=Decimal(0), unit=unit), actual, raw)
        return Reached(convert(actual.number, actual.unit, unit), written)
    _check(part, actual, raw)
    if part.is_change and actual.is_change:
        if (part.is_percent, part.is_points) != (actual.is_percent, actual.is_points):
            raise Refused(f"完成值“{written}”与指标值“{show(part.number, part.unit)}”的口径不一致")
        signed = actual.number * actual.change
        word = "增长" if actual.change > 0 else "下降"
        # A 完成值 written whole (增长12%) already says its word; a part read out of it does not.
        return Reached(None, written if alone else f"{word}{written}", change=signed)
    return Reached(convert(actual.number, actual.unit, part.unit), written)


def _fits(part: Part, actual: Part, unit: str) -> bool:
    if part.is_change and not actual.is_change:
        return not actual.unit_written or not unit or units_agree(actual.unit, unit)
    return not actual.unit_written or not part.unit or units_agree(actual.unit, part.unit)


def match(parts: tuple[Part, ...], raw: str, units: list[str]) -> list[Reached] | str:
    """The 完成值 `raw` for each part of a target, in the parts' order (`units`: the unit each
    part's level is read in); WORDS when it has no number. Raises Refused."""
    default = units[0] if len(parts) == 1 and units[0] not in ("万", "亿") else ""
    actual = tv.parse(raw, default_unit=default)
    written = tv.parts_of(actual)
    if not written:
        return WORDS
    if len(parts) == 1:
        chosen = next((a for a in written if a.unit_written and _fits(parts[0], a, units[0])), written[0])
        return [_reach(parts[0], chosen, raw, units[0], alone=len(written) == 1 and len(raw.strip()) <= 20)]
    unused = list(written)
    reached = []
    for part, unit in zip(parts, units):
        found = next((a for a in unused if _fits(part, a, unit)), None)
        if found is None:
            units = "、".join(dict.fromkeys(a.unit for a in written if a.unit)) or "无"
            raise Refused(
                f"指标值有 {len(parts)} 个分项，缺少分项“{tv.describe_part(part)}”的完成值"
                f"（完成值中的单位：{units}）：请按分项填写，如“{example(parts)}”"
            )
        unused.remove(found)
        reached.append(_reach(part, found, raw, unit))
    return reached


def example(parts: tuple[Part, ...]) -> str:
    """How to write the 完成值 of a compound target: each part's number with its unit."""
    return "，".join(show(p.number, p.unit) + (f"（{p.subject}）" if p.subject else "") for p in parts)

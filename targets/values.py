"""Target values as people write them: `≥500条`, `100人以上`, `显著增长`, `5,000.00`.

`parse` is a pure function from the written text to a `TargetValue`; `format_value`
is its inverse. A parsed value remembers how it was written (prefix, the comparator
words, the digits with their separators, the unit, the rest of the sentence), so
`format_value(parse(raw)) == raw` for every string; a value built from parts with
`TargetValue.of(...)` formats in the canonical way (`≥500条`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache

from . import value_parts
from .value_words import (  # noqa: F401 (the names callers import from here)
    DIGITS,
    DIRECTION_LABELS,
    DIRECTION_WORDS,
    MEASURE_UNITS,
    MONEY,
    NUMBER_RE,
    PREFIX_WORDS,
    SUFFIX_WORDS,
    SYNONYMS,
    Comparator,
    Direction,
    Part,
)


class Kind(StrEnum):
    BLANK = "blank"  # nothing written; a legal value
    QUANTITY = "quantity"  # comparator? number unit?, nothing else
    SENTENCE = "sentence"  # a sentence with a number inside
    QUALITATIVE = "qualitative"  # no number: 显著增长, 是, 进一步提升


class Shape(StrEnum):
    """What a target asks for, as a finance officer reads it (the parts say the details)."""

    BLANK = "blank"
    QUANTITY = "quantity"  # one part: ≥500条, 0次, 举办活动≥4场
    RANGE = "range"  # 80%-90%, 介于80%和90%之间
    COMPOUND = "compound"  # several parts: 不少于15家媒体…不少于30篇
    CHANGE = "change"  # 增长10%, 提高5个百分点, 下降3%
    QUALITATIVE = "qualitative"  # 显著增长, 是, 有所提升


_DIGITS = DIGITS
_NUMBER_RE = NUMBER_RE
_PREFIX_WORDS = PREFIX_WORDS
_SUFFIX_WORDS = SUFFIX_WORDS


@dataclass(frozen=True)
class TargetValue:
    raw: str
    kind: Kind
    comparator: Comparator = Comparator.NONE
    number: Decimal | None = None
    measure_unit: str = ""
    text: str = ""
    # How it was written; empty when the value was built from parts.
    prefix: str = ""
    comparator_token: str = ""
    comparator_after: bool = False
    number_token: str = ""
    unit_token: str = ""
    suffix: str = ""
    # Every part the text asks for (value_parts.read); empty for blank and qualitative values.
    parts: tuple[Part, ...] = ()

    @classmethod
    def of(
        cls,
        *,
        number: Decimal | int | str | None = None,
        comparator: Comparator | str = Comparator.NONE,
        measure_unit: str = "",
        text: str = "",
    ) -> TargetValue:
        """A value built from its parts (a typed number, a qualitative text)."""
        if number is None:
            kind = Kind.QUALITATIVE if text else Kind.BLANK
            value = cls(raw="", kind=kind, text=text)
        else:
            value = cls(
                raw="",
                kind=Kind.QUANTITY,
                comparator=Comparator(comparator),
                number=Decimal(str(number)),
                measure_unit=measure_unit,
                unit_token=measure_unit,
            )
        value = value.with_raw(format_value(value))
        if value.number is None:
            return value
        return TargetValue(**{**value.__dict__, "parts": value_parts.read(value.raw, measure_unit).parts})

    def with_raw(self, raw: str) -> TargetValue:
        return TargetValue(**{**self.__dict__, "raw": raw})

    @property
    def is_blank(self) -> bool:
        return self.kind == Kind.BLANK

    @property
    def shape(self) -> Shape:
        if self.kind == Kind.BLANK:
            return Shape.BLANK
        if not self.parts:
            return Shape.QUALITATIVE
        if any(part.is_change for part in self.parts):
            return Shape.CHANGE
        if len(self.parts) > 1:
            return Shape.COMPOUND
        return Shape.RANGE if self.parts[0].is_range else Shape.QUANTITY


class ParseError(ValueError):
    """Raised only by `parse_number`: free text is never an error for `parse`."""


def _to_ascii_digits(token: str) -> str:
    # NFKC folds full-width digits and the full-width point; separators are dropped.
    folded = unicodedata.normalize("NFKC", token)
    return folded.replace(",", "").replace("，", "")


def _decimal(token: str) -> Decimal | None:
    try:
        return Decimal(_to_ascii_digits(token))
    except InvalidOperation:
        return None


def parse(raw: str | None, *, default_unit: str = "") -> TargetValue:
    """Read a written target value (memoised: values repeat, and a TargetValue is immutable).

    `default_unit` is the unit from the column header (`专利质押融资金额（万元）`):
    it becomes the value's unit when the cell itself names none.

    The single-value fields (comparator, number, measure_unit) mirror one part: the first that
    has a comparator, else the first (what every reader before `parts` expected)."""
    return _parse("" if raw is None else str(raw), default_unit)


@lru_cache(maxsize=65536)
def _parse(raw: str, default_unit: str) -> TargetValue:
    if not raw.strip():
        return TargetValue(raw=raw, kind=Kind.BLANK, measure_unit="")
    reading = value_parts.read(raw, default_unit)
    found = reading.principal
    if found is None:
        return TargetValue(raw=raw, kind=Kind.QUALITATIVE, text=raw)
    part = reading.principal_part
    if found.before:
        start, token, comparator_after = found.before[0], found.before[1], False
    elif found.after:
        start, token, comparator_after = found.start, found.after[0], True
    else:
        start, token, comparator_after = found.start, "", False
    prefix, suffix = raw[:start], raw[found.token_end :]
    # Trailing sentence punctuation does not make a quantity a sentence.
    is_quantity = not prefix.strip() and not suffix.strip(" \u3000。.;；")
    return TargetValue(
        raw=raw,
        kind=Kind.QUANTITY if is_quantity else Kind.SENTENCE,
        comparator=part.comparator,
        number=found.number,
        measure_unit=part.unit if part.number == found.number else found.unit,
        text="" if is_quantity else raw,
        prefix=prefix,
        comparator_token=token,
        comparator_after=comparator_after,
        number_token=raw[found.start : found.end],
        unit_token=found.unit_token,
        suffix=suffix,
        parts=reading.parts,
    )


def format_number(number: Decimal) -> str:
    """`Decimal('500')` → `500`, `Decimal('15.50')` → `15.5`: no exponent, no trailing zeros."""
    text = format(number.normalize(), "f")
    return text


def format_value(value: TargetValue) -> str:
    """The text of a value: as it was written, or canonically when built from parts."""
    if value.kind == Kind.BLANK:
        return value.raw if value.raw else ""
    if value.kind == Kind.QUALITATIVE:
        return value.text
    number_token = value.number_token or format_number(value.number)
    if value.comparator_token or value.number_token:
        unit = value.unit_token
        token = value.comparator_token
    else:
        unit = value.measure_unit
        token = value.comparator.value
    if value.comparator_after:
        body = number_token + unit + token
    else:
        body = token + number_token + unit
    return value.prefix + body + value.suffix


def parse_number(raw: str) -> Decimal:
    """A plain number for a numeric form field (`5,000.00`, `１６０`); anything else is an error."""
    token = (raw or "").strip()
    if not _NUMBER_RE.fullmatch(token):
        raise ParseError(f"“{raw}”不是数字")
    number = _decimal(token)
    if number is None:
        raise ParseError(f"“{raw}”不是数字")
    return number


def describe_part(part: Part, *, as_actual: bool = False) -> str:
    unit = part.unit
    subject = f"（{part.subject}）" if part.subject else ""
    if part.is_change:
        word = "增长" if part.change > 0 else "下降"
        if part.is_points:
            word = "提高" if part.change > 0 else "降低"
            unit = "个百分点"
        bound = {"≥": "不少于", ">": "超过", "≤": "不超过", "<": "少于"}.get(part.comparator.value, "")
        base = (
            f"{format_number(part.baseline)}{part.baseline_unit or part.unit}"
            if part.baseline is not None
            else "上年完成值"
        )
        if as_actual and part.baseline is None:
            return f"{word} {format_number(part.number)}{unit}{subject}"
        return f"{word}{bound} {format_number(part.number)}{unit}（基数：{base}）{subject}"
    if part.is_range:
        return f"区间 {format_number(part.number)}{unit}–{format_number(part.upper)}{unit}{subject}"
    return f"{part.comparator.value}{format_number(part.number)}{unit}{subject}"


def describe(value: TargetValue, *, as_actual: bool = False) -> str:
    """How the product read a value, for the person who typed it: `≥15家（媒体） 且 ≥30篇`,
    `区间 80%–90%`, `增长 10%（基数：上年完成值）`, `定性，由审核员评定`. `as_actual`: a 完成值
    (a change it reports has no base of its own; words are for the reviewer to grade)."""
    if value.kind == Kind.BLANK:
        return "空白"
    parts = value.parts or _fallback_parts(value)
    if not parts:
        return "文字，由审核员评定" if as_actual else "定性，由审核员评定"
    return " 且 ".join(describe_part(part, as_actual=as_actual) for part in parts)


def _fallback_parts(value: TargetValue) -> tuple[Part, ...]:
    """The parts of a value rebuilt from stored fields (no parts kept): read its text again."""
    if value.number is None:
        return ()
    return parse(value.raw, default_unit="" if value.unit_token else value.measure_unit).parts or (
        Part(comparator=value.comparator, number=value.number, unit=value.measure_unit),
    )


def parts_of(value: TargetValue) -> tuple[Part, ...]:
    """The parts of any value, parsed or rebuilt from stored fields."""
    if value.is_blank:
        return ()
    return value.parts or _fallback_parts(value)


def derived_direction(value: TargetValue) -> Direction:
    """指标性质 as the target says it: ≤ < → 反向, a range → 区间, no number → 定性, a bare 0
    (it can only be a ceiling) → 反向, 下降/减少 → 反向, else 正向."""
    parts = parts_of(value)
    if not parts:
        return Direction.QUALITATIVE if value.kind == Kind.QUALITATIVE else Direction.POSITIVE
    return part_direction(parts[0])


def part_direction(part: Part) -> Direction:
    if part.is_range:
        return Direction.RANGE
    if part.is_change:
        return Direction.NEGATIVE if part.change < 0 else Direction.POSITIVE
    if part.comparator in (Comparator.LE, Comparator.LT):
        return Direction.NEGATIVE
    if part.comparator in (Comparator.NONE, Comparator.EQ) and part.number == 0:
        return Direction.NEGATIVE
    return Direction.POSITIVE


def effective_direction(stored: str, value: TargetValue) -> Direction:
    """The bureau's choice where it made one, else the target's own."""
    return Direction(stored) if stored else derived_direction(value)


def read_direction(text: str) -> Direction | None:
    """A direction as people write it (正向, 反向, ≥, ≤, 区间, 定性 …); None for blank.
    Raises ValueError for anything else."""
    word = unicodedata.normalize("NFKC", (text or "")).strip().replace(" ", "")
    if not word:
        return None
    for key, direction in DIRECTION_WORDS.items():
        if unicodedata.normalize("NFKC", key) == word:
            return direction
    raise ValueError(f"“{text}”不是指标性质（应为 正向、反向、区间 或 定性）")


def direction_symbol(direction: str | Direction | None, value: TargetValue | None = None) -> str:
    """指标性质 as the forms print it: ≥ (正向), ≤ (反向), ＝ (a target written with =), 区间, 定性."""
    if not direction:
        direction = derived_direction(value) if value is not None else Direction.POSITIVE
    direction = Direction(direction)
    if direction == Direction.POSITIVE:
        parts = parts_of(value) if value is not None else ()
        if parts and parts[0].comparator == Comparator.EQ:
            return "＝"
        return "≥"
    return {Direction.NEGATIVE: "≤", Direction.RANGE: "区间", Direction.QUALITATIVE: "定性"}[direction]


def units_agree(unit: str, target_unit: str) -> bool:
    """Whether a number written in `unit` can be held against `target_unit` (see `convert`)."""
    return convert(Decimal(1), unit, target_unit) is not None


def convert(number: Decimal, unit: str, target_unit: str) -> Decimal | None:
    """A number written in `unit` expressed in `target_unit`: as is for the same unit (or one not
    given, or a synonym: 场/场次), converted between money units (万元 ↔ 亿元 ↔ 元), a bare 万 / 亿
    taken as a multiplier against a unit that is not money (3.5万 against 件 is 35000); None where
    the units contradict each other (件 against 万元, % against 件)."""
    unit, target_unit = value_parts.normal_unit(unit), value_parts.normal_unit(target_unit)
    if unit in ("万", "亿") and target_unit not in MONEY:
        return number * MONEY[unit]
    if not unit or not target_unit or unit == target_unit:
        return number
    if any(unit in group and target_unit in group for group in SYNONYMS):
        return number
    if unit in MONEY and target_unit in MONEY:
        return number * MONEY[unit] / MONEY[target_unit]
    return None

"""Target values as people write them: `≥500条`, `100人以上`, `显著增长`, `5,000.00`.

`parse` is a pure function from the written text to a `TargetValue`; `format_value`
is its inverse. A parsed value remembers how it was written (prefix, the comparator
words, the digits with their separators, the unit, the rest of the sentence), so
`format_value(parse(raw)) == raw` for every string; a value built from parts with
`TargetValue.of(...)` formats in the canonical way (`≥500条`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache


class Comparator(StrEnum):
    NONE = ""
    GE = "≥"
    GT = ">"
    EQ = "="
    LT = "<"
    LE = "≤"


class Kind(StrEnum):
    BLANK = "blank"  # nothing written; a legal value
    QUANTITY = "quantity"  # comparator? number unit?, nothing else
    SENTENCE = "sentence"  # a sentence with a number inside
    QUALITATIVE = "qualitative"  # no number: 显著增长, 是, 进一步提升


# Comparators written before the number. Longest first so 不少于 wins over 少于.
_PREFIX_WORDS: list[tuple[str, Comparator]] = sorted(
    [
        ("不少于", Comparator.GE),
        ("不低于", Comparator.GE),
        ("不小于", Comparator.GE),
        ("大于等于", Comparator.GE),
        ("大于或等于", Comparator.GE),
        ("至少", Comparator.GE),
        ("不超过", Comparator.LE),
        ("不高于", Comparator.LE),
        ("不多于", Comparator.LE),
        ("不大于", Comparator.LE),
        ("小于等于", Comparator.LE),
        ("小于或等于", Comparator.LE),
        ("至多", Comparator.LE),
        ("超过", Comparator.GT),
        ("大于", Comparator.GT),
        ("多于", Comparator.GT),
        ("高于", Comparator.GT),
        ("少于", Comparator.LT),
        ("低于", Comparator.LT),
        ("小于", Comparator.LT),
        ("达到", Comparator.EQ),
        (">=", Comparator.GE),
        ("<=", Comparator.LE),
        ("＞＝", Comparator.GE),
        ("＜＝", Comparator.LE),
        ("≥", Comparator.GE),
        ("≧", Comparator.GE),
        ("⩾", Comparator.GE),
        ("≤", Comparator.LE),
        ("≦", Comparator.LE),
        ("⩽", Comparator.LE),
        (">", Comparator.GT),
        ("＞", Comparator.GT),
        ("<", Comparator.LT),
        ("＜", Comparator.LT),
        ("=", Comparator.EQ),
        ("＝", Comparator.EQ),
    ],
    key=lambda pair: -len(pair[0]),
)

# Comparators written after the number and its unit: 100人以上, 10件以内.
_SUFFIX_WORDS: list[tuple[str, Comparator]] = [
    ("及以上", Comparator.GE),
    ("以上", Comparator.GE),
    ("及以下", Comparator.LE),
    ("以下", Comparator.LE),
    ("以内", Comparator.LE),
]

# Units of measure seen on these forms. Longest first so 人次 wins over 人, 万元 over 万.
MEASURE_UNITS: list[str] = sorted(
    [
        "亿元",
        "万元",
        "千元",
        "元",
        "亿",
        "万",
        "%",
        "％",
        "‰",
        "条",
        "件",
        "家",
        "场次",
        "场",
        "人次",
        "人",
        "份",
        "支",
        "个",
        "项",
        "次",
        "篇",
        "期",
        "年",
        "个月",
        "月",
        "天",
        "日",
        "倍",
        "台",
        "套",
        "本",
        "册",
        "部",
        "所",
        "户",
        "名",
        "位",
        "批",
        "类",
        "种",
        "笔",
        "亩",
        "平方米",
        "米",
        "公里",
        "小时",
    ],
    key=len,
    reverse=True,
)

_DIGITS = "0-9０-９"
# A number as written: digits with optional thousands separators and decimals.
_NUMBER_RE = re.compile(rf"[{_DIGITS}](?:[{_DIGITS},，]*[{_DIGITS}])?(?:[.．][{_DIGITS}]+)?")


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
        return value.with_raw(format_value(value))

    def with_raw(self, raw: str) -> TargetValue:
        return TargetValue(**{**self.__dict__, "raw": raw})

    @property
    def is_blank(self) -> bool:
        return self.kind == Kind.BLANK


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


def _comparator_before(text: str, end: int) -> tuple[int, str, Comparator] | None:
    """The comparator written right before position `end` (spaces allowed between)."""
    gap = len(text[:end]) - len(text[:end].rstrip(" \u3000"))
    head = text[: end - gap]
    for word, comparator in _PREFIX_WORDS:
        if head.endswith(word):
            start = end - gap - len(word)
            return start, text[start:end], comparator
    return None


def _unit_at(text: str, start: int) -> str:
    for unit in MEASURE_UNITS:
        if text.startswith(unit, start):
            return unit
    return ""


def _suffix_comparator_at(text: str, start: int) -> tuple[str, Comparator] | None:
    for word, comparator in _SUFFIX_WORDS:
        if text.startswith(word, start):
            return word, comparator
    return None


def parse(raw: str | None, *, default_unit: str = "") -> TargetValue:
    """Read a written target value (memoised: values repeat, and a TargetValue is immutable).

    `default_unit` is the unit from the column header (`专利质押融资金额（万元）`):
    it becomes the value's unit when the cell itself names none.
    """
    return _parse("" if raw is None else str(raw), default_unit)


@lru_cache(maxsize=65536)
def _parse(raw: str, default_unit: str) -> TargetValue:
    if not raw.strip():
        return TargetValue(raw=raw, kind=Kind.BLANK, measure_unit="")

    candidates = []
    for match in _NUMBER_RE.finditer(raw):
        number = _decimal(match.group())
        if number is None:
            continue
        before = _comparator_before(raw, match.start())
        unit = _unit_at(raw, match.end())
        after = _suffix_comparator_at(raw, match.end() + len(unit))
        candidates.append((match, number, before, unit, after))
    if not candidates:
        return TargetValue(raw=raw, kind=Kind.QUALITATIVE, text=raw)

    # In a sentence the number that carries a comparator is the target; else the first.
    chosen = next((c for c in candidates if c[2] or c[4]), candidates[0])
    match, number, before, unit, after = chosen

    if before:
        start, token, comparator = before
        comparator_after = False
    elif after:
        start, token, comparator = match.start(), after[0], after[1]
        comparator_after = True
    else:
        start, token, comparator, comparator_after = match.start(), "", Comparator.NONE, False

    end = match.end() + len(unit) + (len(token) if comparator_after else 0)
    prefix, suffix = raw[:start], raw[end:]
    # Trailing sentence punctuation does not make a quantity a sentence.
    is_quantity = not prefix.strip() and not suffix.strip(" \u3000。.;；")
    return TargetValue(
        raw=raw,
        kind=Kind.QUANTITY if is_quantity else Kind.SENTENCE,
        comparator=comparator,
        number=number,
        measure_unit=unit or default_unit,
        text="" if is_quantity else raw,
        prefix=prefix,
        comparator_token=token,
        comparator_after=comparator_after,
        number_token=match.group(),
        unit_token=unit,
        suffix=suffix,
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


def describe(value: TargetValue) -> str:
    """How the product read a value, for the person who typed it: `≥ 500 条`, `文字`."""
    if value.kind == Kind.BLANK:
        return "空白"
    if value.kind == Kind.QUALITATIVE:
        return "文字（定性指标）"
    parts = [value.comparator.value, format_number(value.number), value.measure_unit]
    reading = " ".join(part for part in parts if part)
    return reading if value.kind == Kind.QUANTITY else f"含数值的文字：{reading}"

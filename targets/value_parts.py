"""A written value read into its parts, as a finance officer reads it (DESIGN §3, §8 step 5).

`read(raw, default_unit)` finds every number that is a target in the text and gives one `Part`
each: `不少于15家媒体…不少于30篇` → ≥15家（媒体）, ≥30篇; `80%-90%` → one range part; `增长10%`
→ a change part; `3.5万件` → 35000件. Numbers that are not targets are left out: an operand of a
formula (`…*100%≥1`), a list's numbering (`1.`), an ordinal (`第3`), a date beside other parts
(`2022年`), the base typed with a change (`基数：500件`, attached to the change instead).
Pure, no Django."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal

from .value_words import (
    BASELINE_FILLERS,
    BASELINE_WORDS,
    CHANGE_FILLERS,
    CHANGE_TO,
    CHANGE_WORDS,
    CLAUSE_BREAKS,
    LIST_BREAKS,
    MEASURE_UNITS,
    MINUS,
    MONEY,
    MULTIPLIERS,
    NUMBER_RE,
    OPERATORS,
    PERCENT,
    POINTS,
    PREFIX_WORDS,
    RANGE_AND,
    RANGE_END,
    RANGE_JOINERS,
    RANGE_WORDS_BEFORE,
    SUFFIX_WORDS,
    WORD_COMPARATORS,
    Comparator,
    Part,
)

_PLAIN_UNITS = [u for u in MEASURE_UNITS if u not in ("万", "亿")]
# Lookups by one character instead of scanning every word (a value is read in tens of µs).
_UNITS_BY_FIRST: dict[str, list[str]] = {}
for _unit in _PLAIN_UNITS:  # longest first, as MEASURE_UNITS
    _UNITS_BY_FIRST.setdefault(_unit[0], []).append(_unit)
_PREFIX_BY_LAST: dict[str, list[tuple[str, Comparator]]] = {}
for _word, _comparator in PREFIX_WORDS:  # longest first
    _PREFIX_BY_LAST.setdefault(_word[-1], []).append((_word, _comparator))
_WORDS = dict(WORD_COMPARATORS)
_WORD_RE = re.compile("|".join(re.escape(w) for w, _ in WORD_COMPARATORS))
_AFTER_STOP_RE = re.compile("|".join([re.escape(w) for w, _ in WORD_COMPARATORS] + ["（", r"\("]))


def _unit_at(raw: str, pos: int) -> str:
    return next((u for u in _UNITS_BY_FIRST.get(raw[pos : pos + 1], ()) if raw.startswith(u, pos)), "")


_SIGN_BEFORE = " \u3000：:，,（(；;为是≥≤<>=＞＜＝≧≦⩾⩽"
_SUBJECT_CAP = 16


def normal_unit(unit: str) -> str:
    """One spelling per unit: ％ → %, 个百分点 → 百分点."""
    if unit in ("%", "％"):
        return PERCENT
    if unit in ("个百分点", "百分点"):
        return POINTS
    return unit


@dataclass(frozen=True)
class Found:
    """One number as written and what touches it."""

    start: int  # the number's first character (its sign, if any)
    end: int  # after its last digit
    number: Decimal  # signed, the multiplier applied
    unit: str  # normalised; "" when neither the text nor the column gives one
    unit_token: str  # the unit as written, with its multiplier (万件)
    unit_written: bool
    before: tuple[int, str, Comparator] | None  # a comparator right before it
    after: tuple[str, Comparator] | None  # 以上 / 以内 right after its unit

    @property
    def unit_end(self) -> int:
        return self.end + len(self.unit_token)

    @property
    def token_start(self) -> int:
        return self.before[0] if self.before else self.start

    @property
    def token_end(self) -> int:
        return self.unit_end + (len(self.after[0]) if self.after else 0)


@dataclass(frozen=True)
class Reading:
    parts: tuple[Part, ...]
    principal: Found | None  # the number the single-value fields mirror
    principal_part: Part | None = None


def _decimal(token: str) -> Decimal:
    folded = unicodedata.normalize("NFKC", token).replace(",", "").replace("，", "")
    return Decimal(folded)


def comparator_before(text: str, end: int) -> tuple[int, str, Comparator] | None:
    """The comparator written right before position `end` (spaces allowed between)."""
    head = text[:end].rstrip(" \u3000")
    for word, comparator in _PREFIX_BY_LAST.get(head[-1:], ()):
        if head.endswith(word):
            start = len(head) - len(word)
            return start, text[start:end], comparator
    return None


def _unit_after(raw: str, pos: int, default_unit: str) -> tuple[str, str, Decimal, bool]:
    """(unit as written, normalised unit, multiplier, written) of the text at `pos`."""
    for money in ("万元", "亿元", "千元"):
        if raw.startswith(money, pos):
            return money, money, Decimal(1), True
    for word, factor in MULTIPLIERS:
        if not raw.startswith(word, pos):
            continue
        rest = pos + len(word)
        if raw.startswith("元", rest):  # 百万元 = 100 万元
            return word + "元", "万元", factor / MONEY["万元"], True
        unit = _unit_at(raw, rest)
        if unit:
            return word + unit, normal_unit(unit), factor, True
        if word in ("万", "亿") and (not default_unit or default_unit in MONEY):
            return word, word, Decimal(1), True  # 3亿: money, as it always read
        if word in ("万", "亿", "千"):
            return word, normal_unit(default_unit), factor, False
    unit = _unit_at(raw, pos)
    if unit:
        return unit, normal_unit(unit), Decimal(1), True
    return "", normal_unit(default_unit), Decimal(1), False


def _signed(raw: str, start: int) -> bool:
    if start == 0 or raw[start - 1] not in MINUS:
        return False
    return start == 1 or raw[start - 2] in _SIGN_BEFORE


def _skipped(raw: str, start: int, end: int, unit_token: str) -> bool:
    """Numbers that are not targets: operands, list numbering, ordinals."""
    before = raw[start - 1] if start else ""
    if before and (before in OPERATORS or before == "第"):
        return True
    after = raw[end] if end < len(raw) else ""
    numbering = (
        not unit_token and after != "" and after in ".．、)）" and (not before or before in LIST_BREAKS + "（( \n")
    )
    return numbering


def find_numbers(raw: str, default_unit: str) -> list[Found]:
    found = []
    for match in NUMBER_RE.finditer(raw):
        start, end = match.start(), match.end()
        if _signed(raw, start):
            start -= 1
        token, unit, factor, written = _unit_after(raw, end, default_unit)
        if _skipped(raw, start, end, token):
            continue
        number = _decimal(match.group()) * factor
        if start < match.start():
            number = -number
        suffix = next(((w, c) for w, c in SUFFIX_WORDS if raw.startswith(w, end + len(token))), None)
        found.append(Found(start, end, number, unit, token, written, comparator_before(raw, start), suffix))
    return found


def _clause_start(raw: str, pos: int, floor: int, breaks: str = LIST_BREAKS) -> int:
    """Where the clause holding `pos` starts (after the last break), not before `floor`."""
    for i in range(pos - 1, floor - 1, -1):
        if raw[i] in breaks:
            return i + 1
    return floor


def _word_comparator(text: str) -> Comparator | None:
    """A comparator word standing earlier in the clause (至少面向企业提供20次)."""
    # the last one written; at one place the longest (不低于, not 低于: the alternation is longest first)
    found = None
    for match in _WORD_RE.finditer(text):
        found = match
    return _WORDS[found.group()] if found else None


def _without_change(text: str) -> str:
    """`text` less a change expression ending it (利润增长 → 利润, 提高到 → "")."""
    stripped = text.rstrip(CHANGE_FILLERS)
    if stripped and stripped[-1] in CHANGE_TO:
        stripped = stripped[:-1].rstrip(CHANGE_FILLERS)
    for word, _ in CHANGE_WORDS:
        if stripped.endswith(word):
            return stripped[: -len(word)]
    return text


def _change(text: str) -> tuple[int, bool]:
    """(+1 / −1 for a change word ending `text`, 0 if none; True when it is 提高到 / 降至: a level)."""
    stripped = text.rstrip(CHANGE_FILLERS)
    to_level = bool(stripped) and stripped[-1] in CHANGE_TO
    if to_level:
        stripped = stripped[:-1].rstrip(CHANGE_FILLERS)
    for word, sign in CHANGE_WORDS:
        if stripped.endswith(word):
            return sign, to_level
    return 0, False


def _is_baseline(raw: str, found: Found, floor: int) -> bool:
    head = raw[_clause_start(raw, found.start, floor, CLAUSE_BREAKS) : found.start].rstrip(BASELINE_FILLERS)
    tail = raw[found.unit_end : found.unit_end + 3]
    return head.endswith(BASELINE_WORDS) or tail in ("为基数", "为基期")


def _date_kind(raw: str, found: Found) -> str:
    """ "year" for 2022年, "day" for the 12月 and 31日 of 12月31日 / 12月底 (a deadline, never a
    target), "" for anything else (6个月, 30日内 are durations)."""
    whole = found.number == found.number.to_integral()
    if found.unit == "年" and whole and 1900 <= found.number <= 2100:
        return "year"
    after = raw[found.unit_end : found.unit_end + 1]
    if (
        found.unit_token == "月"
        and whole
        and 1 <= found.number <= 12
        and (after.isdigit() or after in "底末前份中初上下")
    ):
        return "day"
    if found.unit_token == "日" and raw[: found.start].rstrip(" \u3000").endswith("月"):
        return "day"
    return ""


def _range_end(raw: str, first: Found, second: Found) -> int | None:
    """Where a range written `first`–`second` ends, or None if they are not one."""
    if first.after or second.before:
        return None
    gap = raw[first.unit_end : second.start].strip(" \u3000")
    tail = raw[second.token_end :].lstrip(" \u3000")
    if len(gap) == 1 and gap in RANGE_JOINERS:
        end = second.token_end
    elif gap in RANGE_AND and tail.startswith(RANGE_END):
        end = second.token_end
    else:
        return None
    if tail.startswith(RANGE_END):
        end = raw.index(RANGE_END, end) + len(RANGE_END)
    return end


def _subject(raw: str, start: int, end: int, floor: int, ceiling: int, word_first: bool) -> str:
    """What a part counts: the words before it in its clause (拨付金额≥8000万元), or after it up
    to the next part (不少于15家媒体)."""
    before = _WORD_RE.sub("", _without_change(raw[_clause_start(raw, start, floor) : start]))
    for word in RANGE_WORDS_BEFORE:
        before = before.removesuffix(word)
    before = before.strip(" \u3000的为是：:（(且并和及与")
    stop = min([ceiling] + [i for i in (raw.find(ch, end, ceiling) for ch in CLAUSE_BREAKS) if i >= 0])
    after = _AFTER_STOP_RE.split(raw[end:stop], maxsplit=1)[0]
    after = after.strip(" \u3000的、（()）且并和及与")
    found = [after, before] if word_first else [before, after]
    subject = next((s for s in found if s), "")
    return subject if len(subject) <= _SUBJECT_CAP else subject[: _SUBJECT_CAP - 1] + "…"


@dataclass
class _Draft:
    found: Found
    part: dict  # Part's fields; the Part is made once its subject is known
    start: int
    end: int
    word_comparator: bool
    date: str


def _draft(raw: str, found: Found, upper: Found | None, end: int, floor: int) -> _Draft:
    clause = raw[_clause_start(raw, found.token_start, floor) : found.token_start]
    comparator, word = Comparator.NONE, False
    if found.before:
        comparator = found.before[2]
        word = found.before[1].strip() in _WORDS
    elif found.after:
        comparator, word = found.after[1], True
    elif upper is None and (clause_word := _word_comparator(clause)) is not None:
        comparator, word = clause_word, True
    change, to_level = _change(clause) if upper is None else (0, False)
    if to_level and comparator == Comparator.NONE:
        comparator = Comparator.GE if change > 0 else Comparator.LE
    unit = found.unit or (upper.unit if upper else "")
    lower = found.number
    part = {
        "comparator": Comparator.NONE if upper else comparator,
        "number": lower,
        "unit": unit,
        "upper": upper.number if upper else None,
        "change": 0 if to_level else change,
        "unit_written": found.unit_written or bool(upper and upper.unit_written),
    }
    start = found.token_start
    for word_before in RANGE_WORDS_BEFORE:
        if upper and raw[:start].rstrip(" \u3000").endswith(word_before):
            start = raw[:start].rstrip(" \u3000").rfind(word_before)
    return _Draft(found, part, start, end, word or not found.before, "" if upper else _date_kind(raw, found))


def _attach_baselines(drafts: list[_Draft], baselines: list[Found]) -> None:
    for base in baselines:
        changes = [d for d in drafts if d.part["change"]]
        if not changes:
            return
        before = [d for d in changes if d.start < base.start]
        target = before[-1] if before else changes[0]
        target.part.update(baseline=base.number, baseline_unit=base.unit)


def read(raw: str, default_unit: str = "") -> Reading:
    numbers = find_numbers(raw, default_unit)
    drafts: list[_Draft] = []
    baselines: list[Found] = []
    floor, i = 0, 0
    while i < len(numbers):
        found = numbers[i]
        if _is_baseline(raw, found, floor):
            baselines.append(found)
            floor, i = found.token_end, i + 1
            continue
        following = numbers[i + 1] if i + 1 < len(numbers) else None
        range_end = _range_end(raw, found, following) if following else None
        upper = following if range_end is not None else None
        drafts.append(_draft(raw, found, upper, range_end or found.token_end, floor))
        floor = drafts[-1].end
        i += 2 if upper else 1
    _attach_baselines(drafts, baselines)
    deadline = any(d.date == "day" for d in drafts)  # 2022年12月31日前: the year is a date too
    drafts = [d for d in drafts if d.date != "day" and not (deadline and d.date == "year")]
    if any(not d.date for d in drafts):
        drafts = [d for d in drafts if not d.date]
    parts = []
    for n, draft in enumerate(drafts):
        floor = drafts[n - 1].end if n else 0
        ceiling = drafts[n + 1].start if n + 1 < len(drafts) else len(raw)
        subject = _subject(raw, draft.start, draft.end, floor, ceiling, draft.word_comparator)
        parts.append(Part(**draft.part, subject=subject))
    index = next((n for n, d in enumerate(drafts) if d.part["comparator"]), 0)
    if not drafts:
        return Reading((), None)
    bounded = _as_range(parts)
    if bounded is not None:
        return Reading((bounded,), drafts[0].found, bounded)
    return Reading(tuple(parts), drafts[index].found, parts[index])


_FLOORS = (Comparator.GE, Comparator.GT)
_CEILINGS = (Comparator.LE, Comparator.LT)


def _as_range(parts: list[Part]) -> Part | None:
    """`≥95%且≤100%`, `不低于80%，不高于90%`: a floor and a ceiling of one unit are one range."""
    if len(parts) != 2 or any(p.is_change or p.is_range for p in parts) or parts[0].unit != parts[1].unit:
        return None
    floor = next((p for p in parts if p.comparator in _FLOORS), None)
    ceiling = next((p for p in parts if p.comparator in _CEILINGS), None)
    if floor is None or ceiling is None or floor.number > ceiling.number:
        return None
    subject = parts[0].subject or parts[1].subject
    return replace(floor, comparator=Comparator.NONE, upper=ceiling.number, subject=subject)

"""The words and units of written target values (DESIGN §3), shared by the parser (`values`) and
the reader of a value's parts (`value_parts`). Tables only: no parsing here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Comparator(StrEnum):
    NONE = ""
    GE = "≥"
    GT = ">"
    EQ = "="
    LT = "<"
    LE = "≤"


class Direction(StrEnum):
    """指标性质: how a 完成值 is held against its target (DESIGN §8 step 5)."""

    POSITIVE = "positive"  # 正向: more is better
    NEGATIVE = "negative"  # 反向: less is better
    RANGE = "range"  # 区间: within the bounds
    QUALITATIVE = "qualitative"  # 定性: graded by the reviewer

    @property
    def label(self) -> str:
        return DIRECTION_LABELS[self]


DIRECTION_LABELS = {
    Direction.POSITIVE: "正向",
    Direction.NEGATIVE: "反向",
    Direction.RANGE: "区间",
    Direction.QUALITATIVE: "定性",
}
# What people write for a direction (a 方向 / 指标性质 column): the labels, the printed symbols.
DIRECTION_WORDS = {
    "正向": Direction.POSITIVE,
    "正向指标": Direction.POSITIVE,
    "≥": Direction.POSITIVE,
    ">=": Direction.POSITIVE,
    "＞": Direction.POSITIVE,
    ">": Direction.POSITIVE,
    "反向": Direction.NEGATIVE,
    "反向指标": Direction.NEGATIVE,
    "≤": Direction.NEGATIVE,
    "<=": Direction.NEGATIVE,
    "<": Direction.NEGATIVE,
    "＜": Direction.NEGATIVE,
    "区间": Direction.RANGE,
    "区间指标": Direction.RANGE,
    "定性": Direction.QUALITATIVE,
    "定性指标": Direction.QUALITATIVE,
    "positive": Direction.POSITIVE,
    "negative": Direction.NEGATIVE,
    "range": Direction.RANGE,
    "qualitative": Direction.QUALITATIVE,
}


# Comparators written before the number. Longest first so 不少于 wins over 少于.
PREFIX_WORDS: list[tuple[str, Comparator]] = sorted(
    [
        ("不少于", Comparator.GE),
        ("不低于", Comparator.GE),
        ("不小于", Comparator.GE),
        ("大于等于", Comparator.GE),
        ("大于或等于", Comparator.GE),
        ("至少", Comparator.GE),
        ("达到", Comparator.GE),  # 达到500条: reaching it is the goal, more is not worse
        ("不超过", Comparator.LE),
        ("不高于", Comparator.LE),
        ("不多于", Comparator.LE),
        ("不大于", Comparator.LE),
        ("小于等于", Comparator.LE),
        ("小于或等于", Comparator.LE),
        ("至多", Comparator.LE),
        ("控制在", Comparator.LE),
        ("超过", Comparator.GT),
        ("大于", Comparator.GT),
        ("多于", Comparator.GT),
        ("高于", Comparator.GT),
        ("少于", Comparator.LT),
        ("低于", Comparator.LT),
        ("小于", Comparator.LT),
        ("等于", Comparator.EQ),
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
# Word comparators may stand a few words before their number in the same clause:
# 至少面向企业提供20次, 不低于引导资金出资规模的2倍. Symbols must touch it.
WORD_COMPARATORS = [(w, c) for w, c in PREFIX_WORDS if not re.fullmatch(r"[<>=≥≤≧≦⩾⩽＞＜＝]+", w)]

# Comparators written after the number and its unit: 100人以上, 10件以内.
SUFFIX_WORDS: list[tuple[str, Comparator]] = [
    ("及以上", Comparator.GE),
    ("以上", Comparator.GE),
    ("及以下", Comparator.LE),
    ("以下", Comparator.LE),
    ("以内", Comparator.LE),
    ("之内", Comparator.LE),
    ("内", Comparator.LE),  # 30日内, 3个月内
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
        "个百分点",
        "百分点",
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
        "分钟",
        "个工作日",
        "工作日",
        "周",
        "分",
    ],
    key=len,
    reverse=True,
)

# 万 亿 千 before another unit multiply the number: 3.5万件 = 35000件 (万元, 亿元, 千元 are units).
MULTIPLIERS: list[tuple[str, Decimal]] = [
    ("百万", Decimal(10**6)),
    ("千万", Decimal(10**7)),
    ("十万", Decimal(10**5)),
    ("万", Decimal(10**4)),
    ("亿", Decimal(10**8)),
    ("千", Decimal(10**3)),
]
# Money units convert into each other; a bare 万 / 亿 is money where the context is (as before).
MONEY: dict[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "万": Decimal(10000),
    "亿元": Decimal(10**8),
    "亿": Decimal(10**8),
}
PERCENT = "%"
POINTS = "百分点"
# Units a finance officer takes for one another.
SYNONYMS: list[set[str]] = [{"场", "场次"}, {"人", "名", "位"}]

# Change targets: 增长10%, 提高5个百分点, 下降3%, 减少2件. Longest first.
CHANGE_WORDS: list[tuple[str, int]] = sorted(
    [
        ("增长", 1),
        ("增加", 1),
        ("提高", 1),
        ("提升", 1),
        ("上升", 1),
        ("增幅", 1),
        ("增速", 1),
        ("下降", -1),
        ("减少", -1),
        ("降低", -1),
        ("压缩", -1),
        ("缩减", -1),
        ("降幅", -1),
    ],
    key=lambda pair: -len(pair[0]),
)
# What may stand between a change word and its number (增长了10%, 增长率达10%).
CHANGE_FILLERS = "了达为是：: 率度幅"
# 提高到95%, 降至5%: a level, not a change.
CHANGE_TO = ("到", "至")
# The baseline typed with a change target: 增长10%（基数：500件）, 较上年（500件）.
BASELINE_WORDS = ("上年实际完成值", "上年完成值", "上年实际值", "上年值", "上年度", "上年", "基期值", "基期", "基数")
BASELINE_FILLERS = " ：:为是（(，,"

RANGE_JOINERS = "-－~～〜—–至到"
RANGE_WORDS_BEFORE = ("介于", "在")
RANGE_AND = ("和", "与", "及")
RANGE_END = "之间"

# Clauses: a subject is looked for within one.
CLAUSE_BREAKS = "，,；;。…\n"
LIST_BREAKS = CLAUSE_BREAKS + "、"
# A number right after these is an operand of a formula (…/年初所有者权益*100%), not a target.
OPERATORS = "*×/÷＊／^"
MINUS = "-－−"

DIGITS = "0-9０-９"
# A number as written: digits with optional thousands separators and decimals.
NUMBER_RE = re.compile(rf"[{DIGITS}](?:[{DIGITS},，]*[{DIGITS}])?(?:[.．][{DIGITS}]+)?")


@dataclass(frozen=True)
class Part:
    """One thing a target asks for: `≥15家（媒体）`, `80%–90%`, `增长10%`.

    `number` is in `unit` with its multiplier applied (3.5万件 → 35000, 件); a range's lower
    bound, with `upper`. A change target has `change` +1 (增长) or −1 (下降) and `number` is the
    change (10 for 10%, 5 for 5个百分点); `baseline` is a base typed with it (基数：500件).
    `unit_written`: the unit is in the text (not the column's)."""

    comparator: Comparator
    number: Decimal
    unit: str = ""
    upper: Decimal | None = None
    subject: str = ""
    change: int = 0
    baseline: Decimal | None = None
    baseline_unit: str = ""
    unit_written: bool = True

    @property
    def is_range(self) -> bool:
        return self.upper is not None

    @property
    def is_percent(self) -> bool:
        return self.unit == PERCENT

    @property
    def is_points(self) -> bool:
        return self.unit == POINTS

    @property
    def is_change(self) -> bool:
        return self.change != 0

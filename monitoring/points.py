"""The default 分值 of a round's indicators (DESIGN §8 step 5): 产出 50, 效益 30, 满意度 10 of the
90 the indicators share (the budget has the other 10), each 一级's points spread over its
indicators to the cent. Pure; `monitoring.scoring` reads them out under the same names."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from targets.values import format_number

CENT = Decimal("0.01")
ZERO = Decimal(0)
INDICATOR_POINTS = Decimal(90)
# 分值 by 一级指标 as the MoF form prints them (the budget's 10 apart).
LEVEL1_POINTS = (("产出", Decimal(50)), ("效益", Decimal(30)), ("满意", Decimal(10)))


def default_weights(n: int, points: Decimal = INDICATOR_POINTS) -> list[Decimal]:
    """`n` equal weights to two decimals summing exactly to `points` (the first take the spare cents)."""
    if n <= 0:
        return []
    base = (points / n).quantize(CENT, ROUND_DOWN)
    spare = int((points - base * n) / CENT)
    return [base + CENT if i < spare else base for i in range(n)]


def level1_key(name: str) -> str:
    """产出 / 效益 / 满意 for a 一级指标's name; 成本指标 (a 一级 under the newer rules) and any other
    一级 count with 产出, where the MoF form puts 成本 as a 二级."""
    return next((key for key, _ in LEVEL1_POINTS if key in (name or "")), LEVEL1_POINTS[0][0])


def level1_points(names: list[str], points: Decimal = INDICATOR_POINTS) -> dict[str, Decimal]:
    """The points of each 一级 present among `names`: 产出 50, 效益 30, 满意度 10 (of 90); a 一级
    without indicators gives its points to the others in proportion, so they still sum to 90."""
    present = {level1_key(n) for n in names}
    base = [(key, share) for key, share in LEVEL1_POINTS if key in present]
    if not base:
        return {}
    whole = sum((share for _, share in base), ZERO)
    split = {key: (points * share / whole).quantize(CENT, ROUND_DOWN) for key, share in base}
    split[base[0][0]] += points - sum(split.values(), ZERO)
    return split


def default_weights_by_level1(names: list[str], points: Decimal = INDICATOR_POINTS) -> list[Decimal]:
    """The default 分值 of each indicator, given its 一级指标's name in order: each 一级's points
    (`level1_points`) spread equally over its indicators (spare cents on the first)."""
    split = level1_points(names, points)
    keys = [level1_key(n) for n in names]
    shares = {key: iter(default_weights(keys.count(key), split[key])) for key in split}
    return [next(shares[key]) for key in keys]


def level1_note(names: list[str]) -> str:
    """What the default 分值 did with 一级 that have no indicators, for the weights page."""
    if not names:
        return ""
    present = {level1_key(n) for n in names}
    missing = [key for key, _ in LEVEL1_POINTS if key not in present]
    if not missing:
        return ""
    split = level1_points(names)
    given = "、".join(f"{LEVEL1_LABELS[k]} {format_number(v)}" for k, v in split.items())
    lacking = "、".join(LEVEL1_LABELS[k] for k in missing)
    return f"没有{lacking}：其分值按比例分给其他一级指标（{given}）"


LEVEL1_LABELS = {"产出": "产出指标", "效益": "效益指标", "满意": "满意度指标"}


def check_weights(weights: list[Decimal], points: Decimal = INDICATOR_POINTS) -> str | None:
    """A problem with the weights of one group, or None."""
    if any(w < 0 for w in weights):
        return "权重不能为负数"
    got = sum(weights, Decimal(0))
    if weights and got != points:
        return f"权重合计为 {got:.2f}，应为 {points:.2f}"
    return None

"""Amounts in Chinese capital numerals, as contracts print them: 1,600,000 → 壹佰陆拾万元整."""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ["", "拾", "佰", "仟"]
SECTIONS = ["", "万", "亿", "万亿"]


def _group(value: int) -> str:
    """0 < value < 10000, without leading zeros: 1005 → 壹仟零伍, 1050 → 壹仟零伍拾."""
    text, pending_zero = "", False
    for place in range(3, -1, -1):
        digit = value // 10**place % 10
        if digit == 0:
            pending_zero = bool(text)
            continue
        if pending_zero:
            text += "零"
            pending_zero = False
        text += DIGITS[digit] + PLACES[place]
    return text


def rmb_upper(amount: Decimal | int | str) -> str:
    """人民币大写 for an amount in 元, to the 分."""
    amount = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("金额不能为负数")
    yuan = int(amount)
    jiao, fen = divmod(int((amount - yuan) * 100), 10)
    if yuan >= 10**16:
        raise ValueError("金额过大")

    groups = []
    rest = yuan
    while rest:
        groups.append(rest % 10000)
        rest //= 10000
    text, need_zero = "", False
    for section in range(len(groups) - 1, -1, -1):
        value = groups[section]
        if value == 0:
            need_zero = bool(text)
            continue
        if text and (need_zero or value < 1000):
            text += "零"
        text += _group(value) + SECTIONS[section]
        need_zero = False

    if text:
        text += "元"
    if jiao == 0 and fen == 0:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        return text + DIGITS[fen] + "分"
    return text + "整"


LOWER = "〇一二三四五六七八九"


def chinese_year(year: int) -> str:
    """A year as forms date themselves, digit by digit: 2021 → 二〇二一."""
    return "".join(LOWER[int(d)] for d in str(year))


def chinese_count(number: int) -> str:
    """1 to 99 in lower-case numerals, as in 项目期限为三年 or 参与单位二: 12 → 十二, 20 → 二十."""
    if not 0 < number < 100:
        raise ValueError("仅支持1至99")
    tens, ones = divmod(number, 10)
    if not tens:
        return LOWER[ones]
    return ("" if tens == 1 else LOWER[tens]) + "十" + (LOWER[ones] if ones else "")

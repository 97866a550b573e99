"""Fields the bureau sets on an indicator and on a table column about how its target is scored:
指标性质 (direction) and the shares of a compound target's parts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from . import values as tv

DIRECTION_CHOICES = [("", "按指标值判断")] + [(d.value, d.label) for d in tv.Direction]


def direction_field() -> models.CharField:
    """指标性质 (正向/反向/区间/定性) as the bureau set it; blank: read from the target itself."""
    return models.CharField(
        "指标性质",
        max_length=16,
        blank=True,
        choices=DIRECTION_CHOICES,
        help_text="留空则按指标值判断：≤、< 为反向，区间为区间，无数值为定性，单独的 0 为反向，其余为正向",
    )


def part_shares_field() -> models.CharField:
    """The shares of a compound target's parts in its points (6:4); blank: equal."""
    return models.CharField(
        "分项分值比例",
        max_length=50,
        blank=True,
        help_text="指标值含多个分项时各分项的分值比例，如 6:4；留空则平均分配",
    )


def read_part_shares(text: str, where: str) -> str:
    """The shares as stored (`6:4`), refused unless numbers ≥ 0 with a positive sum."""
    numbers = tv.NUMBER_RE.findall(text or "")
    if not numbers:
        if (text or "").strip():
            raise ValidationError(f"{where}的分项分值比例应为数字，如 6:4")
        return ""
    shares = [tv.parse_number(n) for n in numbers]
    if sum(shares) <= 0:
        raise ValidationError(f"{where}的分项分值比例之和应大于 0")
    return ":".join(tv.format_number(n) for n in shares)


def part_shares(text: str) -> list | None:
    """The stored shares as numbers, None for blank (equal shares)."""
    return [tv.parse_number(n) for n in tv.NUMBER_RE.findall(text or "")] or None

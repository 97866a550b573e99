"""Years written in names and titles, moved when a project is copied into another year."""

from __future__ import annotations

import re

YEAR_IN_TEXT = re.compile(r"(?<!\d)(?:19|20|21)\d\d(?!\d)")


def shift_years(text: str, years: set[int], shift: int) -> str:
    """Each of `years` written in `text` moved by `shift`, all at once (2023-2024 → 2024-2025)."""
    if not text or not shift:
        return text
    return YEAR_IN_TEXT.sub(lambda m: str(int(m[0]) + shift) if int(m[0]) in years else m[0], text)

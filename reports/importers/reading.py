"""Reading one value cell of an uploaded layout: formulas refused, control characters refused,
full-width digits and >= folded with a note. Shared by every layout's reader."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from django.core.exceptions import ValidationError

from units.inputs import check_text

from .grids import Grid
from .plan import ImportPlan, Issue

NUMBER_TEXT = re.compile(r"\d+(\.\d+)?")


def normalise(text: str) -> str:
    """Full-width digits to ASCII and `>=`/`<=` to ≥/≤, as people mean them in a value."""
    folded = "".join(unicodedata.normalize("NFKC", ch) if "０" <= ch <= "９" else ch for ch in text)
    return folded.replace(">=", "≥").replace("<=", "≤").replace("＞＝", "≥").replace("＜＝", "≤")


def read_value(plan: ImportPlan, grid: Grid, r: int, c: int, label: str, *, fold: bool = True) -> str | None:
    """The text of a value cell, or None (with an error) for a formula. Text targets are
    taken as written; values are folded (full-width digits, >=) with a note in the preview."""
    cell = grid.cell(r, c)
    if cell.formula:
        plan.errors.append(Issue(grid.name, r, c, f"“{label}”是公式（{cell.value}），请填写数值而不是公式"))
        return None
    text = cell.text
    # Values repeat a lot; long texts rarely, and a cache of them could grow large.
    fixed, error, as_number = (_checked if len(text) <= 200 else _checked.__wrapped__)(text, label, fold)
    if error:
        plan.errors.append(Issue(grid.name, r, c, error))
        return None
    if fixed != text:
        plan.warnings.append(Issue(grid.name, r, c, f"“{text}”已按“{fixed}”读取（全角数字或 >= 写法）"))
    if as_number and isinstance(cell.value, str):
        plan.warnings.append(Issue(grid.name, r, c, f"以文本形式存储的数字“{fixed}”已按数值读取"))
    return fixed


@lru_cache(maxsize=65536)
def _checked(text: str, label: str, fold: bool) -> tuple[str, str | None, bool]:
    """(the text as read, the reason it is refused or None, whether it reads as a number):
    pure, so worked out once per distinct text of a column (values repeat a lot)."""
    try:
        check_text(text, f"“{label}”")
    except ValidationError as exc:
        return text, exc.messages[0], False
    fixed = normalise(text) if fold else text
    return fixed, None, bool(NUMBER_TEXT.fullmatch(fixed))

"""Reading one value cell of an uploaded layout: formulas refused, control characters refused,
full-width digits and >= folded with a note. Shared by every layout's reader."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError

from units.inputs import check_text

from .grids import Grid
from .plan import ImportPlan, Issue


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
    try:
        check_text(text, f"“{label}”")
    except ValidationError as exc:
        plan.errors.append(Issue(grid.name, r, c, exc.messages[0]))
        return None
    fixed = normalise(text) if fold else text
    if fixed != text:
        plan.warnings.append(Issue(grid.name, r, c, f"“{text}”已按“{fixed}”读取（全角数字或 >= 写法）"))
    if isinstance(cell.value, str) and re.fullmatch(r"\d+(\.\d+)?", fixed):
        plan.warnings.append(Issue(grid.name, r, c, f"以文本形式存储的数字“{fixed}”已按数值读取"))
    return fixed

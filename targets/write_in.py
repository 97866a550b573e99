"""Blank rows of an official form, for the filling unit's own indicators.

Seed 004's trees keep, under each 二级 category, the form's empty lines: “... ..”, “.....”,
“指标7: ....”, “指标4:” with no value. They are not indicators to fill but lines to write one in
(name, value, unit): stored with a blank name and `Indicator.write_in`, printed blank until the
department writes in them. A numbered line with a text of its own (“指标1: 项目完成期限符合相关要求”)
is a real indicator.
"""

from __future__ import annotations

import re

# “指标7:” / “指标 7：” numbering, then nothing but dots, ellipses or spaces.
_NUMBERING = re.compile(r"^\s*指标\s*\d*\s*[:：]?")
_FILLER = re.compile(r"^[\s.．。…·•⋯_＿-]*$")


def is_write_in_line(name: str, *values: str) -> bool:
    """A placeholder line: no text of its own after the numbering, and no value."""
    if any((v or "").strip() for v in values):
        return False
    rest = _NUMBERING.sub("", name or "", count=1)
    return bool(_FILLER.match(rest))

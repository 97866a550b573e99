"""评分规则核对: a finance officer's own cases, scored by the function that scores reports.

A table (CSV as Excel saves or copies it: comma- or tab-separated, UTF-8 with or without BOM,
UTF-16, or GBK) with the columns 指标值, 完成值, 分值 — and optionally 方向 (指标性质), 基数
(上年完成值), 评定 (the reviewer's grade of a qualitative target: 达成 / 部分达成 60% / 未达成)
and 分项比例 (shares of a compound target's parts, 6:4) — comes back as the same table with
得分 and 说明 appended: the points, `待评定` where a reviewer must grade, or `不能评分` with the
reason where the input is refused. Headers are matched loosely (spaces, full-width parentheses,
a unit in parentheses: 分值（分）). `score_targets` (the command) and the page call `score_table`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from decimal import Decimal

import xlsxwriter

from targets import values as tv

from . import scoring
from .models import DEFAULT_GRADE_LEVELS

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 50  # the seven known columns and the officer's own notes; a table is padded to its widest row
OUTPUT = ("得分", "说明")
COLUMNS: dict[str, tuple[str, ...]] = {
    "target": ("指标值", "年度指标值", "目标值", "年度目标值", "指标目标值"),
    "actual": ("完成值", "实际完成值", "全年实际值", "实际值", "全年完成值", "实际完成情况"),
    "points": ("分值", "权重", "满分", "指标分值"),
    "direction": ("方向", "指标性质", "指标方向", "性质"),
    "baseline": ("基数", "上年完成值", "上年值", "上年实际值", "上年实际完成值"),
    "grade": ("评定", "评定等级", "审核评定", "等级评定"),
    "shares": ("分项比例", "分项权重", "分项分值比例"),
}
REQUIRED = {"target": "指标值", "actual": "完成值", "points": "分值"}
_PARENTHESES = re.compile(r"\([^)]*\)")


class CaseError(ValueError):
    """The table cannot be read at all (the message says why, in Chinese)."""


def decode(data: bytes) -> str:
    """The text of an uploaded table: UTF-8 (BOM or not), UTF-16 with its BOM, else GBK (GB18030)
    where the bytes are valid as such; anything else is refused, never guessed."""
    if len(data) > MAX_BYTES:
        raise CaseError(f"文件过大（上限 {MAX_BYTES // 1024 // 1024} MB）")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise CaseError("文件以 UTF-16 标记开头，但内容不是 UTF-16 文本") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CaseError("无法识别文件编码：请另存为 CSV UTF-8（逗号分隔）")


def _header_key(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name or "").replace("\ufeff", "")
    return _PARENTHESES.sub("", re.sub(r"\s+", "", folded))


def header_columns(header: list[str]) -> dict[str, int]:
    """Which column holds what, by its header; refuses a table without the three required."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _header_key(name)
        for field, names in COLUMNS.items():
            if key in names and field not in found:
                found[field] = index
    missing = [label for field, label in REQUIRED.items() if field not in found]
    if missing:
        shown = "、".join(h.strip() for h in header if h.strip()) or "（空）"
        raise CaseError(f"缺少列：{'、'.join(missing)}（表头为：{shown}）")
    return found


def read_rows(text: str) -> list[list[str]]:
    """The rows of a CSV or tab-separated text, blank rows left out; the first is the header."""
    lines = text.lstrip("\ufeff").splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise CaseError("表格为空：第一行应为表头（指标值,完成值,分值）")
    delimiter = "\t" if "\t" in first else ("," if "," in first else ("，" if "，" in first else ","))
    rows = []
    try:
        for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter):
            if not any(c.strip() for c in row):
                continue
            if len(row) > MAX_COLUMNS:
                raise CaseError(f"第 {len(rows) + 1} 行列数过多（{len(row)} 列，上限 {MAX_COLUMNS} 列）")
            rows.append(row)
            if len(rows) - 1 > MAX_ROWS:
                raise CaseError(f"行数过多（上限 {MAX_ROWS} 行）")
    except csv.Error:
        # csv's field limit (131,072 characters) or a malformed quote: no case has such a cell.
        raise CaseError(f"第 {len(rows) + 1} 行的单元格过长或引号不成对，无法读取") from None
    return rows


def _cell(row: list[str], columns: dict[str, int], field: str) -> str:
    index = columns.get(field)
    return row[index].strip() if index is not None and index < len(row) else ""


def read_grade(text: str, levels) -> tuple[Decimal | None, str]:
    """(percent, grade name) of a written grade: 达成, 部分达成 60%, 未达成, or a bare 60%."""
    word = unicodedata.normalize("NFKC", text or "").strip()
    if not word:
        return None, ""
    numbers = tv.NUMBER_RE.findall(word)
    for name, percent in sorted(levels, key=lambda level: -len(level[0])):
        if word.startswith(name):
            if percent is not None:
                return Decimal(percent), name
            if not numbers:
                raise ValueError(f"评定为{name}时须写明比例（如“{name} 60%”）")
            return tv.parse_number(numbers[0]), name
    if numbers and len(numbers) == 1:
        return tv.parse_number(numbers[0]), ""
    raise ValueError(f"评定“{text}”无法识别（应为 {'、'.join(n for n, _ in levels)} 或百分比）")


def score_row(row: list[str], columns: dict[str, int], levels) -> tuple[str, str]:
    """(得分, 说明) of one case, by `scoring.assess`."""
    get = lambda field: _cell(row, columns, field)  # noqa: E731
    try:
        points = tv.parse_number(get("points"))
        if points < 0:
            raise ValueError("分值不能为负数")
        direction = tv.read_direction(get("direction"))
        judgment, grade_label = read_grade(get("grade"), levels)
        shares = [tv.parse_number(n) for n in tv.NUMBER_RE.findall(get("shares"))] or None
    except (ValueError, tv.ParseError) as exc:
        reason = f"分值“{get('points')}”不是数字" if isinstance(exc, tv.ParseError) else str(exc)
        return "不能评分", f"不能评分：{reason}"
    assessment = scoring.assess(
        tv.parse(get("target")),
        get("actual"),
        points,
        direction=direction.value if direction else "",
        judgment=judgment,
        baseline=get("baseline") or None,
        shares=shares,
        grade_label=grade_label,
    )
    if assessment.status == scoring.Status.BLANK:
        return "不能评分", f"不能评分：{assessment.explanation}"
    return assessment.cell, assessment.explanation


def score_table(text: str, levels=None) -> list[list[str]]:
    """The table with 得分 and 说明 appended to every row (the header's too)."""
    levels = levels if levels is not None else [(name, percent) for _, name, percent, _ in DEFAULT_GRADE_LEVELS]
    rows = read_rows(text)
    columns = header_columns(rows[0])
    width = max(len(row) for row in rows)
    table = [rows[0] + [""] * (width - len(rows[0])) + list(OUTPUT)]
    for row in rows[1:]:
        table.append(row + [""] * (width - len(row)) + list(score_row(row, columns, levels)))
    return table


def _guarded(value: str) -> str:
    """A cell that a spreadsheet would read as a formula gets a quote in front (=SUM(…), @x,
    -1+2, -A1: a minus before anything but a number); a signed number with its unit (-5份) is
    left as written."""
    if value.startswith(("=", "+", "@", "\t", "\r")):
        return "'" + value
    if value.startswith("-") and (not re.match(r"[0-9.０-９]", value[1:]) or re.search(r"[=+\-*/|!()]", value[1:])):
        return "'" + value
    return value


def to_csv(table: list[list[str]], *, bom: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if bom else "\n")
    for row in table:
        writer.writerow([_guarded(cell) for cell in row])
    return ("\ufeff" if bom else "") + out.getvalue()


def to_xlsx(table: list[list[str]]) -> bytes:
    """The table as one sheet: text stays text (a quote prefix where it looks like a formula)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False, "in_memory": True}
    )
    sheet = book.add_worksheet("评分核对")
    quoted = book.add_format({"quote_prefix": True, "text_wrap": True, "valign": "top"})
    plain = book.add_format({"text_wrap": True, "valign": "top"})
    head = book.add_format({"bold": True, "border": 1, "bg_color": "#EEEEEE"})
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            fmt = head if r == 0 else (quoted if value.startswith(("=", "+", "-", "@")) else plain)
            sheet.write_string(r, c, value, fmt)
    width = len(table[0]) if table else 0
    sheet.set_column(0, max(width - 2, 0), 18)
    sheet.set_column(width - 1, width - 1, 70)
    book.close()
    return out.getvalue()

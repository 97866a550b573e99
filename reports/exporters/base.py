"""What every official layout shares: print setup, fonts, borders, widths, and the
guard that keeps text from being read as a formula."""

from __future__ import annotations

import io
import re
import unicodedata
from decimal import Decimal

from django.core.exceptions import PermissionDenied

from units import policy
from units.inputs import xml_safe

from ..provenance import ExportRecord
from .xlsx import Book, StreamingSheet

TITLE_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
HEADER_FONT = "黑体"
# A thin black box, as XlsxWriter format properties (shared by every boxed cell).
BOX = {"border": 1, "border_color": "#000000"}
A4_PORTRAIT_CHARS = 95  # roughly what fits across A4 at 11pt, in Latin character widths
MAX_WIDTH = 60


def _wide_pattern() -> re.Pattern:
    """The characters of the Basic Multilingual Plane that take two columns (East Asian
    Wide or Fullwidth), as one character class: counted by the regex engine, not per
    character in Python."""
    ranges, start = [], None
    for code in range(0x10000):
        wide = unicodedata.east_asian_width(chr(code)) in "WF"
        if wide and start is None:
            start = code
        elif not wide and start is not None:
            ranges.append((start, code - 1))
            start = None
    if start is not None:
        ranges.append((start, 0xFFFF))
    return re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + "]")


WIDE = _wide_pattern()
ASTRAL = re.compile("[\\U00010000-\\U0010ffff]")


def _line_width(line: str) -> int:
    if line.isascii():
        return len(line)
    if ASTRAL.search(line):
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
    return len(line) + len(WIDE.findall(line))


def display_width(text: str) -> int:
    """Columns a text needs: CJK characters count two."""
    return max(_line_width(line) for line in str(text).split("\n"))


def number_value(number: Decimal | int | None):
    """A number as a spreadsheet number: int when whole, so 200000 prints as 200000."""
    if number is None:
        return None
    number = Decimal(number)
    return int(number) if number == number.to_integral_value() else number


def agreement_owner(agreement) -> str:
    """Whose 任务书 a sheet holds, short enough for a tab: the undertaker, or 格式 for the blank form."""
    unit = agreement.undertaker
    return (unit.short_name or unit.name) if unit else "格式"


SHEET_FORBIDDEN = re.compile("[\\[\\]:*?/\\\\]")
SHEET_NAME_MAX = 31
BRACKETS = {"（": "）", "(": ")", "【": "】", "〔": "〕", "《": "》", "「": "」", "『": "』", "{": "}", "｛": "｝"}


def _balanced(text: str) -> str:
    """Drop every bracket without its partner, so a cut name never reads 2024年度）."""
    stack, unmatched = [], set()
    closers = {close: open_ for open_, close in BRACKETS.items()}
    for index, ch in enumerate(text):
        if ch in BRACKETS:
            stack.append(index)
        elif ch in closers:
            if stack and text[stack[-1]] == closers[ch]:
                stack.pop()
            else:
                unmatched.add(index)
    unmatched.update(stack)
    return "".join(ch for index, ch in enumerate(text) if index not in unmatched)


def sheet_name(text: str, used: set[str]) -> str:
    """A worksheet name Excel accepts, unique in the workbook (`used`, compared
    case-insensitively as Excel does): at most 31 characters, none of []:*?/\\, no
    control character, brackets balanced, not blank, no apostrophe at either end."""
    base = _balanced(SHEET_FORBIDDEN.sub("", xml_safe(str(text or ""))).replace("\n", " ").strip())
    base = _balanced(base[:SHEET_NAME_MAX]).strip().strip("'").strip() or "Sheet"
    if base.lower() == "history":  # reserved by Excel
        base = "History1"
    name, n = base, 2
    taken = {u.lower() for u in used}
    while name.lower() in taken:
        suffix = f"({n})"
        name = _balanced(base[: SHEET_NAME_MAX - len(suffix)]).rstrip().rstrip("'") + suffix
        n += 1
    used.add(name)
    return name


COMMENT = {"x_scale": 3, "y_scale": 2, "author": "评分规则"}


class SheetWriter:
    """Writes one small official sheet: cells with the form's fonts, boxes and wrapping.

    Cells may be filled in any order and measured afterwards (widths, heights), so they
    are kept here, keyed by (row, column), and written in row order when the sheet ends
    (see xlsx.py: XlsxWriter in constant-memory mode takes rows top to bottom)."""

    def __init__(self, ws: StreamingSheet, columns: int):
        self.ws = ws
        self.columns = columns
        self.widths = [6] * columns
        self.row = 1
        self.cells: dict[tuple[int, int], tuple[object, dict]] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.heights: dict[int, float] = {}
        self.column_widths: dict[int, float] = {}
        self.comments: dict[tuple[int, int], str] = {}
        ws.on_finish(self.flush)

    def comment(self, row: int, col: int, text: str) -> None:
        """A cell comment (a note shown on hover: how a score was given)."""
        if text:
            self.comments[(row, col)] = xml_safe(text)

    def put(
        self,
        row: int,
        col: int,
        value,
        *,
        bold=False,
        font=None,
        size=11,
        align="center",
        wrap=True,
        box=True,
        number_format: str | None = None,
        measure=True,
        fill: str | None = None,
        indent: int = 0,
    ):
        value = xml_safe(value)
        props = {
            "font_name": font or (HEADER_FONT if bold else BODY_FONT),
            "font_size": size,
            "align": align,
            "valign": "vcenter",
            "text_wrap": bool(wrap),
        }
        if box:
            props.update(BOX)
        if number_format:
            props["num_format"] = number_format
        if indent:  # levels of indentation, as a form sets 上年结转资金 under 其中：
            props["indent"] = indent
        if fill:  # a solid background, e.g. "#FFF4D6"
            props.update(pattern=1, bg_color=fill)
        self.cells[(row, col)] = (value, props)
        if measure and value not in (None, ""):
            text = format(value, ",.2f") if number_format == "#,##0.00" else str(value)
            self.widths[col - 1] = max(self.widths[col - 1], min(display_width(text) + 2, MAX_WIDTH))

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int, value=None, **style):
        if value is not None or style:
            self.put(first_row, first_col, "" if value is None else value, measure=False, **style)
        if style.get("box", True):
            for r in range(first_row, last_row + 1):
                for c in range(first_col, last_col + 1):
                    if (r, c) not in self.cells:
                        self.cells[(r, c)] = (None, BOX)
        if (first_row, first_col) != (last_row, last_col):
            self.merges.append((first_row, first_col, last_row, last_col))

    def title(self, row: int, text: str, size=16):
        self.merge(row, 1, row, self.columns, text, font=TITLE_FONT, size=size, box=False, wrap=False)
        self.heights[row] = 30

    def set_widths(self, minimum: dict[int, int] | None = None, maximum: dict[int, int] | None = None):
        for index, width in enumerate(self.widths, start=1):
            width = max(width, (minimum or {}).get(index, 0))
            self.column_widths[index] = min(width, (maximum or {}).get(index, MAX_WIDTH))

    def fit_heights(self, first_row: int, last_row: int):
        """Row heights for wrapped text, so LibreOffice and Excel print every line.

        A cell merged over several rows shares their height, so it does not set one.
        """
        spans = {}
        for r1, c1, r2, c2 in self.merges:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    spans[(r, c)] = (r1, c1, r2, c2)
        for r in range(first_row, last_row + 1):
            lines = 1
            for c in range(1, self.columns + 1):
                value = self.cells.get((r, c), (None,))[0]
                span = spans.get((r, c))
                if (span and span[2] > span[0]) or value in (None, "") or isinstance(value, (int, float, Decimal)):
                    continue
                width = sum(self.column_widths.get(k) or 8 for k in range(span[1], span[3] + 1)) if span else None
                width = width or self.column_widths.get(c) or 8
                needed = sum(
                    max(1, -(-display_width(part) // max(int(width) - 1, 1))) for part in str(value).split("\n")
                )
                lines = max(lines, needed)
            self.heights[r] = max(20, 15 * lines + 4)

    def print_setup(self, *, title_rows: tuple[int, int] | None, landscape: bool | None = None):
        if landscape is None:  # landscape when the columns do not fit across A4 upright
            total = sum(self.column_widths.get(c) or 8 for c in range(1, self.columns + 1))
            landscape = total > A4_PORTRAIT_CHARS
        self.ws.print_setup(landscape=landscape, title_rows=title_rows)

    def flush(self) -> None:
        """Write the kept cells row by row, with the widths, heights and merges."""
        ws = self.ws
        for col, width in self.column_widths.items():
            ws.set_width(col, width)
        by_row: dict[int, list] = {r: [] for r in self.heights}
        for (r, c), cell in self.cells.items():
            by_row.setdefault(r, []).append((c, cell))
        for r in sorted(by_row):
            if r in self.heights:
                ws.ws.set_row(r - 1, self.heights[r])
            for c, (value, props) in sorted(by_row[r], key=lambda item: item[0]):
                ws.put(r - 1, c - 1, value, ws.style(props))
                if (r, c) in self.comments:  # with its row: constant memory takes no earlier row later
                    ws.ws.write_comment(r - 1, c - 1, self.comments[(r, c)], COMMENT)
        for merged in self.merges:
            ws.merge(*merged)


class Exporter:
    identifier: str = ""
    title: str = ""
    takes: str = ""  # "project", "table" or "agreement"
    permission: str = ""  # what the user needs on the object, answered by units.policy.may_export
    streams = False  # writes rows in order with StreamingSheet.append (else through SheetWriter)
    bundled = True  # one of the filed 附件: offered on the project card and in 全部附件

    def applies_to(self, obj) -> bool:
        return True

    def sheet_title(self, obj) -> str:
        return self.title

    def allows(self, user, obj) -> bool:
        return policy.may_export(user, self.permission, obj)

    def dedupe_key(self, obj):
        """Objects that give the same sheet share a key (a list layout, one per list)."""
        return (self.identifier, type(obj).__name__, obj.pk)

    def render(self, ws: StreamingSheet, obj, user) -> None:
        raise NotImplementedError


def export_workbook(items: list[tuple[Exporter, object]], user, on_sheet=None, *, small: bool = False) -> Book:
    """One workbook, one sheet per (exporter, object); `on_sheet` is called after each.

    Every sheet is written by XlsxWriter in constant-memory mode (xlsx.py): rows go to
    disk as they are made, and memory stays flat however large the table. `small`: a form
    of bounded size, packaged in memory (xlsx.Book)."""
    refused = [(exporter, obj) for exporter, obj in items if not exporter.allows(user, obj)]
    if refused:  # every caller has asked already; this is the last guard, never the first
        raise PermissionDenied(f"无权导出“{refused[0][0].title}”")
    book = Book(small=small)
    used: set[str] = set()
    record = ExportRecord(user)
    for exporter, obj in items:
        sheet = book.add_sheet(sheet_name(exporter.sheet_title(obj), used))
        record.add(sheet.title, exporter, obj)
        exporter.render(sheet, obj, user)
        sheet.finish()
        if on_sheet:
            on_sheet()
    record.stamp(book)
    return book


def workbook_bytes(book: Book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

"""What every official layout shares: print setup, fonts, borders, widths, and the
guard that keeps text from being read as a formula."""

from __future__ import annotations

import io
import re
import unicodedata
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from units import policy
from units.inputs import xml_safe

from ..provenance import ExportRecord

TITLE_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
HEADER_FONT = "黑体"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
A4_PORTRAIT_CHARS = 95  # roughly what fits across A4 at 11pt, in Latin character widths
MAX_WIDTH = 60


def display_width(text: str) -> int:
    """Columns a text needs: CJK characters count two."""
    longest = 0
    for line in str(text).split("\n"):
        width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        longest = max(longest, width)
    return longest


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


def guard_formula(cell, value) -> None:
    """Text that starts like a formula (=, +, -, @) stays text: a string cell with the quote
    prefix set, as Excel itself writes '=… typed with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell._style.quotePrefix = 1


def print_setup(ws, *, landscape: bool, title_rows: tuple[int, int] | None) -> None:
    """The official forms' print: A4, one page wide, centred, page numbers in the footer;
    `title_rows` (first, last) repeat on every page."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    if title_rows:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = BODY_FONT
    ws.oddFooter.center.size = 10


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


class SheetWriter:
    """Writes one official sheet: cells with the form's fonts, boxes and wrapping."""

    def __init__(self, ws: Worksheet, columns: int):
        self.ws = ws
        self.columns = columns
        self.widths = [6] * columns
        self.row = 1

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
    ):
        value = xml_safe(value)
        cell = self.ws.cell(row=row, column=col)
        cell.value = value
        cell.font = Font(name=font or (HEADER_FONT if bold else BODY_FONT), size=size, bold=False)
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
        guard_formula(cell, value)
        if box:
            cell.border = BOX
        if number_format:
            cell.number_format = number_format
        if measure and value not in (None, ""):
            text = format(value, ",.2f") if number_format == "#,##0.00" else str(value)
            self.widths[col - 1] = max(self.widths[col - 1], min(display_width(text) + 2, MAX_WIDTH))
        return cell

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int, value=None, **style):
        if value is not None or style:
            self.put(first_row, first_col, "" if value is None else value, measure=False, **style)
        for r in range(first_row, last_row + 1):
            for c in range(first_col, last_col + 1):
                if style.get("box", True):
                    self.ws.cell(row=r, column=c).border = BOX
        if (first_row, first_col) != (last_row, last_col):
            self.ws.merge_cells(start_row=first_row, start_column=first_col, end_row=last_row, end_column=last_col)

    def title(self, row: int, text: str, size=16):
        self.merge(row, 1, row, self.columns, text, font=TITLE_FONT, size=size, box=False, wrap=False)
        self.ws.row_dimensions[row].height = 30

    def set_widths(self, minimum: dict[int, int] | None = None, maximum: dict[int, int] | None = None):
        for index, width in enumerate(self.widths, start=1):
            width = max(width, (minimum or {}).get(index, 0))
            width = min(width, (maximum or {}).get(index, MAX_WIDTH))
            self.ws.column_dimensions[get_column_letter(index)].width = width

    def fit_heights(self, first_row: int, last_row: int):
        """Row heights for wrapped text, so LibreOffice and Excel print every line.

        A cell merged over several rows shares their height, so it does not set one.
        """
        tall = {
            (c, r)
            for m in self.ws.merged_cells.ranges
            if m.max_row > m.min_row
            for c in range(m.min_col, m.max_col + 1)
            for r in range(m.min_row, m.max_row + 1)
        }
        for r in range(first_row, last_row + 1):
            lines = 1
            for c in range(1, self.columns + 1):
                cell = self.ws.cell(row=r, column=c)
                if (c, r) in tall or cell.value in (None, "") or isinstance(cell.value, (int, float, Decimal)):
                    continue
                width = self._merged_width(cell)
                needed = sum(
                    max(1, -(-display_width(part) // max(int(width) - 1, 1))) for part in str(cell.value).split("\n")
                )
                lines = max(lines, needed)
            self.ws.row_dimensions[r].height = max(20, 15 * lines + 4)

    def _merged_width(self, cell) -> float:
        for merged in self.ws.merged_cells.ranges:
            if cell.coordinate in merged:
                return sum(
                    self.ws.column_dimensions[get_column_letter(c)].width or 8
                    for c in range(merged.min_col, merged.max_col + 1)
                )
        return self.ws.column_dimensions[cell.column_letter].width or 8

    def print_setup(self, *, title_rows: tuple[int, int] | None, landscape: bool | None = None):
        if landscape is None:  # landscape when the columns do not fit across A4 upright
            total = sum(self.ws.column_dimensions[get_column_letter(c)].width or 8 for c in range(1, self.columns + 1))
            landscape = total > A4_PORTRAIT_CHARS
        print_setup(self.ws, landscape=landscape, title_rows=title_rows)


class Exporter:
    identifier: str = ""
    title: str = ""
    takes: str = ""  # "project", "table" or "agreement"
    permission: str = ""  # what the user needs on the object, answered by units.policy.may_export
    streams = False  # writes rows in order, so it can fill a write-only (streaming) sheet

    def applies_to(self, obj) -> bool:
        return True

    def sheet_title(self, obj) -> str:
        return self.title

    def allows(self, user, obj) -> bool:
        return policy.may_export(user, self.permission, obj)

    def dedupe_key(self, obj):
        """Objects that give the same sheet share a key (a list layout, one per list)."""
        return (self.identifier, type(obj).__name__, obj.pk)

    def render(self, ws: Worksheet, obj, user) -> None:
        raise NotImplementedError


def export_workbook(items: list[tuple[Exporter, object]], user, on_sheet=None) -> Workbook:
    """One workbook, one sheet per (exporter, object); `on_sheet` is called after each.

    When every sheet streams, the workbook is write-only: rows go to disk as they are
    made, and memory stays flat however large the table."""
    streaming = bool(items) and all(exporter.streams for exporter, _ in items)
    workbook = Workbook(write_only=streaming)
    if not streaming:
        workbook.remove(workbook.active)
    used: set[str] = set()
    refused = [(exporter, obj) for exporter, obj in items if not exporter.allows(user, obj)]
    if refused:  # every caller has asked already; this is the last guard, never the first
        raise PermissionDenied(f"无权导出“{refused[0][0].title}”")
    record = ExportRecord(user)
    for exporter, obj in items:
        ws = workbook.create_sheet(sheet_name(exporter.sheet_title(obj), used))
        record.add(ws.title, exporter, obj)
        exporter.render(ws, obj, user)
        if on_sheet:
            on_sheet()
    record.stamp(workbook)
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""The one writer of every official layout: XlsxWriter in constant-memory mode.

A `Book` is one XlsxWriter workbook written to a temporary file: each sheet's rows go to
disk as soon as the next row starts, so memory stays flat however large the table, and
formats are shared indexes (a cell carries a number, not its own font and border).
The price is order: rows must be written top to bottom. Two ways to honour it:

- `StreamingSheet.append` for layouts that grow with rows (unit tables, roll-ups,
  自评 summaries): the header and its merges are known before the first row, each row is
  written once, in order.
- `base.SheetWriter` for small layouts that fill cells in any order and measure them
  afterwards: it keeps its cells in a dict and writes them, sorted, when the sheet ends.

Every text goes through `write_string` (never `write`, which would read "=..." as a
formula), with the formula guard's quote prefix; the workbook also refuses to turn
strings into formulas, numbers or links. openpyxl stays for reading (imports, tests).
"""

from __future__ import annotations

import io
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

from units.inputs import xml_safe

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
A4 = 9
FOOTER_FONT = "仿宋_GB2312"
OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


NO_STYLE: dict = {}
MAX_TEXT = 32767  # Excel's limit for one cell
TEXT_CACHE = 4_000  # entries: about a megabyte, whatever the table (values repeat within a few rows)


def _escape_text(value: str) -> tuple[str, bool]:
    """A text cell's XML after `<c r=".." s=".."`: its inline string, escaped as
    XlsxWriter escapes it; and whether it looks like a formula (the quote prefix)."""
    value = xml_safe(value)
    quoted = value.startswith(FORMULA_STARTS)
    if "\r" in value:  # XML keeps no bare carriage return: a line break, as openpyxl wrote it
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value[:MAX_TEXT]
    value = XMLwriter._escape_control_characters(value)
    preserve = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f' t="inlineStr"><is><t{preserve}>{value}</t></is></c>', quoted


class Book:
    """An export workbook. Sheets are added in order; `save` closes it and copies the file."""

    def __init__(self, *, small: bool = False):
        # `small`: a one-page form among thousands (every unit's 自评表 of a round). Its package is
        # put together in memory: on disk, each workbook's ten XML parts are ten temporary files
        # made and removed, the larger part of a small form's time (docs/benchmarks.md, Many units).
        # Rows still go to disk as they are written; only a layout of bounded size may ask for this.
        self._file = io.BytesIO() if small else tempfile.TemporaryFile()
        self.workbook = xlsxwriter.Workbook(self._file, OPTIONS)
        self.workbook.in_memory = small  # the packager's parts only: set after constant_memory took hold
        self.sheets: list[StreamingSheet] = []
        self._formats: dict[tuple, object] = {}
        self._closed = False
        self.texts: dict[str, tuple[str, bool]] = {}  # texts repeat: 显著增长, ≥500条

    def text(self, value: str) -> tuple[str, bool]:
        if len(self.texts) >= TEXT_CACHE:
            self.texts.clear()
        escaped = self.texts[value] = _escape_text(value)
        return escaped

    @property
    def sheetnames(self) -> list[str]:
        return [sheet.title for sheet in self.sheets]

    def format(self, props: dict):
        """One shared format per distinct set of properties."""
        key = tuple(sorted(props.items()))
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = self.workbook.add_format(props)
        return fmt

    def add_sheet(self, name: str) -> StreamingSheet:
        sheet = StreamingSheet(self, self.workbook.add_worksheet(name), name)
        self.sheets.append(sheet)
        return sheet

    def set_custom_property(self, name: str, value: str) -> None:
        self.workbook.set_custom_property(name, value)

    def close(self) -> None:
        if not self._closed:
            for sheet in self.sheets:
                sheet.finish()
            self.workbook.close()
            self._closed = True

    def save(self, target) -> None:
        """Write the file to a path or a binary file object (may be called more than once)."""
        self.close()
        self._file.seek(0)
        if isinstance(target, (str, Path)):
            with open(target, "wb") as out:
                shutil.copyfileobj(self._file, out)
        else:
            shutil.copyfileobj(self._file, target)


class StreamingSheet:
    """One worksheet written top to bottom. Rows and columns are 1-based, as in the forms.

    `append` writes the next row: (value, format properties) per cell, the properties
    being module-level dicts (resolved to a shared format once per dict). It is the hot
    path of a 1,000,000-cell export, so it serialises the row's XML itself, exactly as
    XlsxWriter's constant-memory writer does (`<row>`, `<c r s t="inlineStr">`), in one
    write to the sheet's row stream, and texts seen before are not escaped again."""

    def __init__(self, book: Book, ws, title: str):
        self.book, self.ws, self.title = book, ws, title
        self.row = 0  # rows written so far
        self._by_id: dict[int, tuple] = {}
        self._finishers: list = []
        self._last_col = -1
        self.default_height: float | None = None  # points; None: the application's default
        self._columns: list[str] = []  # A, B, … as far as the rows reach

    def style(self, props: dict | None):
        """(format, quoted format, their xf indexes) for a style dict, cached by its identity."""
        if props is None:
            props = NO_STYLE
        cached = self._by_id.get(id(props))
        if cached is None or cached[4] is not props:
            plain = self.book.format(props) if props else None
            quoted = self.book.format({**props, "quote_prefix": True})
            xf = f' s="{plain._get_xf_index()}"' if plain is not None else ""
            cached = (plain, quoted, xf, f' s="{quoted._get_xf_index()}"', props)
            self._by_id[id(props)] = cached
        return cached

    def append(self, cells: list[tuple[object, dict | None]], height: float | None = None) -> None:
        ws = self.ws
        r = self.row
        if ws.table:  # cells written through XlsxWriter's own writers wait for their row's end
            ws._write_single_row(r)
        ws.previous_row = r
        if cells:
            ws._check_dimensions(r, 0)
            if len(cells) - 1 > self._last_col:
                self._last_col = len(cells) - 1
                ws._check_dimensions(r, self._last_col)
            else:
                ws.dim_rowmax = r
        number = str(r + 1)
        height = self.default_height if height is None else height
        # The height in points as given (as openpyxl wrote it), not rounded to whole pixels.
        parts = [f'<row r="{number}" ht="{height:g}" customHeight="1">' if height else f'<row r="{number}">']
        texts, by_id, cols = self.book.texts, self._by_id, self._columns
        while len(cols) < len(cells):
            cols.append(xl_col_to_name(len(cols)))
        for c, (value, props) in enumerate(cells):
            formats = by_id.get(id(props))
            if formats is None or formats[4] is not props:
                formats = self.style(props)
            kind = type(value)
            if kind is str and value:
                text = texts.get(value) or self.book.text(value)
                parts.append(f'<c r="{cols[c]}{number}"{formats[3] if text[1] else formats[2]}{text[0]}')
            elif value is None or value == "":
                if formats[0] is not None:
                    parts.append(f'<c r="{cols[c]}{number}"{formats[2]}/>')
            elif kind is int or kind is float or kind is Decimal:
                parts.append(f'<c r="{cols[c]}{number}"{formats[2]}><v>{float(value):.16G}</v></c>')
            else:
                text = self.book.text(str(value))
                parts.append(f'<c r="{cols[c]}{number}"{formats[3] if text[1] else formats[2]}{text[0]}')
        parts.append("</row>")
        ws.fh.write("".join(parts))
        self.row += 1

    def put(self, r: int, c: int, value, formats) -> None:
        """One cell, 0-based, in any order within a row, rows in order (base.SheetWriter).
        Text is text (quote prefix when it looks like a formula), numbers are numbers,
        nothing is a formatted blank."""
        fmt, quoted = formats[0], formats[1]
        ws = self.ws
        # The underscored writers are XlsxWriter's own, minus the argument conversion of
        # the public ones (A1 strings); the hot loop of a 1,000,000-cell export.
        if value is None or value == "":
            ws._write_blank(r, c, None, fmt)
        elif isinstance(value, str):
            value = xml_safe(value)
            guarded = quoted if value.startswith(FORMULA_STARTS) else fmt
            if "\r" in value:  # XML keeps no bare carriage return: a line break, as openpyxl wrote it
                value = value.replace("\r\n", "\n").replace("\r", "\n")
            ws._write_string(r, c, value, guarded)
        elif isinstance(value, bool):
            ws._write_boolean(r, c, value, fmt)
        elif isinstance(value, (int, float)):
            ws._write_number(r, c, value, fmt)
        elif isinstance(value, Decimal):
            ws._write_number(r, c, float(value), fmt)
        else:
            ws._write_string(r, c, xml_safe(str(value)), fmt)

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        """Record a merged range (1-based); its cells are written by the rows themselves,
        each with its own format, which merge_range would overwrite."""
        if (first_row, first_col) != (last_row, last_col):
            self.ws.merge.append([first_row - 1, first_col - 1, last_row - 1, last_col - 1])

    def set_width(self, col: int, width: float) -> None:
        """`width` characters, written as that number (as openpyxl wrote it): XlsxWriter's
        set_column would add the cell padding, so the width goes in as 7 pixels a character."""
        self.ws.set_column_pixels(col - 1, col - 1, round(width * 7))

    def set_default_height(self, height: float) -> None:
        self.ws.set_default_row(height)
        self.default_height = height

    def hide(self) -> None:
        self.ws.hide()

    def on_finish(self, callback) -> None:
        """`callback()` runs when the sheet ends (a buffered writer flushes its cells)."""
        self._finishers.append(callback)

    def finish(self) -> None:
        while self._finishers:
            self._finishers.pop(0)()

    def print_setup(self, *, landscape: bool, title_rows: tuple[int, int] | None) -> None:
        """The official forms' print: A4, one page wide, centred, page numbers in the footer;
        `title_rows` (first, last, 1-based) repeat on every page."""
        ws = self.ws
        ws.set_paper(A4)
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        if title_rows:
            ws.repeat_rows(title_rows[0] - 1, title_rows[1] - 1)
        ws.set_footer(f'&C&"{FOOTER_FONT},Regular"&10第 &P 页，共 &N 页')

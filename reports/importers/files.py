"""Opening uploaded .xlsx and .docx files defensively, as grids of cell values.

Before any parser sees a file: its size is capped, it must be a zip (a password-
protected Office file is not: it is an OLE container), its uncompressed size and
compression ratio are checked (zip bombs). Then every XML part is parsed with
defusedxml's guards (no DTD or entity anywhere), and the parts we read are streamed
with the row, column and cell caps checked on each cell (see ooxml.py, readers.py).
Trailing empty rows (LibreOffice pads sheets to 1,048,576 rows) are never built.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import from_excel

from units.inputs import parse_id

from .grids import Grid, GridCell, ImportFileError, cell_text  # noqa: F401  (the package's vocabulary)
from .ooxml import CORRUPT, DAMAGED, Budget, Collector, Limits, TextCollector, feed, part_path, scan_parts
from .readers import SheetReader, TableReader

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK = "xl/workbook.xml"
DOCUMENT = "word/document.xml"


def _check_container(data: bytes, kind: str) -> zipfile.ZipFile:
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            f"文件过大（{len(data) // 1024} KB），上限为 {settings.IMPORT_MAX_BYTES // 1024 // 1024} MB"
        )
    if data.startswith(OLE_MAGIC):
        raise ImportFileError(
            "文件已加密（设置了打开密码）或为旧版 .xls/.doc 格式，请取消密码并另存为 .xlsx/.docx 后再上传"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(f"不是 {kind} 文件，请上传 Excel（.xlsx）或 Word（.docx）文件")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except DAMAGED:
        raise ImportFileError(CORRUPT) from None
    unzipped = sum(info.file_size for info in infos)
    if unzipped > settings.IMPORT_MAX_UNZIPPED_BYTES or any(
        info.compress_size and info.file_size / info.compress_size > 1000 for info in infos
    ):
        raise ImportFileError("文件解压后异常巨大（疑似压缩炸弹），已拒绝")
    return archive


def read_xlsx(data: bytes) -> list[Grid]:
    archive = _check_container(data, "Excel")
    if WORKBOOK not in archive.namelist():
        raise ImportFileError("不是 Excel（.xlsx）文件")
    budget = Budget(Limits.from_settings())
    sheets, strings_path, styles_path = _workbook_parts(archive, budget)
    scan_parts(archive, skip={WORKBOOK, _RELS, strings_path, styles_path, *(path for _, path in sheets)})
    convert = _converter(_strings(archive, strings_path, budget), _date_styles(archive, styles_path, budget))
    grids = []
    for name, path in sheets:
        reader = SheetReader(name, budget, convert)
        feed(archive, path, reader)
        grids.append(reader.grid())
    return grids


_RELS = "xl/_rels/workbook.xml.rels"


def _workbook_parts(archive: zipfile.ZipFile, budget: Budget) -> tuple[list[tuple[str, str]], str, str]:
    """The worksheets (name, part) in the workbook's order, hidden ones included, and the
    shared strings and styles parts."""
    book = Collector(budget, {"sheet"})
    feed(archive, WORKBOOK, book)
    rels = Collector(budget, {"Relationship"})
    if _RELS in archive.namelist():
        feed(archive, _RELS, rels)
    targets = {
        a.get("Id"): (a.get("Type", "").rpartition("/")[2], part_path(WORKBOOK, a.get("Target", "")))
        for _, a in rels.found
    }
    names = set(archive.namelist())
    sheets = []
    for _, attrs in book.found:
        kind, path = targets.get(attrs.get("id"), ("", ""))
        if kind == "worksheet":
            if path not in names:
                raise ImportFileError(f"Excel 文件已损坏，无法读取（缺少工作表“{attrs.get('name', '')}”）")
            budget.grid(len(sheets), "工作表")
            sheets.append((attrs.get("name", ""), path))
    by_kind = {kind: path for kind, path in targets.values()}
    return sheets, by_kind.get("sharedStrings", ""), by_kind.get("styles", "")


def _strings(archive: zipfile.ZipFile, path: str, budget: Budget) -> list[str]:
    if path not in archive.namelist():
        return []
    reader = TextCollector(budget, "si")
    feed(archive, path, reader)
    return reader.items


def _date_styles(archive: zipfile.ZipFile, path: str, budget: Budget) -> set[str]:
    """The style indices (as written in `s="…"`) whose number format shows a date."""
    if path not in archive.namelist():
        return set()
    styles = Collector(budget, {"numFmt", "cellXfs", "xf"})
    feed(archive, path, styles)
    formats = dict(BUILTIN_FORMATS)
    formats.update(
        {
            int(a["numFmtId"]): a.get("formatCode", "")
            for tag, a in styles.found
            if tag == "numFmt" and parse_id(a.get("numFmtId")) is not None  # not "²": isdigit, yet no int
        }
    )
    in_cell_xfs, xfs = False, []
    for tag, attrs in styles.found:
        if tag == "cellXfs":
            in_cell_xfs = True
        elif tag == "xf" and in_cell_xfs:
            xfs.append(attrs.get("numFmtId", "0"))
    return {
        str(i) for i, fmt in enumerate(xfs) if parse_id(fmt) is not None and is_date_format(formats.get(int(fmt), ""))
    }


def _converter(strings: list[str], date_styles: set[str]):
    """A cell's stored text as the value Excel shows: numbers, shared strings, booleans, dates."""

    def convert(kind: str, style: str, text: str):
        try:
            if kind == "n":
                number = float(text) if any(ch in text for ch in ".eE") else int(text)
                return from_excel(number) if style in date_styles else number
            if kind == "s":
                index = int(text)
                if index < 0:
                    raise IndexError(index)
                return strings[index]
            if kind == "b":
                return text.strip() in ("1", "true")
        except (ValueError, IndexError, OverflowError):
            raise ImportFileError(f"Excel 文件已损坏，无法读取（单元格值“{text[:20]}”）") from None
        return text  # str, inlineStr, e (an error such as #N/A), d (an ISO date as written)

    return convert


def read_docx(data: bytes) -> list[Grid]:
    """Each table of a Word document as a grid; merged cells repeat their text, as Word shows."""
    archive = _check_container(data, "Word")
    if DOCUMENT not in archive.namelist():
        raise ImportFileError("不是 Word（.docx）文件")
    scan_parts(archive, skip={DOCUMENT})
    reader = TableReader(Budget(Limits.from_settings()))
    feed(archive, DOCUMENT, reader)
    return reader.grids


def read_upload(name: str, data: bytes) -> list[Grid]:
    lowered = (name or "").lower()
    if lowered.endswith(".docx"):
        return read_docx(data)
    if lowered.endswith((".xlsx", ".xlsm")):
        return read_xlsx(data)
    if lowered.endswith((".xls", ".doc", ".wps", ".et", ".csv")):
        raise ImportFileError("请将文件另存为 .xlsx（Excel）或 .docx（Word）格式后再上传")
    return read_xlsx(data)

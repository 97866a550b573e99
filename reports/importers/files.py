"""Opening uploaded .xlsx and .docx files defensively, as grids of cell values.

Before any parser sees a file: its size is capped, it must be a zip (a password-
protected Office file is not: it is an OLE container), its uncompressed size and
compression ratio are checked (zip bombs), and no XML part may declare a DTD or
entities (XML entity attacks; openpyxl also parses through defusedxml). Trailing
empty rows (LibreOffice pads sheets to 1,048,576 rows) are not read.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EMPTY_ROWS_BEFORE_STOP = 200


class ImportFileError(Exception):
    """The file cannot be read at all; the message says why, in Chinese."""


@dataclass
class GridCell:
    value: object = None
    formula: bool = False

    @property
    def text(self) -> str:
        return cell_text(self.value)


@dataclass
class Grid:
    name: str
    rows: list[list[GridCell]] = field(default_factory=list)

    def text(self, row: int, col: int) -> str:
        """1-based, like a spreadsheet; outside the grid is blank."""
        if row - 1 < len(self.rows) and col - 1 < len(self.rows[row - 1]):
            return self.rows[row - 1][col - 1].text
        return ""

    def cell(self, row: int, col: int) -> GridCell:
        if row - 1 < len(self.rows) and col - 1 < len(self.rows[row - 1]):
            return self.rows[row - 1][col - 1]
        return GridCell()


def cell_text(value) -> str:
    """A cell as text: numbers without a spurious `.0`, text stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value).strip()


def _check_container(data: bytes, kind: str) -> zipfile.ZipFile:
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(f"文件过大（{len(data) // 1024} KB），上限为 {settings.IMPORT_MAX_BYTES // 1024 // 1024} MB")
    if data.startswith(OLE_MAGIC):
        raise ImportFileError("文件已加密（设置了打开密码）或为旧版 .xls/.doc 格式，请取消密码并另存为 .xlsx/.docx 后再上传")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(f"不是 {kind} 文件，请上传 Excel（.xlsx）或 Word（.docx）文件")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except zipfile.BadZipFile:
        raise ImportFileError("文件已损坏，无法打开") from None
    unzipped = sum(info.file_size for info in infos)
    if unzipped > settings.IMPORT_MAX_UNZIPPED_BYTES or any(
        info.compress_size and info.file_size / info.compress_size > 1000 for info in infos
    ):
        raise ImportFileError("文件解压后异常巨大（疑似压缩炸弹），已拒绝")
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            try:
                head = archive.read(info)[:4096]
            except (zipfile.BadZipFile, OSError, RuntimeError):
                raise ImportFileError("文件已损坏，无法打开") from None
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ImportFileError("文件含有不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝")
    return archive


def read_xlsx(data: bytes) -> list[Grid]:
    archive = _check_container(data, "Excel")
    if "xl/workbook.xml" not in archive.namelist():
        raise ImportFileError("不是 Excel（.xlsx）文件")
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(f"Excel 文件已损坏，无法读取（{type(exc).__name__}）") from None
    grids = []
    try:
        for ws in workbook.worksheets:
            grid = Grid(name=ws.title)
            empty_run = 0
            for row in ws.iter_rows():
                cells = [GridCell(value=c.value, formula=getattr(c, "data_type", None) == "f") for c in row]
                if all(c.value in (None, "") for c in cells):
                    empty_run += 1
                    if empty_run >= EMPTY_ROWS_BEFORE_STOP:
                        break  # padding to the sheet's end, not data
                    grid.rows.append(cells)
                    continue
                empty_run = 0
                grid.rows.append(cells)
                if len(grid.rows) > settings.IMPORT_MAX_ROWS:
                    raise ImportFileError(f"工作表“{ws.title}”超过 {settings.IMPORT_MAX_ROWS} 行，请分批导入")
            while grid.rows and all(c.value in (None, "") for c in grid.rows[-1]):
                grid.rows.pop()
            grids.append(grid)
    finally:
        workbook.close()
    return grids


def read_docx(data: bytes) -> list[Grid]:
    """Each table of a Word document as a grid; merged cells repeat their text, as Word shows."""
    archive = _check_container(data, "Word")
    if "word/document.xml" not in archive.namelist():
        raise ImportFileError("不是 Word（.docx）文件")
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ImportFileError(f"Word 文件已损坏，无法读取（{type(exc).__name__}）") from None
    grids = []
    for index, table in enumerate(document.tables, start=1):
        grid = Grid(name=f"表{index}")
        for row in table.rows:
            grid.rows.append([GridCell(value=cell.text.strip()) for cell in row.cells])
        grids.append(grid)
    return grids


def read_upload(name: str, data: bytes) -> list[Grid]:
    lowered = (name or "").lower()
    if lowered.endswith(".docx"):
        return read_docx(data)
    if lowered.endswith((".xlsx", ".xlsm")):
        return read_xlsx(data)
    if lowered.endswith((".xls", ".doc", ".wps", ".et", ".csv")):
        raise ImportFileError("请将文件另存为 .xlsx（Excel）或 .docx（Word）格式后再上传")
    return read_xlsx(data)

"""The bad-input corpus: each function builds one file that people (or attackers) send.

Built from the real exports so each differs from a good file in one way only.
"""

import io
import zipfile

from openpyxl import load_workbook

from reports.templates_xlsx import table_template


def rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, (replace or {}).get(info.filename, source.read(info)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def edit(data: bytes, change) -> bytes:
    """Open an .xlsx, let `change(workbook)` alter it, save it again."""
    workbook = load_workbook(io.BytesIO(data))
    change(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template(table, user) -> bytes:
    return table_template(table, user)


def not_xlsx() -> bytes:
    return "序号,单位名称\n1,武汉市\n".encode("utf-8")


def password_protected() -> bytes:
    # An encrypted Office file is an OLE compound document, whatever its extension says.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048


def corrupt(data: bytes) -> bytes:
    return data[: len(data) // 2]


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
    return out.getvalue()


def entity_attack(data: bytes) -> bytes:
    payload = (b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
               b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&b;</workbook>')
    return rezip(data, replace={"xl/workbook.xml": payload})


def padded_rows(data: bytes) -> bytes:
    """As LibreOffice saves a sheet formatted to its last row: 1,048,576 rows, nearly all empty."""
    def change(workbook):
        ws = workbook.worksheets[0]
        ws.cell(row=1048576, column=1).value = ""
        ws.cell(row=1048576, column=1).number_format = "@"
    return edit(data, change)

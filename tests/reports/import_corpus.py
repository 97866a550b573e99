"""The bad-input corpus: each function builds one file that people (or attackers) send.

Built from the real exports so each differs from a good file in one way only.
"""

import io
import random
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
    return "序号,单位名称\n1,武汉市\n".encode()


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
    payload = (
        b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&b;</workbook>'
    )
    return rezip(data, replace={"xl/workbook.xml": payload})


def padded_rows(data: bytes) -> bytes:
    """As LibreOffice saves a sheet formatted to its last row: 1,048,576 rows, nearly all empty."""

    def change(workbook):
        ws = workbook.worksheets[0]
        ws.cell(row=1048576, column=1).value = ""
        ws.cell(row=1048576, column=1).number_format = "@"

    return edit(data, change)


# --- files built to exhaust the server: each small on the wire, huge once parsed ---------------------

SHEET_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def raw_xlsx(
    sheet_data: bytes, *, dimension: bytes = b"", shared: list[str] | None = None, extra: dict[str, bytes] | None = None
) -> bytes:
    """A minimal workbook written by hand, as a hostile client would, around one sheet's XML."""
    rels = (
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{OFFICE_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{OFFICE_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        f"</Relationships>"
    ).encode()
    parts = {
        "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "xl/workbook.xml": b"<workbook "
        + SHEET_NS
        + b" "
        + REL_NS
        + b'><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": rels,
        "xl/worksheets/sheet1.xml": b"<worksheet "
        + SHEET_NS
        + b">"
        + dimension
        + b"<sheetData>"
        + sheet_data
        + b"</sheetData></worksheet>",
        "xl/sharedStrings.xml": b"<sst "
        + SHEET_NS
        + b">"
        + b"".join(b"<si><t>" + s.encode() + b"</t></si>" for s in (shared or []))
        + b"</sst>",
    }
    parts.update(extra or {})
    return _zip(parts)


def many_sheets(n: int) -> bytes:
    """`n` one-cell sheets: small as a file, but each sheet is recognised and planned on its own."""
    sheets = b"".join(b'<sheet name="S%d" sheetId="%d" r:id="rId%d"/>' % (i, i, i + 10) for i in range(1, n + 1))
    rels = b"".join(
        b'<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/s%d.xml"/>'
        % (i + 10, OFFICE_RELS.encode(), i)
        for i in range(1, n + 1)
    )
    extra = {
        "xl/workbook.xml": b"<workbook " + SHEET_NS + b" " + REL_NS + b"><sheets>" + sheets + b"</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + rels
        + b"</Relationships>",
    }
    for i in range(1, n + 1):
        extra[f"xl/worksheets/s{i}.xml"] = (
            b"<worksheet " + SHEET_NS + b'><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'
        )
    return raw_xlsx(b"", extra=extra)


def declared_wide() -> bytes:
    """6.7 KB: declares A1:XFD1000 (16,384 columns) over 1,000 one-cell rows; padded to the
    declared width that is 16 million cells."""
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(1, 1001))
    return raw_xlsx(rows, dimension=b'<dimension ref="A1:XFD1000"/>')


def far_column() -> bytes:
    """No declared size, but each row has a value in the last column, XFD."""
    return raw_xlsx(
        b"".join(
            b'<row r="%d"><c r="A%d"><v>1</v></c><c r="XFD%d"><v>2</v></c></row>' % (r, r, r) for r in range(1, 1001)
        )
    )


def many_rows(n: int) -> bytes:
    return raw_xlsx(b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r) for r in range(1, n + 1)))


def many_cells(rows: int, columns: int) -> bytes:
    """A full table: `rows` rows of `columns` numbers (150 columns by 2,000 rows is 300,000 cells)."""

    def line(r: int) -> bytes:
        return b'<row r="%d">' % r + b"".join(b"<c><v>%d</v></c>" % (r * c) for c in range(columns)) + b"</row>"

    return raw_xlsx(b"".join(line(r) for r in range(1, rows + 1)))


def element_flood(n: int = 3_000_000) -> bytes:
    """Millions of empty, styled cells in one row: nothing to keep, but each is an element to parse."""
    cells = b"".join(b'<c s="%d"/>' % (i % 997) for i in range(n))
    return raw_xlsx(b'<row r="1">' + cells + b"</row>")


def _digits(n: int, seed: int = 0) -> str:
    # Random digits: text that compresses about 2.4 to 1, so no zip-bomb check stops it first.
    table = bytes(48 + i % 10 for i in range(256))
    return random.Random(seed).randbytes(n).translate(table).decode()


def long_text(chars: int = 8_000_000) -> bytes:
    """One shared string of millions of characters."""
    return raw_xlsx(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=[_digits(chars)])


def much_text(strings: int = 640, chars: int = 30_000) -> bytes:
    """Many shared strings, each just under Excel's 32,767-character cell limit (19 million in all)."""
    text = _digits(strings * chars)
    return raw_xlsx(
        b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        shared=[text[i * chars : (i + 1) * chars] for i in range(strings)],
    )


def late_doctype(data: bytes, part: str) -> bytes:
    """A DOCTYPE with entities after a 5 KB comment: past the first 4 KB a sniffer reads."""
    source = zipfile.ZipFile(io.BytesIO(data))
    original = source.read(part) if part in source.namelist() else b"<x/>"
    body = original.split(b"?>", 1)[1] if original.startswith(b"<?xml") else original
    payload = b'<?xml version="1.0"?><!--' + b" " * 5120 + b'--><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]>' + body
    if part in source.namelist():
        return rezip(data, replace={part: payload})
    return rezip(data, add={part: payload})


# --- Word ---------------------------------------------------------------------------------------------

WORD_NS = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def raw_docx(body: bytes) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "word/document.xml": b"<w:document " + WORD_NS + b"><w:body>" + body + b"</w:body></w:document>",
        }
    )


def word_table(rows: int, cells: list[bytes] | None = None) -> bytes:
    """A Word table of `rows` rows; each row's cells as given (default: one cell with a number)."""

    def row(r):
        tcs = cells or [b"<w:tc><w:p><w:r><w:t>%d</w:t></w:r></w:p></w:tc>" % r]
        return b"<w:tr>" + b"".join(tcs) + b"</w:tr>"

    return raw_docx(b"<w:tbl>" + b"".join(row(r) for r in range(rows)) + b"</w:tbl>")


def word_tables(tables: int, rows: int = 1) -> bytes:
    """`tables` tables of `rows` one-cell rows each."""
    table = b"<w:tbl>" + b"<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>" * rows + b"</w:tbl>"
    return raw_docx(table * tables)


def word_wide_span() -> bytes:
    """One cell claiming to span a hundred million grid columns."""
    return word_table(
        3, [b'<w:tc><w:tcPr><w:gridSpan w:val="100000000"/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>']
    )

"""Streaming readers for the XML inside .xlsx and .docx files, with every cap checked as the
XML goes by, so a hostile file is refused before it has cost memory or time.

Each part is fed in chunks to an expat parser carrying defusedxml's guards (a DTD, an entity
or an external reference anywhere in any part raises). The parts we read call back per
element into small readers that keep only non-empty cells; the rest are scanned in C with
no callbacks. We do not use ElementTree's Python-level parser: on 500,000 cells its wrapper
alone costs twice the parse. Caps (settings): rows, columns, non-empty cells per file, XML
elements per file, and 32,767 characters per cell (Excel's own limit).
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser
from django.conf import settings

from .grids import ImportFileError

CHUNK = 64 * 1024
MAX_CELL_TEXT = 32767
MAX_TEXT = 16_000_000  # characters kept from one file: 200,000 cells of 80 characters
UNSAFE_XML = "文件含有不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝"
CORRUPT = "文件已损坏，无法打开"
# What a damaged archive or part raises on the way: zlib for bad deflate data, RuntimeError for an
# encrypted member, NotImplementedError for an unknown compression method or zip version,
# LookupError for an XML declaration naming an unknown encoding.
DAMAGED = (
    expat.ExpatError,
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
    LookupError,
)


@dataclass
class Limits:
    rows: int
    columns: int
    cells: int
    elements: int
    grids: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            rows=settings.IMPORT_MAX_ROWS,
            columns=settings.IMPORT_MAX_COLUMNS,
            cells=settings.IMPORT_MAX_CELLS,
            elements=settings.IMPORT_MAX_XML_ELEMENTS,
            grids=settings.IMPORT_MAX_SHEETS,
        )


class Budget:
    """What one file may cost, shared by all its parts."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.elements = 0
        self.cells = 0
        self.chars = 0
        self.rows = 0

    def element(self) -> None:
        self.elements += 1
        if self.elements > self.limits.elements:
            raise ImportFileError(f"文件结构异常（超过 {self.limits.elements} 个 XML 元素），已拒绝")

    def text(self, length: int) -> None:
        self.chars += length
        if self.chars > MAX_TEXT:
            raise ImportFileError(f"文件中的文字超过 {MAX_TEXT // 10000} 万字，请分批导入")

    def grid(self, count: int, kind: str) -> None:
        """Before reading the next sheet or table: every one costs a pass of the importer."""
        if count >= self.limits.grids:
            raise ImportFileError(f"文件中的{kind}超过 {self.limits.grids} 个，请只保留要导入的{kind}后再上传")

    def row(self) -> None:
        """Rows of the whole file, whatever sheets or tables they are spread over."""
        self.rows += 1
        if self.rows > self.limits.rows:
            raise ImportFileError(f"文件中有数据的行超过 {self.limits.rows} 行，请分批导入")

    def cell(self, where: str) -> None:
        # `where` is formatted only on refusal: this runs once per cell.
        self.cells += 1
        if self.cells > self.limits.cells:
            raise ImportFileError(f"{where.format(self)}有数据的单元格超过 {self.limits.cells} 个，请分批导入")


class _LocalNames(dict):
    """`w:tc` and `tc` alike: prefixes are the writer's choice, not part of the meaning.
    A dict lookup per element, not a call: half a million elements a second is the budget."""

    def __missing__(self, name: str) -> str:
        short = name.rpartition(":")[2]
        if len(self) < 10_000:  # a hostile file may invent a million names
            self[name] = short
        return short


LOCAL = _LocalNames()


def local(name: str) -> str:
    return LOCAL[name]


def _parser(reader=None):
    parser = expat.ParserCreate()
    guard = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.StartDoctypeDeclHandler = guard.defused_start_doctype_decl
    parser.EntityDeclHandler = guard.defused_entity_decl
    parser.UnparsedEntityDeclHandler = guard.defused_unparsed_entity_decl
    parser.ExternalEntityRefHandler = guard.defused_external_entity_ref_handler
    if reader is not None:
        parser.buffer_text = True
        parser.StartElementHandler = reader.start
        parser.EndElementHandler = reader.end
        parser.CharacterDataHandler = reader.data
    return parser


def feed(archive: zipfile.ZipFile, name: str, reader=None) -> None:
    """Parse one part in chunks; without a reader, only check that it is safe, well-formed XML."""
    parser = _parser(reader)
    try:
        with archive.open(name) as source:
            while chunk := source.read(CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except DefusedXmlException:
        raise ImportFileError(UNSAFE_XML) from None
    except DAMAGED:
        raise ImportFileError(CORRUPT) from None


def scan_parts(archive: zipfile.ZipFile, skip: set[str] = frozenset()) -> None:
    """Every XML part, wherever it is and whatever it is named, may not declare a DTD."""
    for info in archive.infolist():
        if info.filename in skip or info.is_dir():
            continue
        try:
            with archive.open(info) as source:
                head = source.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        except DAMAGED:
            raise ImportFileError(CORRUPT) from None
        if info.filename.endswith((".xml", ".rels", ".vml")) or head.startswith(b"<"):
            feed(archive, info.filename)


def part_path(base: str, target: str) -> str:
    """A relationship target, relative to its source part's folder or absolute."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


class Collector:
    """A reader that gathers the attributes of some elements (relationships, sheet lists, styles)."""

    def __init__(self, budget: Budget, tags: set[str]):
        self.budget, self.tags, self.found = budget, tags, []

    def start(self, tag, attrs):
        self.budget.element()
        if local(tag) in self.tags:
            self.found.append((local(tag), {local(k): v for k, v in attrs.items()}))

    def end(self, tag):
        pass

    def data(self, text):
        pass


class TextCollector:
    """Text of the elements named `item` (shared strings), from their `t` descendants, leaving out
    phonetic guides (`rPh`), as Excel shows them."""

    def __init__(self, budget: Budget, item: str):
        self.budget, self.item = budget, item
        self.items: list[str] = []
        self.parts: list[str] | None = None
        self.collecting = False
        self.length = 0
        self.skip = 0

    def start(self, tag, attrs):
        self.budget.element()
        tag = local(tag)
        if tag == self.item:
            self.parts, self.length = [], 0
            if len(self.items) >= self.budget.limits.cells:
                raise ImportFileError(f"文件中的文字超过 {self.budget.limits.cells} 条，请分批导入")
        elif tag == "rPh":
            self.skip += 1
        elif tag == "t" and self.parts is not None and not self.skip:
            self.collecting = True

    def end(self, tag):
        tag = local(tag)
        if tag == self.item and self.parts is not None:
            self.items.append("".join(self.parts))
            self.parts = None
        elif tag == "rPh":
            self.skip -= 1
        elif tag == "t":
            self.collecting = False

    def data(self, text):
        if self.collecting:
            self.length += len(text)
            if self.length > MAX_CELL_TEXT:
                raise ImportFileError(f"单元格文字超过 {MAX_CELL_TEXT} 个字符（Excel 的上限），文件可能已损坏")
            self.budget.text(len(text))
            self.parts.append(text)

"""What an official export was made from, carried inside the file itself.

An official layout has no `_meta` sheet (it must print as the form), so the rows and
versions it shows travel in the workbook's custom document properties: nothing that
prints or shows changes, and Excel, WPS and LibreOffice keep them when the file is
edited and saved again. On import they say which 任务书 an 附表 belongs to and which cells
someone else changed after the export (see importers.layouts).

Shape: {"sheets": {sheet name: {"table": id, "rows": {row id: version}}
                                | {"agreement": id, "version": version}}}
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
import zlib

from defusedxml.ElementTree import fromstring

from targets.models import TableRow
from units import policy
from units.inputs import read_json

PREFIX = "jxgl.export."
# Office keeps a text property to 255 characters; a large table needs several.
CHUNK = 240
CUSTOM_PART = "docProps/custom.xml"
MAX_UNPACKED = 16 * 1024 * 1024  # a crafted property must not inflate without bound


class ProvenanceError(ValueError):
    """The file carries export information that cannot be read: it was tampered with."""


class ExportRecord:
    """Collects, sheet by sheet and before each sheet is rendered, what it shows.

    Taken before rendering, a version is never newer than the values written: a row
    saved meanwhile shows up on import as changed since the export, never the reverse."""

    def __init__(self, user):
        self.user = user
        self.sheets: dict[str, dict] = {}

    def add(self, sheet_name: str, exporter, obj) -> None:
        if exporter.identifier == "unit_table":
            rows = TableRow.objects.filter(table=obj).filter(policy.visible_rows_filter(self.user)).order_by()
            # "id:version,id:version": a 100,000-row table streams into one text of about a
            # megabyte instead of a dict of 100,000 entries (the export's peak memory).
            pairs = rows.values_list("pk", "version").iterator(chunk_size=5000)
            self.sheets[sheet_name] = {"table": obj.pk, "rows": ",".join(f"{pk}:{v}" for pk, v in pairs)}
        elif exporter.identifier in ("self_evaluation", "monitoring_table"):
            self.sheets[sheet_name] = {"report": obj.pk, "version": obj.version}
        elif exporter.identifier == "agreement_annex":
            self.sheets[sheet_name] = {"agreement": obj.pk, "version": obj.version}

    def stamp(self, workbook) -> None:
        if not self.sheets:
            return
        packed = base64.b64encode(zlib.compress(json.dumps({"sheets": self.sheets}).encode())).decode()
        for index, start in enumerate(range(0, len(packed), CHUNK)):
            workbook.set_custom_property(f"{PREFIX}{index:05d}", packed[start : start + CHUNK])


def read_provenance(data: bytes) -> dict | None:
    """The export information of an uploaded .xlsx, None when it has none.

    Called only after the upload passed the container checks (size, zip bomb, DTD)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if CUSTOM_PART not in archive.namelist():
            return None
        root = fromstring(archive.read(CUSTOM_PART))
    except Exception:  # noqa: BLE001 - an unreadable part is no provenance, the reader reports the rest
        return None
    chunks = sorted((p.get("name", ""), "".join(p.itertext())) for p in root if p.get("name", "").startswith(PREFIX))
    if not chunks:
        return None
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(base64.b64decode("".join(text for _, text in chunks)), MAX_UNPACKED)
        if inflater.unconsumed_tail:
            raise ValueError("too large")
        return _checked(read_json(text))
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, zlib.error) as exc:
        raise ProvenanceError("文件中的导出信息已损坏，请重新导出后再修改、导入") from exc


def _checked(source) -> dict:
    sheets = source["sheets"]
    if not isinstance(sheets, dict):
        raise TypeError
    for entry in sheets.values():
        if not isinstance(entry, dict):
            raise TypeError
        if "table" in entry:
            entry["table"] = int(entry["table"])
            entry["rows"] = _row_versions(entry["rows"])
        elif "report" in entry:  # a monitoring report's 自评表 / 监控表
            entry["report"], entry["version"] = int(entry["report"]), int(entry["version"])
        else:
            entry["agreement"], entry["version"] = int(entry["agreement"]), int(entry["version"])
    return source


def _row_versions(rows) -> dict[int, int]:
    """Row id → version, from the compact text, or from the dict files exported before 2026-12 carry."""
    if isinstance(rows, str):
        pairs = (item.split(":") for item in rows.split(",")) if rows else ()
        return {int(k): int(v) for k, v in pairs}
    return {int(k): int(v) for k, v in rows.items()}


def sheet_source(source: dict | None, sheet_name: str, key: str) -> dict | None:
    """What the sheet `sheet_name` was exported from, if it is a `key` ("table"/"agreement")."""
    entry = (source or {}).get("sheets", {}).get(sheet_name)
    return entry if isinstance(entry, dict) and key in entry else None


def exported_rows(source: dict | None, table_id: int) -> dict[int, int] | None:
    """The versions of a table's rows when the file was exported; None for a file without
    export information; empty when the file has it but not for this table (a pasted-in
    sheet), so that every change to it must be confirmed."""
    if source is None:
        return None
    entries = [e for e in source.get("sheets", {}).values() if e.get("table") == table_id]
    return entries[0]["rows"] if entries else {}

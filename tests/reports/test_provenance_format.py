"""The row versions an export carries: a compact "id:version,…" text since 2026-12 (a
100,000-row table's export kept a dict of every row in memory), the dict of older files
still read, anything else refused as tampering."""

import base64
import io
import json
import zlib

import pytest
import xlsxwriter

from reports.provenance import PREFIX, ProvenanceError, _checked, read_provenance


def _workbook_with(sheets: dict) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out)
    workbook.add_worksheet("附表")
    packed = base64.b64encode(zlib.compress(json.dumps({"sheets": sheets}).encode())).decode()
    workbook.set_custom_property(f"{PREFIX}00000", packed)
    workbook.close()
    return out.getvalue()


@pytest.mark.parametrize("rows", ["5:2,7:1", {"5": 2, "7": 1}], ids=["compact-text", "dict-of-older-files"])
def test_both_forms_of_the_row_versions_read_the_same(rows):
    source = read_provenance(_workbook_with({"附表": {"table": 3, "rows": rows}}))
    assert source["sheets"]["附表"] == {"table": 3, "rows": {5: 2, 7: 1}}


def test_a_table_with_no_visible_rows_carries_an_empty_text():
    assert _checked({"sheets": {"附表": {"table": 3, "rows": ""}}})["sheets"]["附表"]["rows"] == {}


@pytest.mark.parametrize("rows", ["5:2,7", "5:x", "5:2:1", "5;2"])
def test_a_tampered_row_list_is_refused(rows):
    with pytest.raises(ProvenanceError):
        read_provenance(_workbook_with({"附表": {"table": 3, "rows": rows}}))


def test_provenance_nested_thousands_deep_is_refused_as_damaged_not_a_500():
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out)
    workbook.add_worksheet("附表")
    nested = "[" * 50000 + "]" * 50000
    workbook.set_custom_property(f"{PREFIX}00000", base64.b64encode(zlib.compress(nested.encode())).decode())
    workbook.close()
    with pytest.raises(ProvenanceError):
        read_provenance(out.getvalue())

"""Digits that str.isdigit accepts and int() refuses (², ³) where the readers take a number from an
uploaded file: a style's numFmtId (a 500 on upload before), the 附表's year header. Read or refused
with a message, never an exception. (A Word cell's gridSpan of ² is refused as a damaged file.)"""

import io
import re

import pytest
from openpyxl import Workbook

from reports.importers import ImportFileError, read_upload
from reports.importers.annex import plan_agreement_annex
from reports.importers.grids import Grid, GridCell

from . import import_corpus as corpus


def _workbook() -> bytes:
    workbook = Workbook()
    workbook.active.append(["单位", 1, 2.5])
    workbook.active["B1"].number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _read(name: str, data: bytes):
    try:
        return read_upload(name, data)
    except ImportFileError:
        return None


@pytest.mark.parametrize(
    "change",
    [
        lambda s: re.sub(r'numFmtId="\d+"', 'numFmtId="²"', s),
        lambda s: s.replace(
            "<cellXfs", '<numFmts count="1"><numFmt numFmtId="²" formatCode="yyyy"/></numFmts><cellXfs', 1
        ),
    ],
)
def test_a_superscript_number_format_id_is_no_exception(change):
    data = _workbook()
    styles = corpus.rezip(data, replace={"xl/styles.xml": change(_part(data, "xl/styles.xml")).encode()})
    _read("a.xlsx", styles)


@pytest.mark.django_db
def test_a_superscript_year_in_the_annex_header_is_refused_as_a_wrong_year(platform_agreement):
    grid = Grid("附表", rows=[[GridCell("年度"), GridCell("²"), GridCell("2023")]])
    plan = plan_agreement_annex(grid, platform_agreement, platform_agreement.version)
    assert plan.errors and "年度应为" in plan.errors[0].message


def _part(data: bytes, name: str) -> str:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).read(name).decode()

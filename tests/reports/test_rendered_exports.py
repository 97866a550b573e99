"""Each layout as a reviewer sees it: LibreOffice prints it to PDF, and the PDF's text holds
every seed value and name of the table, the title on every page, no column cut off.

Needs LibreOffice (libreoffice-calc-nogui) and poppler-utils; skipped without them unless
REQUIRE_LIBREOFFICE=1 (CI). SAVE_EXPORT_PNGS=1 refreshes docs/exports/*.png."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from projects.models import Agreement, Project
from projects.seeds import read_seed_files
from reports.exporters import export_workbook, exporter_for
from targets.models import TargetTable
from units import policy

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs" / "exports"


@pytest.fixture(scope="module")
def soffice():
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path or not shutil.which("pdftotext"):
        if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("REQUIRE_LIBREOFFICE=1 but soffice or pdftotext is missing")
        pytest.skip("LibreOffice or poppler-utils not installed")
    return path


def _render(soffice, tmp_path, name, exporter_id, obj) -> list[str]:
    xlsx = tmp_path / f"{name}.xlsx"
    export_workbook([(exporter_for(exporter_id), obj)], policy.system_user()).save(xlsx)
    profile = tmp_path / "lo-profile"  # its own profile per run: no lock, no shared state
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / f"{name}.pdf"
    pages = int(
        re.search(
            r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        ).group(1)
    )
    texts = [
        subprocess.run(
            ["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        for p in range(1, pages + 1)
    ]
    if os.environ.get("SAVE_EXPORT_PNGS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(DOCS / name)],
            check=True,
        )
    return texts


def _squash(text: str) -> str:
    """PDF text wraps inside cells; compare without any whitespace."""
    return re.sub(r"\s+", "", text)


def _present(expected: str, whole: str) -> bool:
    """Whether `expected` is printed, allowing the cell to wrap it over several lines: it must
    split into pieces (each a line of the wrapped cell, three characters or the rest) that
    each appear in the page text."""
    rest = _squash(expected)
    while rest:
        for size in range(len(rest), 0, -1):
            if rest[:size] in whole and (size >= 3 or size == len(rest)):
                rest = rest[size:]
                break
        else:
            return False
    return True


def _assert_all_present(texts: list[str], expected: list[str]):
    whole = _squash("".join(texts))
    missing = [e for e in expected if e and not _present(e, whole)]
    assert not missing, missing


SEEDS = None


def _seed():
    global SEEDS
    SEEDS = SEEDS or read_seed_files()
    return SEEDS


@pytest.mark.parametrize(
    ("index", "name"),
    [
        (0, "unit-table-region"),
        (1, "unit-table-university"),
        (2, "unit-table-operation-centre"),
        (3, "unit-table-platform"),
    ],
)
def test_unit_tables_print_every_value_with_the_title_on_every_page(soffice, tmp_path, index, name):
    seed_table = _seed().projects[0]["tables"][index]
    texts = _render(soffice, tmp_path, name, "unit_table", TargetTable.objects.get(title=seed_table["title"]))
    expected = [seed_table["title"]] + [c["name"] for c in seed_table["columns"]]
    for row in seed_table["rows"]:
        expected += [row["unit"], row["narrative"]] + [v.raw for v in row["cells"]]
    _assert_all_present(texts, expected)
    for page in texts:
        assert _squash(seed_table["title"]) in _squash(page)  # repeated title rows
    # Fit to width: the last column's header is on the first page with the first.
    last = seed_table["columns"][-1]["name"] or seed_table["columns"][-1]["category"].split("/")[-1]
    assert _present(last, _squash(texts[0])) and "序号" in texts[0]


def test_attachment2_prints_every_value(soffice, tmp_path):
    seed = _seed().projects[0]
    texts = _render(soffice, tmp_path, "attachment2", "attachment2", Project.objects.get(code=seed["code"]))
    expected = [
        seed["title"],
        seed["name"],
        "李述武",
        "86759053",
        "武昌区公正路19号",
        "430071",
        "5,000.00",
        seed["long_term_goal"],
        seed["note"],
    ]
    for item in seed["indicators"]:
        expected += [item["name"], item["annual"].raw, item["long_term"].raw]
    _assert_all_present(texts, expected)
    assert "第1页，共1页" in _squash(texts[-1])


@pytest.mark.parametrize(
    "code", ["gd-transfer-guangzhou", "gd-transfer-shenzhen", "gd-transfer-zhuhai", "gd-transfer-foshan"]
)
def test_transfer_tables_print_every_indicator_with_the_header_on_every_page(soffice, tmp_path, code):
    seed = next(p for p in _seed().projects if p["code"] == code)
    texts = _render(
        soffice, tmp_path, f"transfer-{code.split('-')[-1]}", "transfer_secondary", Project.objects.get(code=code)
    )
    expected = [seed["title"], seed["name"], seed["overall_goal"][:40]]
    for item in seed["indicators"]:
        expected += [item["name"], item["annual"].raw]
    _assert_all_present(texts, expected)
    for page in texts[1:]:
        assert "三级指标" in page  # the indicator header repeats


def test_expenditure_list_prints_every_project_and_indicator(soffice, tmp_path):
    projects = [p for p in _seed().projects if p["code"].startswith("gzkfq")]
    texts = _render(
        soffice, tmp_path, "expenditure-list", "expenditure_list", Project.objects.get(code=projects[0]["code"])
    )
    expected = []
    for project in projects:
        expected += (
            [project["name"]]
            + [i["name"] for i in project["indicators"]]
            + [i["annual"].raw for i in project["indicators"]]
        )
    _assert_all_present(texts, expected)
    for page in texts:
        assert "绩效指标" in page and "主管部门" in page


def test_agreement_annex_prints_years_and_metrics(soffice, tmp_path):
    agreement = Agreement.objects.get()
    texts = _render(soffice, tmp_path, "agreement-annex", "agreement_annex", agreement)
    _assert_all_present(
        texts,
        ["子平台年度绩效目标量化汇总表", "2021", "2022", "2023", "合计"]
        + [m.label for m in agreement.metrics.all()]
        + ["专利质押融资情况"],
    )

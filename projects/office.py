"""Office documents to PDF with LibreOffice: the one conversion path of the product (the 任务书's
Word document, and any official sheet printed as PDF for clerks who file paper).

A conversion takes seconds, so it never runs inside a request: callers are export jobs run by a
worker, with progress (reports.services)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 180

NO_OFFICE = "服务器未安装 LibreOffice，暂不能生成 PDF，请下载 {fallback}"
NO_FILTER = "PDF 生成失败（服务器的 LibreOffice 缺少{component}组件），请下载 {fallback}"
# What LibreOffice needs for each source, and what the requester is offered instead.
SOURCES = {
    "docx": ("文字处理", "Word 版本"),
    "xlsx": ("电子表格", "Excel 版本"),
}


class PdfUnavailable(Exception):
    """The server cannot convert: the message tells the requester which file to take instead."""


def office_pdf(source: bytes, suffix: str) -> bytes:
    """The PDF of `source`, an Office file of type `suffix` (docx, xlsx), printed as its page setup says."""
    component, fallback = SOURCES[suffix]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PdfUnavailable(NO_OFFICE.format(fallback=fallback))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"source.{suffix}"
        path.write_bytes(source)
        subprocess.run(
            [
                soffice,
                # A profile of its own: two conversions at once must not share LibreOffice's lock.
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(path),
            ],
            check=False,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
        )
        pdf = Path(tmp) / "source.pdf"
        if not pdf.exists():
            raise PdfUnavailable(NO_FILTER.format(component=component, fallback=fallback))
        return pdf.read_bytes()

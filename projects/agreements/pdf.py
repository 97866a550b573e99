"""The 任务书 as PDF: LibreOffice converts its Word document.

A conversion takes seconds to minutes, so it never runs inside a request: the page's PDF link
starts a background job with progress and a download link, like the exports. That job machinery
(reports' ExportJob and its page) sits above projects, so it registers its starter here when its
app is ready (reports.apps) and projects never imports reports.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

# The job's steps, for its progress bar: the Word document written, then converted.
STEPS = 2
TIMEOUT_SECONDS = 180

NO_OFFICE = "服务器未安装 LibreOffice，暂不能生成 PDF，请下载 Word 版本"
NO_WRITER = "PDF 生成失败（服务器的 LibreOffice 缺少文字处理组件），请下载 Word 版本"


class PdfUnavailable(Exception):
    """The server cannot convert: the message tells the requester to take the Word version."""


def agreement_pdf(agreement, *, on_step: Callable[[], None] = lambda: None) -> bytes:
    """The PDF bytes of `agreement`; `on_step` is called after each of the STEPS."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PdfUnavailable(NO_OFFICE)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "agreement.docx"
        # Imported here, not at the top: python-docx and lxml weigh 15 MB, and this module is
        # loaded in every process when the apps are ready (reports.apps registers the job),
        # while only the process that converts a 任务书 needs them.
        from .docx import agreement_docx

        source.write_bytes(agreement_docx(agreement))
        on_step()
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
                str(source),
            ],
            check=False,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
        )
        pdf = Path(tmp) / "agreement.pdf"
        if not pdf.exists():
            raise PdfUnavailable(NO_WRITER)
        on_step()
        return pdf.read_bytes()


_job_starter: Callable | None = None


def register_job_starter(starter: Callable) -> None:
    """`starter(request, agreement)` queues the PDF job and answers the request with its page."""
    global _job_starter
    _job_starter = starter


def start_job(request, agreement):
    if _job_starter is None:
        raise RuntimeError("no PDF job machinery registered (is the reports app installed?)")
    return _job_starter(request, agreement)

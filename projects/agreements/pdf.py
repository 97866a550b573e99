"""The 任务书 as PDF: LibreOffice converts its Word document.

A conversion takes seconds to minutes, so it never runs inside a request: the page's PDF link
(`reports:agreement_pdf`) starts a background job with progress and a download link, like the
exports. That job machinery (reports' ExportJob, its view and page) sits above projects and calls
this module; projects knows nothing of it.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import office
from ..office import PdfUnavailable, office_pdf  # noqa: F401 (the job catches it)

NO_OFFICE = office.NO_OFFICE.format(fallback=office.SOURCES["docx"][1])

# The job's steps, for its progress bar: the Word document written, then converted.
STEPS = 2


def agreement_pdf(agreement, *, on_step: Callable[[], None] = lambda: None) -> bytes:
    """The PDF bytes of `agreement`; `on_step` is called after each of the STEPS."""
    # Imported here, not at the top: python-docx and lxml weigh 15 MB, and this module is
    # loaded in every process that loads reports.services (the web, every worker), while only
    # the process that converts a 任务书 needs them.
    from .docx import agreement_docx

    source = agreement_docx(agreement)
    on_step()
    pdf = office_pdf(source, "docx")
    on_step()
    return pdf

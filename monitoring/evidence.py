"""佐证材料: files attached to a report or one of its values.

The type is read from the file's first bytes, never from its name: PDF, PNG, JPEG, and the zip
packages of Word (.docx) and Excel (.xlsx) opened to find their main part. Anything else — an .exe
renamed .pdf, an HTML page renamed .png — is refused. Files go through Django's default storage
under `monitoring/evidence/`; they are served only by the policy-checked download view."""

from __future__ import annotations

import logging
import os
import struct
import zipfile

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum

from review.engine import EDITABLE, lock
from units import policy
from units.audit import audit_record
from units.files import UNREACHABLE
from units.inputs import check_text

from .audit_actions import MonitoringAction
from .deadlines import SAVE, refuse_after_deadline
from .models import Evidence, Report

logger = logging.getLogger(__name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# content type: (extension stored, the name the form says)
ALLOWED = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    DOCX: ".docx",
    XLSX: ".xlsx",
}
ACCEPTED_LABEL = "PDF、PNG、JPEG 图片、Word（.docx）或 Excel（.xlsx）"


# A Word or Excel file has tens of parts; 20 MB of empty entries is 200,000 of them, which
# zipfile reads into memory (some 250 MB, seconds) before a single name is looked at.
MAX_PACKAGE_ENTRIES = 5000
_END_RECORD = struct.Struct("<4s4H2LH")


def _entry_count(upload) -> int | None:
    """The number of entries the zip's end record declares (read without parsing the directory),
    None when it has none or defers to ZIP64 (which no Office file of evidence size needs)."""
    size = upload.size
    upload.seek(max(0, size - (_END_RECORD.size + 0xFFFF)))
    tail = upload.read()
    upload.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _END_RECORD.size:
        return None
    total = _END_RECORD.unpack_from(tail, at)[4]
    return None if total == 0xFFFF else total


def sniff(upload) -> str | None:
    """The content type read from the file's bytes, or None if it is none of the accepted kinds."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        entries = _entry_count(upload)
        if entries is None or entries > MAX_PACKAGE_ENTRIES:
            return None
        try:
            with zipfile.ZipFile(upload) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX
    return None


# Bidirectional controls make "报告\u202efdp.exe" show as 报告exe.pdf: dropped from names.
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C])
SUFFIXES = {".pdf": (".pdf",), ".png": (".png",), ".jpg": (".jpg", ".jpeg"), ".docx": (".docx",), ".xlsx": (".xlsx",)}


def _clean_name(name: str) -> str:
    name = os.path.basename((name or "").replace("\\", "/")).translate(BIDI_CONTROLS).strip() or "佐证材料"
    check_text(name, "“文件名”", limit=200)
    return name[:200]


def _named_as(name: str, content_type: str) -> str:
    """The name ending with the type read from the bytes: a PDF named page.html (a polyglot) is
    downloaded as page.html.pdf, never opened as a web page by the one who downloads it."""
    extension = ALLOWED[content_type]
    if name.lower().endswith(SUFFIXES[extension]):
        return name
    return name[: 200 - len(extension)] + extension


def check_upload(upload) -> str:
    """The content type of an acceptable upload; a Chinese refusal otherwise."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(f"文件“{upload.name}”超过 {limit // (1024 * 1024)} MB，未上传")
    if upload.size == 0:
        raise ValidationError(f"文件“{upload.name}”是空的，未上传")
    content_type = sniff(upload)
    if content_type is None:
        raise ValidationError(f"文件“{upload.name}”不是{ACCEPTED_LABEL}（按文件内容判断），未上传")
    return content_type


@transaction.atomic
def evidence_add(*, report_id: int, value_id: int | None, upload, actor) -> Evidence:
    """Attach a file to a report (or one of its values) while the report may be edited."""
    content_type = check_upload(upload)
    name = _named_as(_clean_name(upload.name), content_type)
    report = lock(Report, report_id, related=("round__project",))
    if not policy.can_attach_evidence(actor, report):
        raise PermissionDenied("您没有为该报告上传材料的权限")
    if report.status not in EDITABLE:
        raise ValidationError(f"{report.edit_label}当前为“{report.get_status_display()}”，不能上传材料")
    refuse_after_deadline(report, actor, SAVE)
    _check_room(report, upload)
    value = None
    if value_id is not None:
        value = report.values.filter(pk=value_id).first()
        if value is None:
            raise ValidationError("该指标不在此报告中")
    evidence = Evidence(
        report=report,
        value=value,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    # The stored name is ours (random, with the sniffed type's extension), never the upload's;
    # so is the type an object store keeps with it (it would take the browser's declared one).
    upload.content_type = content_type
    try:
        evidence.file.save(f"{os.urandom(8).hex()}{ALLOWED[content_type]}", upload, save=False)
    except Exception:  # the store is down or refuses (botocore's errors are not OSErrors), a disk full
        logger.exception("evidence for report %s: the store did not take it", report.pk)
        raise ValidationError(f"文件“{name}”未上传：{UNREACHABLE}") from None
    evidence.save()
    audit_record(
        actor=actor,
        action=MonitoringAction.MONITORING_EVIDENCE_ADDED,
        obj=report,
        after={"文件": name, "指标": value.label if value else "报告"},
        label=report.review_label,
    )
    return evidence


def _check_room(report: Report, upload) -> None:
    """A report's files are capped in number and in total size (settings.EVIDENCE_MAX_*)."""
    stored = report.evidence.aggregate(files=Count("pk"), size=Sum("size"))
    if stored["files"] >= settings.EVIDENCE_MAX_FILES:
        raise ValidationError(f"该报告已有 {stored['files']} 个佐证材料，已达上限，请删除不需要的后再上传")
    limit = settings.EVIDENCE_MAX_TOTAL_BYTES
    if (stored["size"] or 0) + upload.size > limit:
        raise ValidationError(
            f"该报告的佐证材料合计将超过 {limit // (1024 * 1024)} MB，文件“{upload.name}”未上传，请压缩或删除部分材料"
        )


@transaction.atomic
def evidence_remove(*, evidence_id: int, actor) -> None:
    evidence = Evidence.objects.select_related("report__round__project").get(pk=evidence_id)
    report = lock(Report, evidence.report_id, related=("round__project",))
    if not policy.can_attach_evidence(actor, report):
        raise PermissionDenied("您没有删除该材料的权限")
    if report.status not in EDITABLE:
        raise ValidationError(f"{report.edit_label}当前为“{report.get_status_display()}”，不能删除材料")
    refuse_after_deadline(report, actor, SAVE)
    name, storage, path = evidence.original_name, evidence.file.storage, evidence.file.name
    evidence.delete()
    audit_record(
        actor=actor,
        action=MonitoringAction.MONITORING_EVIDENCE_REMOVED,
        obj=report,
        before={"文件": name},
        label=report.review_label,
    )
    # After the commit, and robust: a store that fails the delete leaves a stray file (logged),
    # never a removal answered with an error once it has happened.
    transaction.on_commit(lambda: storage.delete(path), robust=True)

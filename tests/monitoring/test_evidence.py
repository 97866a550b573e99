"""佐证材料: the type read from the bytes (not the name), the size cap, stored through the storage
API, downloaded only by who may see the report."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.evidence import evidence_add, evidence_remove, sniff
from monitoring.models import Evidence

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def _package(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            package.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = _package("[Content_Types].xml", "word/document.xml")
XLSX = _package("[Content_Types].xml", "xl/workbook.xml")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("报告.pdf", PDF, "application/pdf"),
        ("照片.png", PNG, "image/png"),
        ("照片.jpg", JPEG, "image/jpeg"),
        ("说明.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("台账.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("无后缀", PDF, "application/pdf"),  # the name is not what decides
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, None),  # a renamed exe
        ("page.png", b"<!DOCTYPE html><html><script>alert(1)</script></html>", None),  # renamed html
        ("any.zip", _package("a.txt"), None),  # a zip that is neither Word nor Excel
        ("broken.docx", b"PK\x03\x04not really a zip", None),
        ("note.txt", "纯文本".encode(), None),
    ],
)
def test_the_type_is_read_from_the_bytes(name, content, expected):
    assert sniff(_upload(name, content)) == expected


def test_an_accepted_file_is_stored_under_a_name_of_ours(wuhan_report, wuhan):
    value = wuhan_report.values.first()
    item = evidence_add(
        report_id=wuhan_report.pk,
        value_id=value.pk,
        upload=_upload("C:\\Users\\张明\\上半年台账.pdf", PDF),
        actor=wuhan,
    )
    assert item.original_name == "上半年台账.pdf" and item.content_type == "application/pdf" and item.size == len(PDF)
    assert item.file.name.startswith("monitoring/evidence/") and item.file.name.endswith(".pdf")
    assert "台账" not in item.file.name
    assert item.file.storage.exists(item.file.name)


def test_a_renamed_executable_is_refused_and_nothing_is_kept(wuhan_report, wuhan):
    with pytest.raises(ValidationError, match="按文件内容判断"):
        evidence_add(
            report_id=wuhan_report.pk, value_id=None, upload=_upload("a.pdf", b"MZ" + b"\x00" * 100), actor=wuhan
        )
    assert not Evidence.objects.exists()


def test_the_size_is_capped(wuhan_report, wuhan, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    big = PDF + b"\x00" * (1024 * 1024)
    with pytest.raises(ValidationError, match="超过 1 MB"):
        evidence_add(report_id=wuhan_report.pk, value_id=None, upload=_upload("big.pdf", big), actor=wuhan)
    assert not Evidence.objects.exists()


def test_a_value_of_another_report_is_refused(wuhan_report, wuhan, evaluation_round):
    foreign = evaluation_round.reports.get(unit__name="武汉市").values.first()
    with pytest.raises(ValidationError, match="不在此报告中"):
        evidence_add(report_id=wuhan_report.pk, value_id=foreign.pk, upload=_upload("a.pdf", PDF), actor=wuhan)


def test_the_download_is_an_attachment_for_who_may_see_the_report(
    client, wuhan_report, wuhan, outsider, reviewer, other_reviewer, observer
):
    item = evidence_add(report_id=wuhan_report.pk, value_id=None, upload=_upload("上半年台账.pdf", PDF), actor=wuhan)
    url = reverse("monitoring:evidence", args=[item.pk])
    for user in (wuhan, reviewer, observer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == PDF
    for user in (outsider, other_reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.logout()
    assert "/login/" in client.get(url).url


def test_files_are_not_under_a_public_media_url(client, wuhan_report, wuhan):
    item = evidence_add(report_id=wuhan_report.pk, value_id=None, upload=_upload("a.pdf", PDF), actor=wuhan)
    client.force_login(wuhan)
    assert client.get("/media/" + item.file.name).status_code == 404


def test_the_page_lists_files_by_name_and_the_unit_uploads_through_the_form(client, wuhan_report, wuhan):
    client.force_login(wuhan)
    url = reverse("monitoring:evidence_upload", args=[wuhan_report.pk])
    response = client.post(url, {"file": _upload("走访记录.docx", DOCX), "value": ""})
    assert response.status_code == 302
    response = client.post(url, {"file": _upload("病毒.pdf", b"MZ" + b"\x00" * 10), "value": ""})
    assert response.status_code == 400 and "不是PDF" in response.content.decode()
    page = client.get(reverse("monitoring:report", args=[wuhan_report.pk])).content.decode()
    assert "走访记录.docx" in page and "病毒.pdf" not in page.split('id="evidence"')[1].split("</ul>")[0]


def test_files_are_removed_only_while_the_report_is_editable(wuhan_report, wuhan, outsider):
    from django.core.exceptions import PermissionDenied

    from monitoring.models import Report

    item = evidence_add(report_id=wuhan_report.pk, value_id=None, upload=_upload("a.pdf", PDF), actor=wuhan)
    with pytest.raises(PermissionDenied):
        evidence_remove(evidence_id=item.pk, actor=outsider)
    Report.objects.filter(pk=wuhan_report.pk).update(status="submitted")
    with pytest.raises(ValidationError, match="不能删除材料"):
        evidence_remove(evidence_id=item.pk, actor=wuhan)
    Report.objects.filter(pk=wuhan_report.pk).update(status="draft")
    evidence_remove(evidence_id=item.pk, actor=wuhan)
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("page.html", "page.html.pdf"),  # a PDF header before HTML: opened as .html, the script would run
        ("setup.exe", "setup.exe.pdf"),
        ("报告\u202efdp.exe", "报告fdp.exe.pdf"),  # right-to-left override: shown as 报告exe.pdf
        ("台账.PDF", "台账.PDF"),
    ],
)
def test_the_name_a_file_is_downloaded_under_ends_with_the_type_read_from_its_bytes(
    client, wuhan_report, wuhan, name, kept
):
    polyglot = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"
    item = evidence_add(report_id=wuhan_report.pk, value_id=None, upload=_upload(name, polyglot), actor=wuhan)
    assert item.original_name == kept
    client.force_login(wuhan)
    response = client.get(reverse("monitoring:evidence", args=[item.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert kept.rsplit(".", 1)[-1] in response["Content-Disposition"].rsplit(".", 1)[-1]


def test_a_package_of_too_many_entries_is_refused_before_its_directory_is_read(wuhan_report, wuhan, monkeypatch):
    import monitoring.evidence as evidence

    crowded = _package("[Content_Types].xml", "word/document.xml", *[f"x/{i}" for i in range(60)])
    monkeypatch.setattr(evidence, "MAX_PACKAGE_ENTRIES", 50)
    read = []
    monkeypatch.setattr(zipfile.ZipFile, "namelist", lambda self: read.append(1) or [])
    with pytest.raises(ValidationError, match="按文件内容判断"):
        evidence_add(report_id=wuhan_report.pk, value_id=None, upload=_upload("a.docx", crowded), actor=wuhan)
    assert not read and not Evidence.objects.exists()


def test_a_reports_files_are_capped_in_number_and_in_total_size(wuhan_report, wuhan, settings):
    settings.EVIDENCE_MAX_FILES = 2
    settings.EVIDENCE_MAX_TOTAL_BYTES = 1024 * 1024
    for n in range(2):
        evidence_add(report_id=wuhan_report.pk, value_id=None, upload=_upload(f"{n}.pdf", PDF), actor=wuhan)
    with pytest.raises(ValidationError, match="已有 2 个佐证材料，已达上限"):
        evidence_add(report_id=wuhan_report.pk, value_id=None, upload=_upload("3.pdf", PDF), actor=wuhan)
    settings.EVIDENCE_MAX_FILES = 10
    big = PDF + b"\x00" * (1024 * 1024 - len(PDF))  # exactly the total limit on its own
    with pytest.raises(ValidationError, match="合计将超过 1 MB"):
        evidence_add(report_id=wuhan_report.pk, value_id=None, upload=_upload("big.pdf", big), actor=wuhan)
    assert Evidence.objects.filter(report=wuhan_report).count() == 2

"""The one conversion path to PDF (projects/office.py): a warm unoserver when one answers, LibreOffice
started for the file when none does. The converter is real (tests/officeserver.py), never mocked."""

import shutil
import subprocess
import time

import pytest
from django.urls import reverse

from projects import office
from tests.officeserver import free_port, office_server  # noqa: F401
from tests.projects.test_agreements import _filled, agreement, platform_filler  # noqa: F401

pytestmark = pytest.mark.django_db


def _word(text: str) -> bytes:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _text(pdf: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("needs pdftotext (poppler-utils)")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return "".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )


def _use(settings, server) -> None:
    settings.UNOSERVER_HOST, settings.UNOSERVER_PORT = server.host, server.port


def test_the_warm_converter_turns_a_word_document_into_its_pdf(office_server, settings, tmp_path):  # noqa: F811
    _use(settings, office_server)
    pdf = office.warm_pdf(_word("绩效目标任务书 第一条"), "docx")
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert "绩效目标任务书第一条" in _text(pdf, tmp_path)


def test_a_sheet_prints_through_the_warm_converter(office_server, settings, tmp_path, wuhan_row, admin_user):  # noqa: F811
    from reports.exporters import export_workbook, exporter_for, workbook_bytes

    _use(settings, office_server)
    source = workbook_bytes(export_workbook([(exporter_for("unit_table"), wuhan_row.table)], admin_user))
    pdf = office.warm_pdf(source, "xlsx")
    assert pdf is not None and wuhan_row.unit.name in _text(pdf, tmp_path)


def test_the_agreement_pdf_job_is_served_warm_with_no_libreoffice_to_start(
    client,
    agreement,  # noqa: F811
    platform_filler,  # noqa: F811
    office_server,  # noqa: F811
    settings,
    tmp_path,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """The worker's PATH has no soffice (as in the compose worker image): only the converter can
    have made this PDF."""
    from reports.models import ExportJob

    _use(settings, office_server)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    agreement = _filled(agreement, platform_filler)
    monkeypatch.setenv("PATH", "/nonexistent")
    client.force_login(platform_filler)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("reports:agreement_pdf", args=[agreement.pk]))
    job = ExportJob.objects.get(agreement=agreement)
    assert (job.status, job.error) == ("done", "")
    response = client.get(reverse("reports:export_job_download", args=[job.pk]))
    monkeypatch.undo()
    assert "湖北省知识产权发展中心" in _text(b"".join(response.streaming_content), tmp_path)


def test_no_converter_answering_is_noticed_at_once_and_the_file_converted_cold(settings, tmp_path):
    settings.UNOSERVER_HOST, settings.UNOSERVER_PORT = "127.0.0.1", free_port()  # nothing listens
    started = time.monotonic()
    assert office.warm_pdf(_word("x"), "docx") is None
    assert time.monotonic() - started < office.CONNECT_SECONDS + 1
    if not shutil.which("soffice"):
        pytest.skip("the cold path needs LibreOffice")
    assert "冷启动转换" in _text(office.office_pdf(_word("冷启动转换"), "docx"), tmp_path)


def test_no_converter_and_no_libreoffice_names_the_file_to_take_instead(settings, monkeypatch):
    settings.UNOSERVER_HOST, settings.UNOSERVER_PORT = "127.0.0.1", free_port()
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(office.PdfUnavailable, match="请下载 Excel 版本"):
        office.office_pdf(b"PK", "xlsx")


def test_an_unset_host_never_asks_a_converter(settings):
    settings.UNOSERVER_HOST = ""
    assert office.warm_pdf(_word("x"), "docx") is None


def test_compose_runs_the_converter_as_a_service_the_worker_asks():
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2]
    services = yaml.safe_load((root / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    assert services["worker"]["environment"]["UNOSERVER_HOST"] == "office"
    office_service = services["office"]
    assert "healthcheck" in office_service and "ports" not in office_service  # never published
    dockerfile = (root / office_service["build"]["dockerfile"]).read_text(encoding="utf-8")
    assert "python3-uno" in dockerfile and "unoserver_main.py" in dockerfile
    assert services["worker"]["environment"]["DATABASE_POOLER"] == "pgbouncer"  # the anchor's, kept

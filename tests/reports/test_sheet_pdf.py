"""Print what you see: the 附件2 of a project and each unit table as PDF, made by LibreOffice in an
export job (the 任务书 PDF's path), with what the requester may see and nothing more."""

import os
import shutil
import subprocess

import pytest
from django.urls import reverse

from reports.models import ExportJob
from targets.models import TargetTable

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def office():
    if not (shutil.which("soffice") or shutil.which("libreoffice")) or not shutil.which("pdftotext"):
        if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("REQUIRE_LIBREOFFICE=1 but soffice or pdftotext is missing")
        pytest.skip("LibreOffice or poppler-utils not installed")


def _pdf_text(client, state, tmp_path) -> str:
    response = client.get(state["download"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "sheet.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    assert path.read_bytes().startswith(b"%PDF")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout


def test_a_unit_table_prints_as_pdf_with_only_the_fillers_own_row(
    client, wuhan, wuhan_row, open_table, office, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(wuhan)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("reports:export_table_pdf", args=[wuhan_row.table_id]), **JSON).json()
    assert started["status"] == "pending"  # the page's script polls it (the worker runs after commit)
    state = client.get(started["page"], **JSON).json()
    assert (state["status"], state["error"], state["done"], state["total"]) == ("done", "", 2, 2)
    assert state["download_name"] == f"{wuhan_row.table.project.name}-{wuhan_row.table.title}.pdf"
    text = _pdf_text(client, state, tmp_path)
    assert "武汉市" in text and "宜昌市" not in text
    assert "收集中小微企业专利技术需求" in text


def test_the_attachment2_prints_as_pdf(
    client, admin_user, hubei, office, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:export_project_pdf", args=[hubei.pk, "attachment2"]))
    job = ExportJob.objects.get(owner=admin_user, layout="attachment2")
    # Without the page's script the form opens the job's page, which fetches the file when it is ready.
    assert response.status_code == 302 and response.url == reverse("reports:export_job", args=[job.pk]) + "?auto=1"
    page = client.get(response.url).content.decode()
    assert 'data-auto="1"' in page and "附件2 项目绩效目标表 PDF" in page
    state = client.get(reverse("reports:export_job", args=[job.pk]), **JSON).json()
    text = _pdf_text(client, state, tmp_path)
    assert "专利转化专项计划" in text and "3000条" in text.replace(" ", "")


def test_without_libreoffice_the_job_fails_saying_to_take_the_excel(
    client, admin_user, wuhan_row, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    monkeypatch.setenv("PATH", "/nonexistent")
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("reports:export_table_pdf", args=[wuhan_row.table_id]), **JSON).json()
    state = client.get(started["page"], **JSON).json()
    assert state["status"] == "failed" and "请下载 Excel 版本" in state["error"]
    assert client.get(state["download"]).status_code == 403


def test_a_layout_the_project_does_not_have_or_a_table_not_seen_is_a_404(client, wuhan, hubei, wuhan_row):
    client.force_login(wuhan)
    assert client.post(reverse("reports:export_project_pdf", args=[hubei.pk, "transfer_secondary"])).status_code == 404
    other = TargetTable.objects.get(project=hubei, title__contains="高校院所类")
    assert client.post(reverse("reports:export_table_pdf", args=[other.pk])).status_code == 404
    assert not ExportJob.objects.exists()


def test_a_second_click_while_it_is_made_shows_the_same_job(client, admin_user, wuhan_row):
    client.force_login(admin_user)
    first = client.post(reverse("reports:export_table_pdf", args=[wuhan_row.table_id]), **JSON).json()
    second = client.post(reverse("reports:export_table_pdf", args=[wuhan_row.table_id]), **JSON).json()
    assert first["page"] == second["page"] and ExportJob.objects.count() == 1


@pytest.mark.celery_worker
def test_a_real_worker_prints_the_table_and_the_page_reads_its_progress(
    seeded_transactional_db, celery_worker, office, client, settings, tmp_path, request
):
    import time

    settings.MEDIA_ROOT = str(tmp_path)
    admin = request.getfixturevalue("admin_user")
    table = TargetTable.objects.get(title__contains="市州类")
    client.force_login(admin)
    state = client.post(reverse("reports:export_table_pdf", args=[table.pk]), **JSON).json()
    for _ in range(300):  # the page's script polls the same way
        state = client.get(state["page"], **JSON).json()
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    assert (state["status"], state["error"]) == ("done", "")
    text = _pdf_text(client, state, tmp_path)
    assert "武汉市" in text and "潜江市" in text

"""Export files in the store, not on the worker's disk: every kind of export job saved to a real
S3-compatible server and downloaded from it (streamed, or by a signed URL after the policy check),
and the retention sweep that deletes old files and marks their jobs 已过期, in the store and the
database together."""

import os
import shutil
import zipfile
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import httpx
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports.models import ExportJob, ExportStatus
from reports.services import EXPIRED_MESSAGE, export_files_sweep, export_job_run
from tests.api.conftest import token_client
from tests.reports.test_unit_forms import _open_round
from tests.s3server import s3_server, s3_storage, store, use_s3  # noqa: F401
from units.files import walk

# The 市州 table is published: its units see the project (a filler sees nothing of an unpublished one).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("open_table")]
HAS_OFFICE = bool(shutil.which("soffice")) or os.environ.get("REQUIRE_LIBREOFFICE") == "1"


def _build(client, url, django_capture_on_commit_callbacks) -> ExportJob:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    return ExportJob.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[-1]))


def test_the_bundle_and_the_units_zip_are_saved_to_the_object_store_and_download_from_it(
    client, admin_user, hubei, s3_storage, settings, django_capture_on_commit_callbacks
):
    server, bucket = s3_storage
    client.force_login(admin_user)
    bundle = _build(client, reverse("reports:export_bundle", args=[hubei.pk]), django_capture_on_commit_callbacks)
    round_ = _open_round(hubei, admin_user, 2, 31)
    forms = _build(client, reverse("reports:export_round_forms", args=[round_.pk]), django_capture_on_commit_callbacks)
    assert (bundle.status, forms.status) == ("done", "done")
    assert server.keys(bucket) == sorted([bundle.file.name, forms.file.name])
    assert not Path(settings.MEDIA_ROOT).exists()  # nothing on this host's disk

    download = client.get(reverse("reports:export_job_download", args=[bundle.pk]))
    content = b"".join(download.streaming_content)
    assert content == server.body(bucket, bundle.file.name)
    assert load_workbook(BytesIO(content)).sheetnames[0] == "附件2 项目绩效目标表"
    archive = b"".join(client.get(reverse("reports:export_job_download", args=[forms.pk])).streaming_content)
    assert len(zipfile.ZipFile(BytesIO(archive)).namelist()) == 2


@pytest.mark.skipif(not HAS_OFFICE, reason="needs LibreOffice")
def test_the_agreement_pdf_is_saved_to_the_object_store(
    client, admin_user, platform_agreement, s3_storage, django_capture_on_commit_callbacks
):
    server, bucket = s3_storage
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("reports:agreement_pdf", args=[platform_agreement.pk]))
    job = ExportJob.objects.get(agreement=platform_agreement)
    assert job.status == "done" and server.keys(bucket) == [job.file.name]
    assert server.body(bucket, job.file.name).startswith(b"%PDF-")


def test_a_signed_download_is_given_only_after_the_policy_check(
    client, wuhan, outsider, hubei, s3_storage, settings, monkeypatch, django_capture_on_commit_callbacks
):
    server, bucket = s3_storage
    use_s3(server, bucket, settings, monkeypatch, S3_DOWNLOAD_URL_SECONDS="60")
    client.force_login(wuhan)
    job = _build(client, reverse("reports:export_bundle", args=[hubei.pk]), django_capture_on_commit_callbacks)
    url = reverse("reports:export_job_download", args=[job.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404  # another's job: no URL, signed or not
    client.force_login(wuhan)
    answer = client.get(url)
    assert answer.status_code == 302 and answer["Location"].startswith(server.endpoint)
    fetched = httpx.get(answer["Location"])
    assert fetched.status_code == 200 and fetched.content == server.body(bucket, job.file.name)
    assert "%E5%85%A8%E9%83%A8%E9%99%84%E4%BB%B6.xlsx" in fetched.headers["content-disposition"]  # 全部附件
    api = token_client(wuhan).get(f"/api/v1/exports/{job.pk}/download/")
    assert api.status_code == 302 and api["Location"].startswith(server.endpoint)


# --- retention ---------------------------------------------------------------------------------


def _done_job(project, owner, days_ago: float, name: str) -> ExportJob:
    stored = default_storage.save(f"exports/{name}", ContentFile(b"PK old export"))
    return ExportJob.objects.create(
        project=project,
        owner=owner,
        status=ExportStatus.DONE,
        file=stored,
        finished_at=timezone.now() - timedelta(days=days_ago),
    )


def test_the_sweep_deletes_files_past_their_days_and_marks_their_jobs_expired(store, hubei, wuhan, settings):
    settings.EXPORT_RETENTION_DAYS = 7
    old = _done_job(hubei, wuhan, 8, "old.xlsx")
    fresh = _done_job(hubei, wuhan, 6, "fresh.xlsx")
    running = ExportJob.objects.create(project=hubei, owner=wuhan, status=ExportStatus.RUNNING)
    counts = export_files_sweep()
    assert counts == {"expired": 1, "kept": 0, "strays": 0}
    old.refresh_from_db(), fresh.refresh_from_db(), running.refresh_from_db()
    assert (old.status, old.file.name, old.error) == ("expired", "", EXPIRED_MESSAGE)
    assert (fresh.status, running.status) == ("done", "running")
    assert sorted(walk(default_storage, "exports")) == ["exports/fresh.xlsx"]
    if store:
        server, bucket = store
        assert server.keys(bucket) == ["exports/fresh.xlsx"]
    assert export_files_sweep() == {"expired": 0, "kept": 0, "strays": 0}  # nothing twice


def test_a_file_the_store_will_not_delete_keeps_its_job_for_the_next_sweep(store, hubei, wuhan, monkeypatch):
    refused = _done_job(hubei, wuhan, 30, "refused.xlsx")
    other = _done_job(hubei, wuhan, 30, "other.xlsx")
    backend = type(default_storage._wrapped)  # the backend of this test: a directory or S3
    delete = backend.delete

    def delete_refusing_one(self, name):
        if name == refused.file.name:
            raise OSError("the store is read-only")  # a fault at the edge: the store answers no
        return delete(self, name)

    monkeypatch.setattr(backend, "delete", delete_refusing_one)
    assert export_files_sweep() == {"expired": 1, "kept": 1, "strays": 0}
    refused.refresh_from_db(), other.refresh_from_db()
    assert (refused.status, other.status) == ("done", "expired")
    assert default_storage.exists(refused.file.name)  # still downloadable, still named

    monkeypatch.setattr(backend, "delete", delete)
    assert export_files_sweep() == {"expired": 1, "kept": 0, "strays": 0}
    refused.refresh_from_db()
    assert refused.status == "expired" and list(walk(default_storage, "exports")) == []


def test_files_no_job_names_go_after_the_same_days(store, hubei, wuhan):
    kept = _done_job(hubei, wuhan, 1, "kept.xlsx")
    default_storage.save("exports/lost-worker.xlsx", ContentFile(b"saved, never recorded"))
    default_storage.save("monitoring/evidence/not-an-export.pdf", ContentFile(b"%PDF"))
    assert export_files_sweep()["strays"] == 0  # too new: maybe a worker about to record it
    later = timezone.now() + timedelta(days=8)
    assert export_files_sweep(now=later) == {"expired": 1, "kept": 0, "strays": 1}
    kept.refresh_from_db()
    assert kept.status == "expired"
    assert list(walk(default_storage)) == ["monitoring/evidence/not-an-export.pdf"]


def test_an_expired_job_says_so_on_its_page_and_in_the_api_and_is_built_again_on_request(
    client, store, hubei, wuhan, django_capture_on_commit_callbacks
):
    job = _done_job(hubei, wuhan, 30, "old.xlsx")
    export_files_sweep()
    client.force_login(wuhan)
    page = client.get(reverse("reports:export_job", args=[job.pk])).content.decode()
    assert "已过期" in page and EXPIRED_MESSAGE in page
    assert '<button type="submit" class="primary" id="job-retry-button">重新导出</button>' in page
    assert client.get(reverse("reports:export_job", args=[job.pk]), {"format": "json"}).json()["status"] == "expired"
    download = client.get(reverse("reports:export_job_download", args=[job.pk]))
    assert download.status_code == 302 and download.url == reverse("reports:export_job", args=[job.pk])

    api = token_client(wuhan)
    shown = api.get(f"/api/v1/exports/{job.pk}/").json()
    assert (shown["status"], shown["error"], shown["download_url"]) == ("expired", EXPIRED_MESSAGE, None)
    assert shown["retry_url"].endswith(f"/api/v1/exports/{job.pk}/retry/")
    gone = api.get(f"/api/v1/exports/{job.pk}/download/")
    assert gone.status_code == 410 and gone.json()["detail"] == EXPIRED_MESSAGE

    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(f"/api/v1/exports/{job.pk}/retry/")
    assert answer.status_code == 202
    job.refresh_from_db()
    assert job.status == "done" and job.error == "" and default_storage.exists(job.file.name)
    assert api.post(f"/api/v1/exports/{job.pk}/retry/").status_code == 409  # done: nothing to build
    fresh = client.get(reverse("reports:export_job_download", args=[job.pk]))
    assert load_workbook(BytesIO(b"".join(fresh.streaming_content))).sheetnames


def test_the_page_button_builds_an_expired_export_again(
    client, store, hubei, wuhan, django_capture_on_commit_callbacks
):
    job = _done_job(hubei, wuhan, 30, "old.xlsx")
    export_files_sweep()
    client.force_login(wuhan)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("reports:export_job_retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.file.name.startswith(f"exports/{hubei.code}-全部附件-")


def test_beat_runs_the_sweep_every_hour(settings, store, hubei, wuhan):
    from reports.tasks import export_files_sweep_task

    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("export_files_sweep_task"))
    assert entry["task"] == "reports.tasks.export_files_sweep_task" and entry["schedule"] == 3600
    _done_job(hubei, wuhan, 8, "old.xlsx")
    assert export_files_sweep_task.delay().get()["expired"] == 1


def test_a_job_run_again_after_its_file_was_saved_but_not_recorded_still_ends_done(store, hubei, admin_user):
    job = ExportJob.objects.create(project=hubei, owner=admin_user)
    first = export_job_run(job_id=job.pk).file.name
    assert first
    ExportJob.objects.filter(pk=job.pk).update(status="running", file="")  # as if recording was lost
    job = export_job_run(job_id=job.pk)
    assert job.status == "done" and job.file.name != first  # a name of its own, the first is a stray
    assert sorted(walk(default_storage, "exports")) == sorted([first, job.file.name])

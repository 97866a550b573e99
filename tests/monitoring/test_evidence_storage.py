"""佐证材料 in a real S3-compatible object store: the size caps and the type read from the bytes
before anything is stored, the stored name ours, the download under the name the unit gave
(streamed, or by a signed URL after the policy check), removal deleting the object."""

import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.evidence import evidence_add, evidence_remove
from monitoring.models import Evidence
from tests.s3server import s3_server, s3_storage, use_s3  # noqa: F401

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_an_upload_through_the_form_lands_in_the_bucket_under_a_name_of_ours(
    client, wuhan_report, wuhan, s3_storage, settings
):
    from pathlib import Path

    server, bucket = s3_storage
    client.force_login(wuhan)
    url = reverse("monitoring:evidence_upload", args=[wuhan_report.pk])
    assert client.post(url, {"file": _upload("上半年台账.pdf", PDF), "value": ""}).status_code == 302
    item = Evidence.objects.get()
    assert server.keys(bucket) == [item.file.name]
    assert item.file.name.startswith("monitoring/evidence/") and "台账" not in item.file.name
    assert server.body(bucket, item.file.name) == PDF and item.size == len(PDF)
    head = server.client().head_object(Bucket=bucket, Key=item.file.name)
    assert head["ContentType"] == "application/pdf"
    assert not Path(settings.MEDIA_ROOT).exists()


def test_refused_uploads_leave_the_bucket_empty(wuhan_report, wuhan, s3_storage, settings):
    from django.core.exceptions import ValidationError

    server, bucket = s3_storage
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="按文件内容判断"):
        evidence_add(report_id=wuhan_report.pk, value_id=None, upload=_upload("a.pdf", b"MZ" + b"\0" * 99), actor=wuhan)
    with pytest.raises(ValidationError, match="超过"):
        evidence_add(report_id=wuhan_report.pk, value_id=None, upload=_upload("b.pdf", PDF + b"\0" * 2048), actor=wuhan)
    assert server.keys(bucket) == [] and not Evidence.objects.exists()


def test_a_file_past_the_multipart_threshold_round_trips_intact(client, wuhan_report, wuhan, s3_storage):
    server, bucket = s3_storage
    big = PDF + bytes(range(256)) * (9 * 1024 * 4)  # 9 MB: boto3 uploads it in parts
    item = evidence_add(report_id=wuhan_report.pk, value_id=None, upload=_upload("大文件.pdf", big), actor=wuhan)
    client.force_login(wuhan)
    response = client.get(reverse("monitoring:evidence", args=[item.pk]))
    assert int(response["Content-Length"]) == len(big) == item.size
    assert b"".join(response.streaming_content) == big == server.body(bucket, item.file.name)


def test_the_download_streams_under_the_units_name_for_who_may_see_the_report(
    client, wuhan_report, wuhan, outsider, reviewer, s3_storage
):
    item = evidence_add(report_id=wuhan_report.pk, value_id=None, upload=_upload("page.html", PDF), actor=wuhan)
    url = reverse("monitoring:evidence", args=[item.pk])
    for user in (wuhan, reviewer):
        client.force_login(user)
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
        assert (
            response["Content-Disposition"] == "attachment; filename=\"page-html.pdf\"; filename*=UTF-8''page.html.pdf"
        )
        assert b"".join(response.streaming_content) == PDF
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_a_signed_download_names_the_file_and_is_given_only_to_who_may_see_it(
    client, wuhan_report, wuhan, outsider, s3_storage, settings, monkeypatch
):
    server, bucket = s3_storage
    use_s3(server, bucket, settings, monkeypatch, S3_DOWNLOAD_URL_SECONDS="30")
    item = evidence_add(report_id=wuhan_report.pk, value_id=None, upload=_upload("走访记录.pdf", PDF), actor=wuhan)
    url = reverse("monitoring:evidence", args=[item.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(wuhan)
    answer = client.get(url)
    assert answer.status_code == 302
    fetched = httpx.get(answer["Location"])
    assert fetched.content == PDF and fetched.headers["content-type"] == "application/pdf"
    assert fetched.headers["content-disposition"].startswith("attachment;")
    assert "%E8%B5%B0%E8%AE%BF%E8%AE%B0%E5%BD%95.pdf" in fetched.headers["content-disposition"]  # 走访记录.pdf


def test_removing_a_file_deletes_the_object_once_the_removal_commits(
    wuhan_report, wuhan, s3_storage, django_capture_on_commit_callbacks
):
    server, bucket = s3_storage
    item = evidence_add(report_id=wuhan_report.pk, value_id=None, upload=_upload("a.pdf", PDF), actor=wuhan)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        evidence_remove(evidence_id=item.pk, actor=wuhan)
    assert server.keys(bucket) == [item.file.name]  # not before the commit
    for callback in callbacks:
        callback()
    assert server.keys(bucket) == [] and not Evidence.objects.exists()


def test_a_file_missing_from_the_bucket_is_a_404(client, wuhan_report, wuhan, s3_storage):
    server, bucket = s3_storage
    item = evidence_add(report_id=wuhan_report.pk, value_id=None, upload=_upload("a.pdf", PDF), actor=wuhan)
    server.client().delete_object(Bucket=bucket, Key=item.file.name)
    client.force_login(wuhan)
    response = client.get(reverse("monitoring:evidence", args=[item.pk]))
    assert response.status_code == 404


def test_an_upload_while_the_store_is_down_is_refused_with_a_message_and_nothing_kept(
    client, wuhan_report, wuhan, s3_server, settings, monkeypatch, tmp_path
):
    from tests.s3server import S3Server, free_port

    nobody = S3Server(endpoint=f"http://127.0.0.1:{free_port()}", root=tmp_path)
    use_s3(nobody, "jixiao-files", settings, monkeypatch)
    client.force_login(wuhan)
    url = reverse("monitoring:evidence_upload", args=[wuhan_report.pk])
    response = client.post(url, {"file": _upload("台账.pdf", PDF), "value": ""})
    assert response.status_code == 400
    assert "文件“台账.pdf”未上传：文件存储服务暂时无法连接" in response.content.decode()
    assert not Evidence.objects.exists()

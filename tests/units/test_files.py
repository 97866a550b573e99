"""Files through the storage API, on the local disk and on a real S3-compatible server alike:
written whole or not at all, downloaded streamed or by a short-lived signed URL, listed."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import Http404

from reports.models import ExportJob
from tests.s3server import s3_server, s3_storage, store, use_s3  # noqa: F401
from units.files import StorageUnavailable, file_response, save_written, walk

NAME = "上半年 台账（终稿）.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _stored(name: str) -> FieldFile:
    return FieldFile(ExportJob(), ExportJob._meta.get_field("file"), name)


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """The temporary directory of this process, to see what is left in it."""
    import tempfile

    directory = tmp_path / "scratch"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


def test_a_file_written_at_a_path_is_saved_to_the_store_whole_and_the_scratch_copy_removed(store, scratch):
    name = save_written(default_storage, "exports/a.xlsx", lambda path: Path(path).write_bytes(b"PK whole file"))
    assert name == "exports/a.xlsx"
    with default_storage.open(name, "rb") as handle:
        assert handle.read() == b"PK whole file"
    assert list(scratch.iterdir()) == []
    if store:  # asked of the server itself, not through the app
        server, bucket = store
        assert server.keys(bucket) == ["exports/a.xlsx"]


def test_a_name_taken_gets_another_and_never_overwrites(store):
    first = save_written(default_storage, "exports/a.xlsx", lambda path: Path(path).write_bytes(b"one"))
    second = save_written(default_storage, "exports/a.xlsx", lambda path: Path(path).write_bytes(b"two"))
    assert first != second and second.startswith("exports/a_") and second.endswith(".xlsx")
    assert default_storage.open(first).read() == b"one"


def test_a_writer_that_fails_half_way_leaves_nothing_in_the_store(store, scratch, settings):
    def dying(path):
        Path(path).write_bytes(b"half a file")
        raise OSError("worker lost")

    with pytest.raises(OSError, match="worker lost"):
        save_written(default_storage, "exports/a.xlsx", dying)
    assert list(walk(default_storage)) == [] and list(scratch.iterdir()) == []
    assert not Path(settings.MEDIA_ROOT).exists()


def test_a_store_that_refuses_the_file_is_an_oserror_for_the_job_to_retry(s3_server, settings, monkeypatch):
    use_s3(s3_server, "no-such-bucket", settings, monkeypatch)
    with pytest.raises(StorageUnavailable, match="no-such-bucket|NoSuchBucket") as caught:
        save_written(default_storage, "exports/a.xlsx", lambda path: Path(path).write_bytes(b"x"))
    assert isinstance(caught.value, OSError)


def test_a_download_streams_from_the_store_under_the_name_given(store, db):  # closing it ends a "request"
    default_storage.save("exports/a.xlsx", ContentFile(b"PK" + b"x" * 200_000))
    response = file_response(_stored("exports/a.xlsx"), filename=NAME, content_type=XLSX)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == XLSX and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == response_disposition(NAME)
    assert int(response["Content-Length"]) == 200_002
    assert b"".join(response.streaming_content) == b"PK" + b"x" * 200_000
    response.close()


def test_a_file_the_store_no_longer_has_is_a_404_not_a_500(store):
    with pytest.raises(Http404, match="文件已不存在"):
        file_response(_stored("exports/gone.xlsx"), filename=NAME, content_type=XLSX)


def test_with_signed_downloads_the_answer_is_a_short_lived_url_that_names_the_file(s3_storage, settings, monkeypatch):
    server, bucket = s3_storage
    use_s3(server, bucket, settings, monkeypatch, S3_DOWNLOAD_URL_SECONDS="60")
    default_storage.save("exports/a.xlsx", ContentFile(b"PK signed"))
    response = file_response(_stored("exports/a.xlsx"), filename=NAME, content_type=XLSX)
    assert response.status_code == 302 and "no-store" in response["Cache-Control"]
    url = response["Location"]
    assert url.startswith(server.endpoint + f"/{bucket}/exports/a.xlsx?")
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["60"]
    fetched = httpx.get(url)
    assert fetched.status_code == 200 and fetched.content == b"PK signed"
    assert fetched.headers["content-type"] == XLSX
    assert fetched.headers["content-disposition"] == response_disposition(NAME)
    tampered = url.replace("exports/a.xlsx", "exports/b.xlsx")
    assert httpx.get(tampered).status_code == 403


def response_disposition(filename: str) -> str:
    """The product's one header for a download (an ASCII name and the UTF-8 one), streamed or signed."""
    from urllib.parse import quote

    from units.files import content_disposition

    header = content_disposition(filename)
    assert header.startswith('attachment; filename="') and f"filename*=UTF-8''{quote(filename, safe='')}" in header
    return header


def test_signed_urls_name_the_address_browsers_reach_the_store_by(s3_storage, settings, monkeypatch):
    server, bucket = s3_storage
    public = server.endpoint.replace("127.0.0.1", "localhost")
    use_s3(server, bucket, settings, monkeypatch, S3_DOWNLOAD_URL_SECONDS="30", S3_PUBLIC_ENDPOINT_URL=public)
    default_storage.save("exports/a.xlsx", ContentFile(b"PK public"))
    url = file_response(_stored("exports/a.xlsx"), filename=NAME, content_type=XLSX)["Location"]
    assert url.startswith(public + "/")
    assert httpx.get(url).content == b"PK public"  # signed for the host the browser sends


def test_walk_lists_every_file_under_a_folder_on_any_backend(store):
    for name in ("exports/a.xlsx", "exports/sub/b.zip", "monitoring/evidence/c.pdf"):
        default_storage.save(name, ContentFile(b"x"))
    assert sorted(walk(default_storage, "exports")) == ["exports/a.xlsx", "exports/sub/b.zip"]
    assert len(list(walk(default_storage))) == 3
    assert list(walk(default_storage, "nothing-here")) == []


def test_a_store_that_cannot_be_reached_is_a_503_with_a_message_not_a_500(settings, monkeypatch, tmp_path, db):
    from tests.s3server import S3Server, free_port

    nobody = S3Server(endpoint=f"http://127.0.0.1:{free_port()}", root=tmp_path)  # nothing listens there
    use_s3(nobody, "jixiao-files", settings, monkeypatch)
    response = file_response(_stored("exports/a.xlsx"), filename=NAME, content_type=XLSX)
    assert response.status_code == 503 and "文件存储服务暂时无法连接" in response.content.decode()
    with pytest.raises(StorageUnavailable):  # and an export job retries
        save_written(default_storage, "exports/a.xlsx", lambda path: Path(path).write_bytes(b"x"))


def test_a_backup_of_the_store_restores_into_an_empty_bucket_under_the_same_names(s3_storage, tmp_path, monkeypatch):
    from config import settings as settings_module
    from config.storage import ObjectStorage
    from units.backup import RestoreRefused, files_backup, files_restore

    server, _bucket = s3_storage
    names = ["exports/a.xlsx", "monitoring/evidence/0123abcd.pdf"]
    for name in names:
        default_storage.save(name, ContentFile(name.encode()))
    archive = str(tmp_path / "files.tar")
    assert files_backup(archive) == 2
    for variable, value in server.env(server.new_bucket()).items():
        monkeypatch.setenv(variable, value)
    empty = ObjectStorage(**settings_module.default_storage_from_env()["OPTIONS"])
    assert files_restore(archive, empty) == 2
    assert [empty.open(name).read() for name in names] == [name.encode() for name in names]
    with pytest.raises(RestoreRefused, match="exports/a.xlsx"):
        files_restore(archive, empty)
    assert sorted(walk(empty)) == names  # nothing doubled under another name


def test_a_prefix_keeps_a_deployments_files_in_a_folder_of_a_shared_bucket(s3_storage, settings, monkeypatch):
    server, bucket = s3_storage
    use_s3(server, bucket, settings, monkeypatch, S3_PREFIX="/hubei/")
    save_written(default_storage, "exports/a.xlsx", lambda path: Path(path).write_bytes(b"PK"))
    assert server.keys(bucket) == ["hubei/exports/a.xlsx"]
    assert list(walk(default_storage, "exports")) == ["exports/a.xlsx"]  # the app's names stay its own

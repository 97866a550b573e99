"""files_backup / files_restore: the stored files out to a tar and back into an empty storage through
Django's storage API, every name kept; a restore over files refused before anything is written.
The whole round trip with pg_dump on the live stack: tests/live/test_backup_restore.py."""

import io
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from units.backup import files_missing, storage_names

pytestmark = pytest.mark.django_db

FILES = {
    "monitoring/evidence/2022/06/说明.pdf": b"%PDF-1.4 evidence",
    "exports/2022/全部附件.xlsx": b"PK\x03\x04 workbook",
    "top.txt": b"top level",
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    for name, data in FILES.items():
        assert default_storage.save(name, ContentFile(data)) == name
    return tmp_path


def test_every_file_goes_out_and_comes_back_under_its_name_into_an_empty_storage(media, settings):
    archive = media / "files.tar"
    out = io.StringIO()
    call_command("files_backup", str(archive), stdout=out)
    assert "已备份 3 个文件" in out.getvalue()
    assert sorted(storage_names()) == sorted(FILES)

    settings.MEDIA_ROOT = str(media / "restored")
    call_command("files_restore", str(archive), stdout=out)
    assert {name: default_storage.open(name).read() for name in storage_names()} == FILES


def test_a_restore_over_existing_files_is_refused_and_writes_nothing(media, settings):
    archive = media / "files.tar"
    call_command("files_backup", str(archive), stdout=io.StringIO())
    settings.MEDIA_ROOT = str(media / "other")
    default_storage.save("top.txt", ContentFile(b"newer"))
    with pytest.raises(CommandError, match="已有同名文件 1 个"):
        call_command("files_restore", str(archive), stdout=io.StringIO())
    assert list(storage_names()) == ["top.txt"]


def test_an_archive_with_a_name_outside_the_storage_is_refused(media, settings):
    archive = media / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("/".join(["..", "..", "etc", "cron.d", "x"]))  # a name that climbs out
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    settings.MEDIA_ROOT = str(media / "other")
    with pytest.raises(CommandError, match="不安全的文件名"):
        call_command("files_restore", str(archive), stdout=io.StringIO())
    assert not (media / "other").exists() or not list(storage_names())


def test_files_the_database_refers_to_but_the_storage_lacks_are_named(media, hubei, admin_user):
    from reports.models import ExportJob

    for name in ("exports/2022/全部附件.xlsx", "exports/2022/gone.xlsx"):
        ExportJob.objects.create(project=hubei, owner=admin_user, status="done", file=name)
    assert files_missing() == ["exports/2022/gone.xlsx"]

"""The uploaded and generated files (佐证材料, export files) in and out of a backup archive, through
Django's storage API: the same commands serve the local media folder and an S3 bucket
(docs/design.md §9, Backup and restore). The database is pg_dump's; these are the files beside it.

An archive is a tar whose member names are the storage names, so a restore puts every file back
under the name the database refers to."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from pathlib import PurePosixPath

from django.apps import apps
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import models

from .files import walk


def storage_names(storage: Storage = default_storage, folder: str = "") -> Iterator[str]:
    """Every file's name in the storage, in a stable order."""
    return iter(sorted(walk(storage, folder)))


def files_backup(archive_path: str, storage: Storage = default_storage) -> int:
    """Write every file of the storage into a tar at `archive_path`; returns how many."""
    count = 0
    with tarfile.open(archive_path, "w") as archive:
        for name in storage_names(storage):
            with storage.open(name, "rb") as handle:
                info = tarfile.TarInfo(name)
                info.size = storage.size(name)
                archive.addfile(info, handle)
            count += 1
    return count


class RestoreRefused(Exception):
    pass


def files_restore(archive_path: str, storage: Storage = default_storage) -> int:
    """Put every file of the archive back under its name; returns how many. Refused, before anything
    is written, when a file of that name is already there: restore into an empty storage."""
    with tarfile.open(archive_path, "r") as archive:
        members = [m for m in archive.getmembers() if m.isfile()]
        unsafe = [m.name for m in members if m.name.startswith("/") or ".." in PurePosixPath(m.name).parts]
        if unsafe:
            raise RestoreRefused("备份中有不安全的文件名：" + "、".join(unsafe[:5]))
        present = [m.name for m in members if storage.exists(m.name)]
        if present:
            raise RestoreRefused(f"目标存储中已有同名文件 {len(present)} 个（如 {present[0]}），请恢复到空的存储")
        for member in members:
            saved = storage.save(member.name, File(archive.extractfile(member), name=member.name))
            if saved != member.name:
                raise RestoreRefused(f"文件 {member.name} 被保存为 {saved}")
    return len(members)


def files_missing() -> list[str]:
    """Names the database refers to (every model's file fields) that their storage does not hold."""
    missing = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names = model._base_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
                missing.extend(name for name in names if name and not field.storage.exists(name))
    return missing

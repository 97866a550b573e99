"""Every file goes through Django's storage API: nothing in the apps opens MEDIA_ROOT by path or asks
a file field (or a storage) for its local `.path`, which an object store does not have. A web host,
a worker and the next host then share files through the store alone (docs/design.md §9)."""

import ast
from pathlib import Path

from django.apps import apps
from django.db.models import FileField

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "units", "review", "targets", "projects", "monitoring", "reports", "api")
# Where MEDIA_ROOT is defined: the local file system's setting, read by Django's own storage.
DEFINES_MEDIA_ROOT = {"config/settings.py"}


def _file_field_names() -> set[str]:
    return {
        field.name
        for model in apps.get_models()
        if model._meta.app_label in APPS
        for field in model._meta.get_fields()
        if isinstance(field, FileField)
    }


def _last_name(node) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return _last_name(node.func)
    return ""


def offences(source: str, relative: str, file_fields: set[str]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if relative not in DEFINES_MEDIA_ROOT and (
            (isinstance(node, ast.Attribute) and node.attr == "MEDIA_ROOT")
            or (isinstance(node, ast.Name) and node.id == "MEDIA_ROOT")
            or (isinstance(node, ast.Constant) and node.value == "MEDIA_ROOT")
        ):
            found.append((line, f"{relative}:{line}: MEDIA_ROOT"))
        if isinstance(node, ast.Attribute) and node.attr == "path":
            owner = _last_name(node.value)
            if owner in file_fields or "storage" in owner.lower():
                found.append((line, f"{relative}:{line}: {ast.unparse(node)}"))
    return [text for _line, text in sorted(found)]


def test_no_app_opens_media_root_or_a_stored_files_local_path():
    fields = _file_field_names()
    assert "file" in fields  # ExportJob.file, Evidence.file
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                relative = path.relative_to(ROOT).as_posix()
                found += offences(path.read_text(encoding="utf-8"), relative, fields)
    assert found == []


def test_the_check_sees_each_way_of_reaching_the_disk():
    source = """
from django.conf import settings
from django.core.files.storage import default_storage
a = settings.MEDIA_ROOT
b = getattr(settings, "MEDIA_ROOT")
c = job.file.path
d = default_storage.path("exports/x.xlsx")
e = job.file.storage.path(job.file.name)
f = request.path  # not a file
g = indicator.category.path  # not a file
"""
    found = offences(source, "reports/example.py", {"file"})
    assert [item.split(": ", 1)[1] for item in found] == [
        "MEDIA_ROOT",
        "MEDIA_ROOT",
        "job.file.path",
        "default_storage.path",
        "job.file.storage.path",
    ]

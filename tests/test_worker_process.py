"""A worker process (Celery worker or beat, DJANGO_PROCESS=worker) serves no pages: its admin
registers no models, so the admin's django-import-export stack (tablib, openpyxl, lxml) and the
page and API-schema modules stay out of it (the 1,000,000-cell export's memory, docs/benchmarks.md).
The web process keeps its admin as it was."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin

from config.celery import serves_no_pages

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys
import django
django.setup()
from django.urls import reverse
heavy = ["import_export.admin", "tablib", "openpyxl", "lxml", "reports.views", "api.schema"]
print(json.dumps({
    "loaded": [m for m in heavy if m in sys.modules],
    "admin_installed": __import__("django.apps").apps.apps.is_installed("django.contrib.admin"),
    "urls": [reverse("admin:index"), reverse("targets:table_grid", args=[1])],
}))
"""


def _probe(process: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_local", "DJANGO_PROCESS": process}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_worker_process_loads_neither_the_admins_import_export_nor_the_page_modules():
    worker = _probe("worker")
    assert worker["loaded"] == []
    # The admin is installed all the same (its models and foreign keys), and links still resolve.
    assert worker["admin_installed"] and worker["urls"] == ["/admin/", "/tables/1/grid/"]


def test_the_web_process_registers_the_admin_with_its_import_export_buttons():
    from import_export.admin import ImportExportMixin

    from units.models import Unit

    assert admin.site.is_registered(Unit)
    assert isinstance(admin.site._registry[Unit], ImportExportMixin)
    assert "import_export.admin" in _probe("web")["loaded"]


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["/srv/.venv/bin/celery", "-A", "config", "worker", "--loglevel=info"], True),
        (["/usr/local/bin/celery", "-A", "config", "beat"], True),
        (["/srv/.venv/lib/python3.11/site-packages/celery/__main__.py", "-A", "config", "worker"], True),
        (["/srv/.venv/bin/celery", "-A", "config", "inspect", "ping"], False),
        (["/srv/.venv/bin/gunicorn", "config.wsgi:application"], False),
        (["manage.py", "runserver"], False),
        ([], False),
    ],
)
def test_celery_worker_and_beat_are_told_apart_from_processes_that_serve_pages(argv, expected):
    assert serves_no_pages(argv) is expected

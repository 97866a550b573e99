"""`load_demo` (the demo accounts, the open Hubei tables, the demo rounds) leaves every seed project as
its document prints it: rounds, approvals and funding go on a demo copy of the Hubei project. And the
demo still gives each demo account something to do."""

from io import BytesIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from monitoring.demo import DEMO_YEAR, SEED_PROJECT, UNITS, demo_project
from monitoring.models import Round
from projects.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from projects.models import Project
from projects.seeds import read_seed_files
from reports.bundles import project_items
from reports.exporters import export_workbook
from reports.exporters.base import workbook_bytes
from targets.models import ReviewStatus, TableRow, TableStatus
from units import policy

pytestmark = pytest.mark.django_db


def _printed(book_bytes: bytes) -> dict:
    """What a workbook prints: each sheet's cell values by coordinate, and its merged ranges."""
    book = load_workbook(BytesIO(book_bytes))
    return {
        ws.title: (
            {cell.coordinate: cell.value for row in ws.iter_rows() for cell in row if cell.value is not None},
            sorted(str(r) for r in ws.merged_cells.ranges),
        )
        for ws in book.worksheets
    }


# The 催报 list of units not yet submitted names each unit's filler accounts, which load_demo creates:
# a working list for the bureau, never filed, and meant to change as accounts are made.
ACCOUNTS_LISTED = {"unsubmitted"}


def _every_export_of_the_seed_projects() -> dict:
    """Every layout of every seed project (its own sheets, each table's, each 任务书's, the roll-up),
    as the bureau's full view exports it."""
    user = policy.system_user()
    exports = {}
    for code in sorted(p["code"] for p in read_seed_files().projects):
        project = Project.objects.get(code=code)
        for exporter, obj in project_items(project, user, bundled_only=False):
            if exporter.identifier in ACCOUNTS_LISTED:
                continue
            key = (code, exporter.identifier, type(obj).__name__, obj.pk)
            exports[key] = _printed(workbook_bytes(export_workbook([(exporter, obj)], user)))
    return exports


def test_load_demo_leaves_every_official_export_of_every_seed_project_as_it_was():
    call_command("load_seeds")
    before = _every_export_of_the_seed_projects()
    assert any(key[:2] == (SEED_PROJECT, "unit_table") for key in before)  # the 市州 table among them
    call_command("load_demo", "--i-know-this-is-not-production")
    after = _every_export_of_the_seed_projects()
    assert set(after) == set(before)
    for key, sheets in before.items():
        assert set(after[key]) == set(sheets), key
        for title, (cells, merged) in sheets.items():
            changed = {
                coord: (cells.get(coord), after[key][title][0].get(coord))
                for coord in set(cells) | set(after[key][title][0])
                if cells.get(coord) != after[key][title][0].get(coord)
            }
            assert changed == {}, (key, title)
            assert after[key][title][1] == merged, (key, title)


def test_the_demo_rounds_approvals_and_funding_are_on_a_copy_of_the_seed_project():
    seed = Project.objects.get(code=SEED_PROJECT)
    seed_rows = list(TableRow.objects.filter(table__project=seed).values_list("pk", "status", "funding", "version"))
    call_command("load_demo", "--i-know-this-is-not-production")
    copy = demo_project()
    assert copy.copied_from == seed and copy.budget_year == DEMO_YEAR
    assert list(TableRow.objects.filter(table__project=seed).values_list("pk", "status", "funding", "version")) == (
        seed_rows
    )
    assert not Round.objects.filter(project=seed).exists()
    approved = TableRow.objects.filter(table__project=copy, status=ReviewStatus.APPROVED)
    assert set(approved.values_list("unit__name", flat=True)) == set(UNITS)
    assert {r.reference_date.year for r in Round.objects.filter(project=copy)} == {DEMO_YEAR}


def _home(username: str) -> tuple[Client, str]:
    """Logged in as the README says (the published password), and the home page they land on."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    return client, client.get(reverse("home")).content.decode()


def test_every_demo_account_has_something_to_do_on_login():
    call_command("load_demo", "--i-know-this-is-not-production")
    seed = Project.objects.get(code=SEED_PROJECT)
    assert set(TableStatus.OPEN for _ in seed.tables.all()) == {TableStatus.OPEN}  # open for the fillers
    assert {a[0] for a in DEMO_ACCOUNTS} == {
        *("admin", "reviewer", "wuhan", "yichang", "wtu", "platform", "observer", "gdadmin", "guangzhou")
    }
    fillers = (
        ("wuhan", "武汉市"),
        ("yichang", "宜昌市"),
        ("wtu", "武汉轻工大学"),
        ("platform", "湖北省知识产权发展中心"),
    )
    for filler, unit in fillers:
        row = TableRow.objects.get(table__project=seed, unit__name=unit)
        client, home = _home(filler)
        assert reverse("targets:table_grid", args=[row.table_id]) in home or f"/rows/{row.pk}/" in home, filler
        assert row.status == ReviewStatus.NOT_STARTED
    # the reviewer: 十堰市's submitted reports of the demo rounds wait in the queue
    client, _home_page = _home("reviewer")
    queue = client.get(reverse("targets:review_queue")).content.decode()
    assert "十堰市" in queue
    # the 广州 department fills its filing; the admins and the observer read both Hubei projects
    _client, home = _home("guangzhou")
    assert reverse("projects:filing", args=[Project.objects.get(code="gd-transfer-guangzhou").pk]) in home
    for reader in ("admin", "observer"):
        _client, home = _home(reader)
        for project in (seed, demo_project()):
            assert reverse("projects:rollup", args=[project.pk]) in home, (reader, project.code)
    _client, home = _home("gdadmin")
    assert "广州" in home and seed.name not in home

"""Every audit action code the code base writes has a Chinese label, so the history never shows a raw code."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from projects.agreements.views import SAVERS
from targets.review import ReviewEvent
from units.audit import AuditAction, action_label, audit_record

ROOT = Path(settings.BASE_DIR)
SOURCE_DIRS = ("units", "projects", "targets", "reports", "config")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _source_files():
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def _audit_writes():
    """(file:line, writer, the `action=` expression) of every call that writes an audit entry."""
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "create" and "AuditEntry" in ast.unparse(node.func):
                name = "AuditEntry"
            if name not in ("audit_record", "AuditEntry"):
                continue
            for keyword in node.keywords:
                if keyword.arg == "action":
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", name, keyword.value


def test_the_source_writes_audit_entries_somewhere():
    # Guards the scan below against finding nothing (and so passing vacuously).
    assert len(list(_audit_writes())) >= 20


def test_every_action_written_in_the_code_base_is_a_registered_action():
    unregistered = []
    for where, writer, value in _audit_writes():
        if isinstance(value, ast.Attribute) and getattr(value.value, "id", "") == "AuditAction":
            if value.attr not in AuditAction.__members__:
                unregistered.append(f"{where} AuditAction.{value.attr}")
        elif isinstance(value, ast.Call) and getattr(value.func, "id", "") == "AuditAction":
            continue  # built at run time and converted, which refuses an unknown code (see the tests below)
        elif isinstance(value, ast.Name) and writer == "audit_record":
            continue  # a variable (table_open's); audit_record converts it, refusing an unknown code
        elif isinstance(value, ast.Constant) and value.value in AuditAction.values:
            continue
        else:
            unregistered.append(f"{where} {ast.unparse(value)}")
    assert not unregistered


def test_the_codes_built_at_run_time_are_all_registered():
    built = [f"targets.row.{event}" for event in ReviewEvent.values]
    built += [f"projects.agreement.{event}" for event in ("submitted", "returned", "approved")]
    built += [f"targets.adjustment.{event}" for event in ("submitted", "returned", "approved")]
    built += [f"projects.agreement.{section}_changed" for section in SAVERS]
    assert [code for code in built if code not in AuditAction.values] == []


def test_every_action_has_a_chinese_label():
    assert len(AuditAction.values) >= 35
    unlabelled = [a.value for a in AuditAction if not CJK.search(a.label)]
    assert not unlabelled
    assert all(action_label(a.value) == a.label for a in AuditAction)


@pytest.mark.django_db
def test_an_unregistered_action_is_refused_by_the_writer(wuhan_row, admin_user):
    with pytest.raises(ValueError):
        audit_record(actor=admin_user, action="targets.row.teleported", obj=wuhan_row)


@pytest.mark.django_db
def test_the_row_history_shows_labels_not_codes(client, admin_user, wuhan_row):
    from targets.editing import table_units_set
    from targets.models import TableRow
    from units.models import Unit

    table = wuhan_row.table
    units = set(TableRow.objects.filter(table=table).values_list("unit_id", flat=True))
    newcomer = Unit.objects.create(name="测试新市", category=table.unit_category)
    table_units_set(table=table, unit_ids=units | {newcomer.pk}, actor=admin_user)
    row = TableRow.objects.get(table=table, unit=newcomer)
    client.force_login(admin_user)
    page = client.get(reverse("targets:row", args=[row.pk])).content.decode()
    assert AuditAction.ROW_CREATED.label in page
    assert not re.search(r"(targets|projects)\.[a-z_]+\.[a-z_]+", page)

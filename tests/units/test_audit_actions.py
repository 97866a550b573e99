"""Every audit action code the code base writes has a Chinese label, so the history never shows a raw code.

Each app declares its codes (`<app>/audit_actions.py`) and registers them at `ready()`; `units.audit`
knows none of them."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from api.audit_actions import ApiAction
from monitoring.audit_actions import MonitoringAction
from projects.agreements.views import SAVERS
from projects.audit_actions import ProjectAction
from review.engine import ReviewEvent
from targets.audit_actions import TargetAction
from units.audit import action_choices, action_label, audit_record, is_action

ROOT = Path(settings.BASE_DIR)
SOURCE_DIRS = ("units", "targets", "projects", "monitoring", "reports", "api", "config")
CJK = re.compile(r"[\u4e00-\u9fff]")
DECLARED = {cls.__name__: cls for cls in (TargetAction, ProjectAction, MonitoringAction, ApiAction)}
APP_OF = {"TargetAction": "targets", "ProjectAction": "projects", "MonitoringAction": "monitoring", "ApiAction": "api"}


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
        if isinstance(value, ast.Attribute) and getattr(value.value, "id", "") in DECLARED:
            if value.attr not in DECLARED[value.value.id].__members__:
                unregistered.append(f"{where} {value.value.id}.{value.attr}")
        elif isinstance(value, ast.Call) and getattr(value.func, "id", "") == "_registered":
            continue  # audit_record itself, refusing a code no app registered
        elif isinstance(value, ast.Call) and getattr(value.func, "id", "") in DECLARED:
            continue  # built at run time and converted, which refuses an unknown code (see the tests below)
        elif isinstance(value, ast.Name | ast.JoinedStr) and writer == "audit_record":
            continue  # a variable or a built code (transition's); audit_record refuses an unregistered one
        elif isinstance(value, ast.Constant) and is_action(value.value):
            continue
        else:
            unregistered.append(f"{where} {ast.unparse(value)}")
    assert not unregistered


def test_every_app_declares_only_its_own_codes_and_registers_them():
    for name, cls in DECLARED.items():
        assert all(code.startswith(f"{APP_OF[name]}.") for code in cls.values), name
        assert all(is_action(code) for code in cls.values), name
    assert len(action_choices()) == sum(len(cls.values) for cls in DECLARED.values())


def test_units_audit_names_no_app_code():
    source = (ROOT / "units" / "audit.py").read_text(encoding="utf-8")
    assert not re.search(r'"(targets|projects|monitoring|reports|api)\.[a-z_]+\.[a-z_]+"', source)


def test_the_codes_built_at_run_time_are_all_registered():
    built = [f"targets.row.{event}" for event in ReviewEvent.values]
    built += [f"projects.agreement.{event}" for event in ("submitted", "returned", "approved")]
    built += [f"projects.filing.{event}" for event in ("started", "submitted", "returned", "approved")]
    built += [f"monitoring.report.{event}" for event in ("submitted", "returned", "approved", "reopened")]
    built += [f"targets.adjustment.{event}" for event in ("submitted", "returned", "approved")]
    built += [f"projects.agreement.{section}_changed" for section in SAVERS]
    assert [code for code in built if not is_action(code)] == []


def test_every_action_has_a_chinese_label():
    codes = action_choices()
    assert len(codes) >= 35
    unlabelled = [code for code, label in codes if not CJK.search(label)]
    assert not unlabelled
    assert all(action_label(code) == label for code, label in codes)
    assert action_label(TargetAction.ROW_CREATED) == "添加单位"


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
    assert TargetAction.ROW_CREATED.label in page
    assert not re.search(r"(targets|projects)\.[a-z_]+\.[a-z_]+", page)

"""The ground floor knows no house above it: `units` names no model of another app.

`lint-imports` holds that `units` imports no other app (the `units-imports-no-app` contract in
pyproject.toml); this scan covers what imports do not show: `apps.get_model(...)`, and strings
that name another app's model or permission (a ForeignKey("projects.Project"), a guardian
"projects.review_project"). The apps above register what units must reach at `ready()`:
their object rules (`units.policy.rules_register`), their review grant table, their audit codes
and labels (`units.audit`)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
OTHER_APPS = ("review", "targets", "projects", "monitoring", "reports", "api", "config")
NAMED = re.compile(rf"^({'|'.join(OTHER_APPS)})\.[A-Za-z_]+$")


def _docstrings(tree) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def findings(source: str, where: str = "") -> list[str]:
    """Every `get_model(` call and every string that names another app's model or permission."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "get_model":
                found.append(f"{where}:{node.lineno} {ast.unparse(node)}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            if NAMED.match(node.value):
                found.append(f"{where}:{node.lineno} {node.value!r}")
    return found


def _units_files():
    return sorted((ROOT / "units").rglob("*.py"))


def test_units_names_no_model_of_another_app():
    found = [f for path in _units_files() for f in findings(path.read_text(encoding="utf-8"), path.name)]
    assert not found, "\n".join(found)


def test_the_scan_reads_the_whole_of_units():
    names = {path.name for path in _units_files()}
    assert {"policy.py", "audit.py", "models.py", "0001_initial.py"} <= names


def test_the_scan_finds_what_it_looks_for():
    source = '''
"""A docstring may say "projects.Project"."""
from django.apps import apps
from django.db import models

grants = apps.get_model("projects", "ProjectUserObjectPermission")
project = models.ForeignKey("projects.Project", on_delete=models.CASCADE)
PERMISSION = "projects.review_project"
'''
    found = findings(source)
    assert len(found) == 3, found
    assert any("get_model" in f for f in found)
    assert any("'projects.Project'" in f for f in found)
    assert any("'projects.review_project'" in f for f in found)

"""The code stays readable as it grows: no function longer than a screen in the apps.

A longer function is split where its parts have names of their own (docs/design.md, Layers)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "units", "targets", "projects", "reports")
MAX_LINES = 60


def _functions():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    # From the def line (decorators excluded) to the last line of the body.
                    yield f"{path.relative_to(ROOT)}:{node.lineno} {node.name}", node.end_lineno - node.lineno + 1


def test_no_function_in_the_apps_is_longer_than_sixty_lines():
    long = [f"{where} ({lines} lines)" for where, lines in _functions() if lines > MAX_LINES]
    assert not long, "split these where the parts have names of their own:\n" + "\n".join(long)


def test_the_check_sees_functions_and_methods():
    names = {where.split()[-1] for where, _ in _functions()}
    assert {"export_job_run", "render", "task_send"} <= names

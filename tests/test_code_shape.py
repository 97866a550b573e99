"""The code stays readable as it grows: no function longer than a screen in the apps, and no
decorator written twice on one function (a doubled `@transaction.atomic` read as two rules).

Every app is scanned (docs/design.md, Layers). A longer function is split where its parts have
names of their own."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "units", "review", "targets", "projects", "monitoring", "reports", "api")
MAX_LINES = 60


def _function_nodes():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield f"{path.relative_to(ROOT)}:{node.lineno} {node.name}", node


def _functions():
    for where, node in _function_nodes():
        # From the def line (decorators excluded) to the last line of the body.
        yield where, node.end_lineno - node.lineno + 1


def test_every_app_is_scanned():
    from django.conf import settings

    ours = {name.split(".")[0] for name in settings.INSTALLED_APPS if (ROOT / name.split(".")[0]).is_dir()}
    assert ours | {"config", "review"} == set(APPS)


def test_no_function_in_the_apps_is_longer_than_sixty_lines():
    long = [f"{where} ({lines} lines)" for where, lines in _functions() if lines > MAX_LINES]
    assert not long, "split these where the parts have names of their own:\n" + "\n".join(long)


def test_the_check_sees_functions_and_methods():
    names = {where.split()[-1] for where, _ in _functions()}
    assert {"export_job_run", "render", "task_send", "weight_groups", "get_download_url"} <= names


def test_no_function_has_the_same_decorator_twice():
    doubled = []
    for where, node in _function_nodes():
        decorators = [ast.unparse(d) for d in node.decorator_list]
        doubled += [f"{where} @{d}" for d in sorted(set(decorators)) if decorators.count(d) > 1]
    assert not doubled, "\n".join(doubled)

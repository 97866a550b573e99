"""Every write is one transaction by construction, so a row lock is never taken outside one.

PostgreSQL refuses `select_for_update` in autocommit; SQLite ignores row locks and every ordinary
test runs inside a transaction, so 退回 and 重新打开 of a report failed every time in production
while the suite passed. Two rules close the class: every public function of a write module is
`@transaction.atomic` (or says why it commits in steps, `units.transactions.commits_in_steps`),
and nothing outside the write modules takes a row lock or a review step itself."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("units", "review", "targets", "projects", "monitoring", "reports", "api")
# Write modules: `services.py`, `*_services.py`, and the modules named by what they change.
WRITE_MODULES = {"workflow", "editing", "handdown", "copying", "evidence"}
# The review engine itself: `transition()` opens its own transaction and `lock()` is its helper.
ENGINE = {"review/engine.py"}
WRITES = {
    "select_for_update",
    "save",
    "update",
    "create",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "transition",
    "audit_record",
    "notify",
    "lock",
}
LOCKS = {"select_for_update", "lock", "transition"}


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(encoding="utf-8"))


def _is_write_module(path: Path) -> bool:
    return path.stem.endswith("services") or path.stem in WRITE_MODULES


def _called(node) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def _declared(fn: ast.FunctionDef) -> bool:
    for decorator in fn.decorator_list:
        text = ast.unparse(decorator)
        if text == "transaction.atomic" or text.startswith(("transaction.atomic(", "commits_in_steps(")):
            return True
    return False


def _unguarded_writers(tree: ast.Module) -> list[ast.FunctionDef]:
    """Public functions that write, themselves or through a helper of the module that is not a
    transaction of its own."""
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    calls = {name: _called(fn) for name, fn in functions.items()}

    def writes(name: str, seen: frozenset = frozenset()) -> bool:
        if calls[name] & WRITES:
            return True
        helpers = (calls[name] & functions.keys()) - seen - {name}
        return any(not _declared(functions[h]) and writes(h, seen | {name}) for h in helpers)

    return [fn for name, fn in functions.items() if not name.startswith("_") and not _declared(fn) and writes(name)]


def test_every_public_write_service_is_one_transaction():
    offenders = [
        f"{path.relative_to(ROOT)}:{fn.lineno} {fn.name}"
        for path, tree in _modules()
        if _is_write_module(path)
        for fn in _unguarded_writers(tree)
    ]
    assert not offenders, "decorate with @transaction.atomic (or @commits_in_steps(why)):\n" + "\n".join(offenders)


def test_row_locks_and_review_steps_are_taken_only_in_write_modules():
    offenders = [
        f"{path.relative_to(ROOT)}: {', '.join(sorted(_called(tree) & LOCKS))}"
        for path, tree in _modules()
        if not _is_write_module(path) and str(path.relative_to(ROOT)) not in ENGINE and _called(tree) & LOCKS
    ]
    assert not offenders, "move these writes into a service:\n" + "\n".join(offenders)


def test_the_scan_finds_an_unguarded_writer_and_accepts_a_declared_one():
    tree = ast.parse(
        "def _helper(pk):\n    return Report.objects.select_for_update().get(pk=pk)\n"
        "def report_return(*, report_id):\n    return transition(_helper(report_id))\n"
        "@transaction.atomic\ndef report_approve(*, report_id):\n    return transition(_helper(report_id))\n"
        "@commits_in_steps('progress')\ndef job_run(*, job_id):\n    Job.objects.filter(pk=job_id).update(x=1)\n"
        "def reading(x):\n    return x + 1\n"
    )
    assert [fn.name for fn in _unguarded_writers(tree)] == ["report_return"]
    assert _is_write_module(Path("monitoring/services.py")) and not _is_write_module(Path("monitoring/views.py"))

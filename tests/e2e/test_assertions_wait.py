"""The browser tests assert with Playwright's auto-waiting `expect(...)`: a page read once right after
a click (a count, a text, a value) compares whatever the page shows at that instant, and failed
once in a full run (tests/e2e/test_dashboard_browser.py). This scans every module of tests/e2e and
fails on a one-time read of the page, or on a fixed sleep."""

import ast
from pathlib import Path

E2E = Path(__file__).resolve().parent
# Locator and page methods that read the page once, without waiting for it to match anything.
READS = {
    "inner_text",
    "inner_html",
    "text_content",
    "input_value",
    "is_visible",
    "is_hidden",
    "is_checked",
    "is_enabled",
    "is_disabled",
    "is_editable",
    "get_attribute",
    "all_inner_texts",
    "all_text_contents",
    "query_selector",
    "query_selector_all",
}
LOCATOR_MAKERS = ("locator(", "get_by_", ".nth(", ".first", ".last")
# The one place a fixed wait is allowed: conftest.eventually polls a Python-side condition with it.
SLEEP_ALLOWED = {("conftest.py", "eventually")}


def _locator_names(function: ast.AST) -> set[str]:
    """Local names bound to a Playwright locator in this function."""
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(m in ast.unparse(node.value) for m in LOCATOR_MAKERS):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _one_time_reads(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
        locators = _locator_names(function)
        for node in ast.walk(function):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            method, receiver = node.func.attr, ast.unparse(node.func.value)
            where = f"{path.name}:{node.lineno} {ast.unparse(node)[:80]}"
            if method in READS:
                found.append(where)
            elif method == "count" and (receiver in locators or any(m in receiver for m in LOCATOR_MAKERS)):
                found.append(where)
            elif method in ("wait_for_timeout", "sleep") and (path.name, function.name) not in SLEEP_ALLOWED:
                found.append(where)
    return found


def test_no_browser_test_reads_the_page_once_instead_of_expecting_it():
    found = [hit for path in sorted(E2E.glob("*.py")) for hit in _one_time_reads(path)]
    assert found == [], "use expect(locator).to_have_count/to_contain_text/to_have_value… (auto-waiting)"


def test_the_scan_finds_a_count_right_after_a_click(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "def test_x(page):\n"
        "    page.click('text=汇总表')\n"
        "    assert page.locator('table tr').count() == 6\n"
        "    rows = page.locator('tr')\n"
        "    assert rows.count() == 2 and 'x' in page.inner_text('body')\n"
        "    page.wait_for_timeout(300)\n"
        "    assert Report.objects.count() == 1\n",
        encoding="utf-8",
    )
    assert sorted(hit.split(" ")[0] for hit in _one_time_reads(sample)) == [
        "test_sample.py:3",
        "test_sample.py:5",
        "test_sample.py:5",
        "test_sample.py:6",
    ]

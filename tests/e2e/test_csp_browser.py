"""Under the Content-Security-Policy (scripts and styles from our files only), Chromium loads the
pages that run scripts and sees no violation, and the scripts still work: the grid saves, Swagger UI
draws the API, the progress bars have their widths, the dashboard draws its charts."""

import pytest
from playwright.sync_api import expect

from monitoring.demo import monitoring_demo_load
from monitoring.models import GradeLevel, Round
from projects.models import Project
from targets.models import TargetTable

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _watch(page) -> list[str]:
    """Every violation the page reports: Chromium logs each one to the console, and the document
    fires `securitypolicyviolation` (recorded by the listener put in before any script of ours)."""
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text or "Refused to" in m.text else None,
    )
    page.on("pageerror", lambda e: violations.append(f"script error: {e}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => {"
        " (window.__violations = window.__violations || []).push(e.violatedDirective + ' ' + e.blockedURI); });"
    )
    return violations


def _violations(page, seen: list[str]) -> list[str]:
    return seen + (page.evaluate("window.__violations || []") or [])


def test_the_grid_runs_and_saves_under_the_policy(login, demo):
    table = TargetTable.objects.get(title__contains="市州类", project__code="hubei-2022-patent-transfer")
    page = login("wuhan")
    seen = _watch(page)
    page.goto(f"{demo}/tables/{table.pk}/grid/")
    cell = page.locator("tr.datarow[data-unit='武汉市'] td.cell").first
    cell.click()
    page.keyboard.press("F2")
    page.keyboard.press("Control+A")
    page.keyboard.type("530")
    page.keyboard.press("Enter")
    expect(page.locator("#statusbar")).to_contain_text("已保存")
    assert _violations(page, seen) == []


def test_the_api_docs_draw_the_api_under_the_policy(login, demo):
    page = login("wuhan")
    seen = _watch(page)
    page.goto(f"{demo}/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/rows/")
    assert _violations(page, seen) == []


def test_the_bureau_pages_with_scripts_run_under_the_policy(login, demo):
    GradeLevel.objects.all().delete()  # as a test before may have left it (flushed): the demo still grades
    monitoring_demo_load()
    hubei = Project.objects.get(code="hubei-2022-patent-transfer")
    table = TargetTable.objects.get(title__contains="市州类", project=hubei)
    round_ = Round.objects.get(kind="self_evaluation")
    page = login("admin")
    seen = _watch(page)
    page.goto(f"{demo}/projects/{hubei.pk}/edit/")
    expect(page.locator("tr.indicator").first).to_be_visible()
    page.goto(f"{demo}/tables/{table.pk}/progress/")
    expect(page.locator(".bar .fill").first).to_be_attached()
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('.bar .fill'), (f) => [f.dataset.width, f.style.width])"
    )
    assert widths and all(float(style.rstrip("%")) == float(data) for data, style in widths), widths
    page.goto(f"{demo}/review/")
    page.goto(f"{demo}/monitoring/rounds/{round_.pk}/dashboard/")
    expect(page.locator("[data-chart=units] svg")).to_be_visible()
    page.goto(f"{demo}/monitoring/rounds/{round_.pk}/")
    expect(page.locator("#round-deadline")).to_be_visible()
    assert _violations(page, seen) == []

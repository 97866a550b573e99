"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium), headless, against
the live server. No browser is downloaded. Without Chromium the tests are skipped, unless
REQUIRE_BROWSER=1 (as in CI), where that is an error."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo(live_server, seeded_transactional_db):
    """The seed data and demo accounts, the Hubei tables open, behind a live server."""
    from projects.demo import demo_accounts_load

    demo_accounts_load()
    return live_server.url


@pytest.fixture
def login(browser, demo):
    contexts = []

    def _login(username: str):
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{demo}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "demo-pass-2022")
        page.click("button[type=submit]")
        page.wait_for_url(f"{demo}/")
        return page

    yield _login
    for context in contexts:
        context.close()


def screenshot(page, name: str):
    """Saved under docs/screenshots/ when SAVE_SCREENSHOTS=1 (to refresh the committed ones)."""
    if os.environ.get("SAVE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

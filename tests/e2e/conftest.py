"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium), headless, against
the live server. No browser is downloaded. Without Chromium the tests are skipped, unless
REQUIRE_BROWSER=1 (as in CI), where that is an error."""

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

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
TIMEOUT_MS = 15000  # generous: the suite runs beside other work on two cores
# Every assertion on a page waits for it (expect auto-retries); none reads the page once and compares.
expect.set_options(timeout=TIMEOUT_MS)


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
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{demo}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "demo-pass-2022")
        page.click("button[type=submit]")
        expect(page).to_have_url(f"{demo}/")
        # The URL changes when the navigation commits, before the page's scripts have run: a test that
        # used the home page's filter at once raced them on a loaded machine (the change went unheard).
        page.wait_for_load_state("load")
        _click_then_load(page)
        return page

    yield _login
    for context in contexts:
        context.close()


def _click_then_load(page):
    """`page.click` returns once a navigation it started has committed, before the new page's
    scripts run; a test that typed at once raced them on a loaded machine (a key lost by the grid, a
    section typed before the guard listened). After each click, wait for the page to have loaded: at
    once when the click did not navigate."""
    click = page.click

    def click_and_wait(selector, **options):
        click(selector, **options)
        page.wait_for_load_state("load")

    page.click = click_and_wait


def screenshot(page, name: str):
    """Saved under docs/screenshots/ when SAVE_SCREENSHOTS=1 (to refresh the committed ones)."""
    if os.environ.get("SAVE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def eventually(page, check, what: str, timeout: float = TIMEOUT_MS / 1000):
    """Wait for a condition outside the page — a dialog's message collected by a handler, a value
    the server wrote — as expect() waits for one on the page. Playwright dispatches its events
    (dialogs included) while `page.wait_for_timeout` runs, so the loop lets them in."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        page.wait_for_timeout(50)


def click_and_load(page, selector: str):
    """Click a button that posts its form and wait for the page the post leads to. Waiting for a
    message alone is not enough: the message of the previous save may still be on the old page."""
    with page.expect_navigation():
        page.click(selector)

"""axe-core over every HTML page of the URL × role matrix, in Chromium (issue 22 §4).

The pages are those tests/test_security_matrix.py answers 200 to a GET, for each role of the shared
cast that gets that 200, on the same objects (its `cast` and `objects` fixtures), plus the API's
pages (the token page and the Swagger UI, tests/api/matrix.py). Every pair is walked: one browser
context per role, logged in with that role's session. A page that answers with a file (PDF, Word,
Excel, an export job's download) is not HTML and is skipped by its Content-Type.

Each page must show 0 critical and 0 serious violations (WCAG 2.1 A/AA and axe's best practices, all
of axe's default rules); moderate and minor ones are not counted. axe is vendored for the tests only
(tests/e2e/vendor/axe.min.js) and evaluated through Playwright, so the page's CSP stays in force.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests.api.matrix import API_MATRIX
from tests.test_security_matrix import MATRIX, ROLES, cast, objects  # noqa: F401 (fixtures)

from .conftest import TIMEOUT_MS, screenshot

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
COUNTED = ("critical", "serious")
# Pages drawn by script after the load: axe runs once this is on the page.
READY = {"api:docs": ".swagger-ui .opblock"}
# Pages checked again after a click opens more of them: (what to click, what then shows). The API
# docs page (Swagger UI) passes whole, its drawn DOM included (no deep links, colours overridden in
# static/css/swagger.css, parameter controls named by static/js/swagger_a11y.js), and again with an
# operation and its parameters open.
AFTER_CLICK = {
    "api:docs": ("#operations-v1-v1_rows_list .opblock-summary-control", ".opblock.is-open .responses-wrapper pre")
}
# Pages left out, with why. Django's admin (/admin/, a superuser's only) is Django's own markup, not the
# product's: issue 22's clerk does every step without it, and its templates are not ours to fix.
EXCLUDED = {"admin:index": "Django's own admin site: not the product's markup; no clerk's step needs it"}


# Pages whose look the fixes changed (status colours, labels), saved as docs/screenshots/<name>.png
# when SAVE_SCREENSHOTS=1.
SCREENSHOTS = {
    ("admin", "targets:table_progress"): "table-progress",
    ("admin", "targets:table_edit"): "table-editor",
    ("wuhan", "home"): "home-wuhan",
    ("reviewer", "projects:agreement"): "a11y-agreement-labels",
    ("wuhan", "api:docs"): "a11y-api-docs",
}


def pages_for(role: str) -> list[tuple[str, object]]:
    """(URL name, object key) of every GET the matrices answer 200 to this role."""
    pages = [
        (name, obj)
        for name, (method, obj, answers) in sorted(MATRIX.items())
        if method == "GET" and answers.get(role) == 200 and name not in EXCLUDED
    ]
    pages += [
        (name, obj)
        for (name, method), (obj, answers) in sorted(API_MATRIX.items())
        if method == "GET" and answers.get(role) == 200
    ]
    return pages


def test_every_role_has_pages_to_check():
    """The walk below is not empty for anyone: a renamed role or matrix would make it check nothing."""
    for role in ROLES:
        assert pages_for(role), role
    assert ("api:docs", None) in pages_for("wuhan")
    assert ("targets:table_grid", "table") in pages_for("wuhan")


def axe_violations(page, context=None) -> list[dict]:
    """axe's violations of impact critical or serious on the page as it is now (in `context`, an axe
    context object such as {"include": [[".status"]]}, or the whole document)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (context) => JSON.stringify((await axe.run(context || document)).violations)", context
    )
    found = []
    for violation in json.loads(result):
        if violation["impact"] in COUNTED:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            found.append(
                {
                    "rule": violation["id"],
                    "impact": violation["impact"],
                    "help": violation["help"],
                    "nodes": targets[:5],
                    "count": len(targets),
                }
            )
    return found


def _logged_in_context(browser, base_url: str, user):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])
    return context


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_sees_has_no_serious_accessibility_violation(
    role, browser, seeded_transactional_db, live_server, cast, objects
):
    context = _logged_in_context(browser, live_server.url, cast[role])
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    failures, checked = {}, []
    try:
        for name, obj in pages_for(role):
            url = live_server.url + reverse(name, args=objects[obj])
            answer = context.request.get(url, max_redirects=0)
            assert answer.status == 200, (name, role, answer.status)
            if "text/html" not in answer.headers.get("content-type", ""):
                continue  # a file (PDF, Word, Excel): nothing for axe, and a download to the browser
            response = page.goto(url)
            assert response is not None and response.status == 200, (name, role)
            if name in READY:
                expect(page.locator(READY[name]).first).to_be_visible()
            checked.append(name)
            violations = axe_violations(page)
            if name in AFTER_CLICK and not violations:
                click, shows = AFTER_CLICK[name]
                page.click(click)
                expect(page.locator(shows).first).to_be_visible()
                violations = axe_violations(page)
            if (role, name) in SCREENSHOTS:
                screenshot(page, SCREENSHOTS[role, name])
            if violations:
                failures[name] = violations
    finally:
        context.close()
    assert checked, role
    assert failures == {}, f"{role}: " + json.dumps(failures, ensure_ascii=False, indent=1)


def test_a_filled_agreement_has_no_serious_violation_while_editable_or_approved(
    browser, seeded_transactional_db, live_server, admin_user, platform_agreement
):
    """The matrix's 任务书 has no 参与单位 and is never approved: here it has one, and is checked as
    its editor sees it, then approved (every input disabled), where inputs lacked labels."""
    from projects.models import Agreement, AgreementParticipant
    from targets.models import ReviewStatus

    AgreementParticipant.objects.create(
        agreement=platform_agreement, order=1, name="武汉大学", contact="张三", phone="027-1234567"
    )
    context = _logged_in_context(browser, live_server.url, admin_user)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(live_server.url + reverse("projects:agreement", args=[platform_agreement.pk]))
        phone = page.get_by_role("textbox", name="第1个参与单位联系电话")
        expect(phone).to_have_value("027-1234567")
        expect(phone).to_be_enabled()
        assert axe_violations(page) == []
        Agreement.objects.filter(pk=platform_agreement.pk).update(status=ReviewStatus.APPROVED)
        page.reload()
        expect(phone).to_be_disabled()
        expect(page.get_by_role("textbox", name="第1行开支内容")).to_have_value("专利运营服务")
        assert axe_violations(page) == []
        screenshot(page, "a11y-agreement-approved")
    finally:
        context.close()

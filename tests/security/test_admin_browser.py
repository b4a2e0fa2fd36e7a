"""The Wagtail admin still works under the Content-Security-Policy, in a real Chromium:
an editor signs in, opens a post in the editor, edits it, previews it and publishes it,
and the browser reports no CSP violation on the way."""

from pathlib import Path

import pytest
import requests

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.factories import EDITOR_PASSWORD
from tests.servers import app_server

# django_db: the live server copies the test database, which must exist.
pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db]

# Collect violations as the page reports them, from the very first script on.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI} (${where})`);
});
"""


@pytest.fixture(scope="module")
def base_url(live_server_env):
    with app_server(
        # Plain HTTP on loopback: cookies must travel without TLS here.
        env={
            **live_server_env,
            "DJANGO_SECURE_COOKIES": "0",
            # Absolute media URLs name the API's base (127.0.0.1) while the browser uses
            # localhost: a second origin, as a bucket or CDN is in production.
            "CSP_MEDIA_SOURCES": "http://127.0.0.1:*",
        },
        log_dir=Path(live_server_env["LIVE_LOG_DIR"]),
        name="gunicorn-browser",
        workers=1,
        threads=4,
    ) as server:
        yield f"http://localhost:{server.port}"


def test_editor_signs_in_edits_previews_and_publishes_under_the_csp(base_url):
    # Playwright runs an event loop in this thread while it is open, which Django's
    # database fixtures refuse to share: open it inside the test only.
    from playwright.sync_api import sync_playwright

    post = requests.get(
        f"{base_url}/api/v2/pages/?type=blog.BlogPostPage&limit=1", timeout=30
    ).json()["items"][0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            violations, console_errors = editor_publishes(
                browser=browser, base_url=base_url, post_id=post["id"]
            )
        finally:
            browser.close()

    live = requests.get(f"{base_url}/api/v2/pages/{post['id']}/", timeout=30).json()
    assert live["title"] == "Published under the CSP"
    assert violations == []
    assert [text for text in console_errors if "Content Security Policy" in text] == []


def editor_publishes(*, browser, base_url: str, post_id: int) -> tuple[list[str], list[str]]:
    """Drive the admin like an editor; return the CSP violations and console errors."""
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    # The suite runs browsers beside three other xdist workers on two cores: a sign-in
    # (a deliberately slow password hash) or a publish can take longer than Playwright's
    # 30 s default there, without being wrong.
    page.set_default_timeout(120_000)
    console_errors: list[str] = []
    page.on(
        "console", lambda message: message.type == "error" and console_errors.append(message.text)
    )
    violations: list[str] = []

    def collect():
        # Every frame, the preview iframe included, records its own violations.
        for frame in page.frames:
            if frame.url.startswith(base_url):
                violations.extend(frame.evaluate("window.__cspViolations || []"))

    response = page.goto(f"{base_url}/admin/login/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.fill("#id_username", "editor")
    page.fill("#id_password", EDITOR_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    collect()

    page.goto(f"{base_url}/admin/pages/{post_id}/edit/")
    page.wait_for_selector(".public-DraftEditor-content")
    page.fill("#id_title", "Published under the CSP")
    editor = page.locator(".public-DraftEditor-content").first
    editor.click()
    page.keyboard.press("End")
    page.keyboard.type(" Edited in Chromium.")
    # The live preview panel frames a same-origin preview (frame-ancestors 'self').
    page.click("button[data-side-panel-toggle='preview']")
    frame = page.frame_locator("iframe#w-preview-iframe")
    # The theme renders the unsaved title (the page default wait: a loaded machine is slow).
    frame.get_by_text("Published under the CSP").first.wait_for()
    collect()

    page.click("footer .w-dropdown__toggle, .footer .w-dropdown__toggle")
    page.click("button[name='action-publish']")
    page.wait_for_url(f"{base_url}/admin/pages/**")
    assert "has been published" in page.content()
    collect()
    context.close()
    return violations, console_errors


def test_api_docs_render_under_their_csp(base_url):
    """Swagger UI at /api/v2/docs/ draws the operations with no CSP violation."""
    from playwright.sync_api import sync_playwright

    assert requests.get(f"{base_url}/api/v2/docs/", timeout=30).status_code == 200
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context()
            context.add_init_script(RECORD_VIOLATIONS)
            page = context.new_page()
            console_errors: list[str] = []
            page.on(
                "console",
                lambda message: message.type == "error" and console_errors.append(message.text),
            )
            response = page.goto(f"{base_url}/api/v2/docs/")
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_selector(".opblock", timeout=30_000)
            violations = page.evaluate("window.__cspViolations")
        finally:
            browser.close()
    assert violations == []
    assert [text for text in console_errors if "Content Security Policy" in text] == []

"""Debian's Chromium, driven headless by Playwright (never a browser Playwright downloads)."""

import contextlib

CHROMIUM = "/usr/bin/chromium"
# Flags for a headless run in a container without a GPU, a sandbox or network services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@contextlib.contextmanager
def chromium_browser():
    """Launch Debian's Chromium headless.

    Started inside the test, after the database is set up: Playwright's sync API runs an
    event loop on this thread, and Django refuses ORM calls while one runs.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()

"""A live server on a loopback port and Debian's Chromium driven headless by Playwright.

The browser is the system one (``/usr/bin/chromium``, installed by ``.ci/run``); Playwright
never downloads its own. Screenshots land in ``test-artifacts/browser/`` (git-ignored),
which CI keeps as artefacts.
"""

import contextlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer

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
PORT_RANGE = range(8200, 8300)  # this suite's loopback ports
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


def loopback_port_free(*, ports: range) -> int:
    """The first port of ``ports`` nothing listens on at 127.0.0.1."""
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free loopback port in {ports.start}-{ports.stop - 1}.")


@pytest.fixture
def seo_live_server(transactional_db, settings) -> Iterator[LiveServer]:
    """pytest-django's live server, bound to a free port of this suite's range.

    Session cookies are marked Secure in production mode; the live server speaks plain
    HTTP on loopback, so they are sent without the flag here.
    """
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must run the browser test, never skip it
        pytest.skip(message)
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    server = LiveServer(f"127.0.0.1:{loopback_port_free(ports=PORT_RANGE)}")
    yield server
    server.stop()


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


@pytest.fixture
def screenshot_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS

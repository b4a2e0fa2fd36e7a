"""A live server on a loopback port and Debian's Chromium driven headless by Playwright.

The browser is the system one (``/usr/bin/chromium``, installed by ``.ci/run``); Playwright
never downloads its own. Screenshots land in ``test-artifacts/browser/`` (git-ignored),
which CI keeps as artefacts.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIServer
from pytest_django.live_server_helper import LiveServer

from tests.browser.chromium import CHROMIUM

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


class _RequestsFinishedWSGIServer(ThreadedWSGIServer):
    """Django's threaded test server, whose ``server_close()`` waits for the requests still
    running. Django's own runs them in daemon threads it never joins: an admin autosave or
    preview POST still in flight when the test ends then writes after the database flush,
    making content types under new ids, and the next test that restores the migrations'
    rows fails on their unique names."""

    daemon_threads = False


class _SerialWSGIServer(WSGIServer):
    """One request at a time, for the in-memory SQLite test database: every request thread
    would share the test's one connection, and two overlapping requests (an autosave and
    an editing-session ping) then fail with "cannot start a transaction within a
    transaction". Django's server answers ``Connection: close`` when it is not threaded, so
    one browser connection never holds up the next."""

    def __init__(self, *args, connections_override=None, **kwargs):
        # The server thread itself takes the shared connection (LiveServerThread.run).
        super().__init__(*args, **kwargs)


@pytest.fixture
def seo_live_server(transactional_db, settings) -> Iterator[LiveServer]:
    """pytest-django's live server on a loopback port the kernel chooses; stopping it
    waits for the requests it is still serving.

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
    # Port 0: the kernel chooses; LiveServer reads back the one it got.
    server = LiveServer("127.0.0.1:0", start=False)
    shares_one_connection = bool(server.thread.connections_override)
    server.thread.server_class = (
        _SerialWSGIServer if shares_one_connection else _RequestsFinishedWSGIServer
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def screenshot_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS

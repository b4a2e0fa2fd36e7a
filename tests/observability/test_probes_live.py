"""Readiness under gunicorn when the database does not answer at all."""

import socket
import time

import pytest

from tests.observability.servers import Gunicorn, http_get

pytestmark = pytest.mark.slow


def test_readiness_fails_fast_when_the_database_hangs_and_liveness_stays_up(tmp_path):
    """A listener that accepts connections and never answers: a blackholed database."""
    with socket.socket() as blackhole:
        blackhole.bind(("127.0.0.1", 0))
        blackhole.listen(16)
        port = blackhole.getsockname()[1]
        env = {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/blog",
            "DATABASE_CONNECT_TIMEOUT": "5",
            "READYZ_DATABASE_TIMEOUT": "1",
        }
        with Gunicorn(env=env, workers=1, tmp_path=tmp_path) as app:
            started = time.monotonic()
            first = http_get(f"{app.url}/readyz", timeout=10)
            # Bounded by READYZ_DATABASE_TIMEOUT, not the 5 s connect timeout.
            assert time.monotonic() - started < 4.5
            second = http_get(f"{app.url}/readyz", timeout=10)
            live = http_get(f"{app.url}/healthz")
    assert first.status == 503
    body = first.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {
        "status": "fail",
        "critical": True,
        "duration_ms": body["checks"]["database"]["duration_ms"],
        "error": "no answer within 1s",
    }
    assert body["checks"]["cache"]["critical"] is False
    # While the first check is still stuck, the next probe fails at once.
    assert second.status == 503
    assert second.json()["checks"]["database"]["error"] == "previous check still running"
    assert live.status == 200
    assert "no-store" in first.headers["Cache-Control"]

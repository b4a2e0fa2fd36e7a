"""Readiness under gunicorn when the database does not answer at all."""

import socket

import pytest

from tests.servers import app_server, http_get

pytestmark = pytest.mark.slow


def test_readiness_fails_fast_when_the_database_hangs_and_liveness_stays_up(tmp_path):
    """A listener that accepts connections and never answers: a blackholed database."""
    with socket.socket() as blackhole:
        blackhole.bind(("127.0.0.1", 0))
        blackhole.listen(16)
        port = blackhole.getsockname()[1]
        env = {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/blog",
            # Far above the client's 10 s timeout: only READYZ_DATABASE_TIMEOUT can answer in time.
            "DATABASE_CONNECT_TIMEOUT": "60",
            "READYZ_DATABASE_TIMEOUT": "1",
            # Every probe checks (no 2 s reuse), to see the stuck check refuse a second one.
            "READYZ_CACHE_SECONDS": "0",
            # The stuck check holds its thread until the 60 s connect timeout: stopping
            # waits the graceful timeout for it, so keep that short here.
            "GUNICORN_GRACEFUL_TIMEOUT": "1",
        }
        with app_server(env=env, log_dir=tmp_path, workers=1) as app:
            # Bounded by READYZ_DATABASE_TIMEOUT (the body says so), not the connect timeout.
            first = http_get(f"{app.url}/readyz", timeout=10)
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

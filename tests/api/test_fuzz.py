"""Schema-driven fuzzing (schemathesis) against a live gunicorn on loopback.

gunicorn serves the test database (committed data, so another process sees it; the
migrations' rows are restored afterwards by serialized rollback) on a free
port in 8100-8199; schemathesis generates valid and invalid requests for every operation
of /api/v2/schema/ and checks: no 5xx, every status and content type documented, every
body valid against the schema. Examples are bounded and the seed fixed, so the run is
reproducible and takes about a minute.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

PORTS = range(8100, 8200)
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8100-8199")


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def gunicorn(blog):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "PORT": str(port),
        "GUNICORN_BIND_HOST": "127.0.0.1",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "2",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WAGTAILAPI_BASE_URL": base,
        "WAGTAILADMIN_BASE_URL": base,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "LOG_LEVEL": "warning",
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "cms/gunicorn.conf.py",
            "cms.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(120):
            try:
                # A fixed http:// URL on loopback, not user input.
                schema_url = f"{base}/api/v2/schema/"
                with urllib.request.urlopen(schema_url, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("gunicorn did not start: " + process.stderr.read1().decode())
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="gunicorn must open the test database: needs PostgreSQL (SQLite tests run in memory)",
)
def test_fuzzing_finds_no_server_error_and_no_response_outside_the_schema(gunicorn, tmp_path):
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{gunicorn}/api/v2/schema/",
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,"
            "response_schema_conformance",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "5",
            "--request-timeout",
            "30",
            "--seed",
            "1",
            "--workers",
            "2",
            "--suppress-health-check",
            "all",
            "--report-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )

    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert (
        "failures" not in result.stdout.lower().split("summary")[-1]
        or "0 failures" in result.stdout.lower()
    )

"""Schema-driven fuzzing (schemathesis) against a live gunicorn on loopback.

gunicorn serves the test database (committed data, so another process sees it; the
migrations' rows are restored afterwards by serialized rollback) on a port the kernel
chooses; schemathesis generates valid and invalid requests for every operation
of /api/v2/schema/ and checks: no 5xx, every status and content type documented, every
body valid against the schema. Examples are bounded and the seed fixed, so the run is
reproducible and takes about a minute.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="gunicorn must open the test database: needs PostgreSQL (SQLite tests run in memory)",
)
def test_fuzzing_finds_no_server_error_and_no_response_outside_the_schema(gunicorn, tmp_path):
    # The schema is the strict one (required keys, one shape per page type, typed seo and
    # rich-text tree, error bodies): every response must validate against it.
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

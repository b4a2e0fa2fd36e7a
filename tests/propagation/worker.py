"""The real worker (``manage.py db_worker``) in its own process, on this test's database.

It needs a database another process can open: PostgreSQL (``DATABASE_URL``); the embedded
SQLite test database lives in the test process's memory.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

REPO = Path(__file__).resolve().parents[2]

needs_postgres = pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="the worker runs in another process: needs PostgreSQL (DATABASE_URL)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def events_queued() -> list[str]:
    """Types of the outbox events waiting for the worker."""
    rows = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path="propagation.tasks.event_propagate"
    )
    return sorted(row.args_kwargs["kwargs"]["event"]["type"] for row in rows)


def worker_start(*, tmp_path: Path, lease: str = "300", batch: bool = False, **extra: str):
    """``manage.py db_worker`` on this test's database; its output in a file."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TASKS_BACKEND": "database",
        "TASKS_LEASE_SECONDS": lease,
        "WEBHOOK_ALLOW_PRIVATE_URLS": "1",
        "WEBHOOK_TIMEOUT": "60",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    log = (tmp_path / f"worker-{time.monotonic_ns()}.log").open("wb")
    args = ["--no-reload", "--no-startup-delay", "--interval", "0.1"]
    if batch:
        args.append("--batch")
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", *args],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

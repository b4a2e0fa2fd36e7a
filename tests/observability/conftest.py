"""Fixtures for the observability tests: a gunicorn serving the test database."""

import sqlite3
from pathlib import Path

import pytest
from django.db import connection

from tests.observability.servers import Gunicorn


def live_database_url(*, tmp_path: Path) -> str:
    """A DATABASE_URL for a server process that sees this test's committed data.

    PostgreSQL: the test database itself. SQLite: the in-memory test database copied
    to a file with SQLite's online backup API (milliseconds, no second migrate).
    """
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings.get("USER") or "postgres"
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        host = settings.get("HOST") or "127.0.0.1"
        port = settings.get("PORT") or 5432
        return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
    connection.ensure_connection()
    path = tmp_path / "live.sqlite3"
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return f"sqlite:///{path}"


@pytest.fixture
def live_gunicorn(transactional_db, tmp_path):
    """Start gunicorn against the test database: ``with live_gunicorn(env=...) as g``.

    Create the data first (the SQLite copy is taken when the server starts).
    """

    def start(*, env: dict[str, str] | None = None, workers: int = 2) -> Gunicorn:
        return Gunicorn(
            env={"DATABASE_URL": live_database_url(tmp_path=tmp_path), **(env or {})},
            workers=workers,
            tmp_path=tmp_path,
        )

    return start

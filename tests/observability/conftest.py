"""Fixtures for the observability tests: a gunicorn serving the test database."""

import sqlite3
from pathlib import Path

import pytest
from django.db import connection, connections

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
def _initial_data_restored(django_db_setup, django_db_blocker):
    """After a transactional test's flush, put back what the migrations created.

    Flushing empties every table, including Wagtail's root page, default site and
    locale that later transactional tests (anyone's) expect; Django's serialized
    rollback restores them only at the start of tests that ask for it.
    """
    yield
    with django_db_blocker.unblock():
        for alias_connection in connections.all():
            contents = getattr(alias_connection, "_test_serialized_contents", None)
            if contents:
                alias_connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def committed_db(_initial_data_restored, django_db_serialized_rollback, transactional_db):
    """Database access without a wrapping transaction, so other processes and threads
    see the data; the migrations' data is there before and after."""


@pytest.fixture
def live_gunicorn(committed_db, tmp_path):
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

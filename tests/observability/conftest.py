"""Fixtures for the observability tests: a gunicorn serving the test database."""

import pytest

from loadtests.servers import Server
from tests.databases import migrated_rows_restore
from tests.servers import app_server, live_database_url


@pytest.fixture
def _initial_data_restored(django_db_setup, django_db_blocker):
    """After a transactional test's flush, put back what the migrations created.

    Flushing empties every table, including Wagtail's root page, default site and
    locale that later transactional tests (anyone's) expect; Django's serialized
    rollback restores them only at the start of tests that ask for it.
    """
    yield
    with django_db_blocker.unblock():
        migrated_rows_restore()


@pytest.fixture
def committed_db(_initial_data_restored, django_db_serialized_rollback, transactional_db):
    """Database access without a wrapping transaction, so other processes and threads
    see the data; the migrations' data is there before and after."""


@pytest.fixture
def live_gunicorn(committed_db, tmp_path):
    """Start gunicorn against the test database: ``with live_gunicorn(env=...) as g``.

    Create the data first (the SQLite copy is taken when the server starts). It serves
    the Prometheus exporter on a port of its own (``g.metrics_url``).
    """

    def start(*, env: dict[str, str] | None = None, workers: int = 2) -> Server:
        return app_server(
            env={"DATABASE_URL": live_database_url(tmp_path=tmp_path), **(env or {})},
            log_dir=tmp_path,
            workers=workers,
            metrics=True,
        )

    return start

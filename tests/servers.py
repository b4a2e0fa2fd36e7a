"""Servers the tests run against, started by the one harness (``loadtests/servers.py``).

``app_server`` is gunicorn with the project's configuration, ready to answer, on a port the
kernel chose. The databases it serves are the test database itself (PostgreSQL), a copy
of it (``database_copy``, for a server that outlives one test), or, on SQLite, a file copy
of the in-memory test database (SQLite's online backup API: milliseconds, no migrate).
"""

import json
import os
import shutil
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, connections

from loadtests.servers import Server, gunicorn_start


def app_server(
    *,
    env: dict[str, str],
    log_dir: Path,
    workers: int = 2,
    threads: int = 2,
    metrics: bool = False,
    ready_path: str = "/healthz",
    name: str = "gunicorn",
) -> Server:
    """gunicorn serving ``cms.wsgi`` with ``env`` over the test environment, once it answers.

    Use it as a context manager: leaving the block stops it (SIGTERM, then SIGKILL).
    """
    server = gunicorn_start(
        name=name,
        env={
            **os.environ,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            **env,
        },
        log_dir=log_dir,
        workers=workers,
        threads=threads,
        metrics=metrics,
    )
    return server.wait_ready(path=ready_path)


def live_database_url(*, tmp_path: Path) -> str:
    """A DATABASE_URL for a server process that sees this test's committed data.

    PostgreSQL: the test database itself. SQLite: the in-memory test database copied
    to a file (take the copy after creating the data).
    """
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        return _postgres_url(name=settings["NAME"])
    connection.ensure_connection()
    path = tmp_path / "live.sqlite3"
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return f"sqlite:///{path}"


def database_copy(
    *, suffix: str, workdir: Path, source: str | None = None
) -> tuple[str, Callable[[], None]]:
    """A copy of the (migrated) test database for a server that outlives a test: its
    DATABASE_URL and a function that drops it. Call with database access unblocked.

    The copy holds what the migrations made (Wagtail's roots, the default site, content
    types, groups) even when a transactional test just flushed the test database.
    ``source``, the DATABASE_URL of an earlier copy, is copied instead of the test
    database (nothing may be connected to it)."""
    if connection.vendor == "postgresql":
        template = source.rsplit("/", 1)[1] if source else connection.settings_dict["NAME"]
        name = f"{connection.settings_dict['NAME']}_{suffix}"
        if source is None:
            migrations_rows_ensure()
        postgres_database_drop(name=name)
        _template_copy(template=template, name=name)
        url = _postgres_url(name=name)
        return url, lambda: database_drop(url=url)
    target = workdir / f"{suffix}.sqlite3"
    if source:
        shutil.copyfile(source.removeprefix("sqlite:///"), target)
    else:
        migrations_rows_ensure()
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        connection.connection.backup(destination)
        destination.close()
    url = f"sqlite:///{target}"
    return url, lambda: database_drop(url=url)


def database_drop(*, url: str) -> None:
    """Drop the copy ``url`` names (``database_copy``'s), wherever it was made."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        postgres_database_drop(name=url.rsplit("/", 1)[1])


def migrations_rows_ensure() -> None:
    """Reload the rows the migrations made into a test database a flush emptied, from the
    copy pytest-django serialized when it made the database (outside any test's
    transaction: they stay, as they were before the flush)."""
    from django.contrib.contenttypes.models import ContentType

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents and not ContentType.objects.exists():
        connection.creation.deserialize_db_from_string(contents)


def postgres_admin(*, sql: str, params: tuple = ()) -> None:
    """One statement on the server's ``postgres`` database, outside any transaction
    (``CREATE DATABASE``, ``DROP ROLE``): for tests that make their own databases."""
    import psycopg2

    conn = psycopg2.connect(_postgres_url(name="postgres"))
    conn.autocommit = True
    try:
        conn.cursor().execute(sql, params or None)
    finally:
        conn.close()


def postgres_database_drop(*, name: str) -> None:
    """Drop database ``name`` if it exists, whoever is still connected to it."""
    postgres_admin(sql=f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_sessions_end(*, name: str) -> None:
    """Close this process's connections and end every other session on database ``name``
    (this xdist worker's own): the last sessions of a server or worker a test stopped can
    outlive its process by a moment, and PostgreSQL refuses to copy or drop a database
    while anyone is connected to it."""
    connections.close_all()
    postgres_admin(
        sql="SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        params=(name,),
    )


def _template_copy(*, template: str, name: str, attempts: int = 5) -> None:
    """``CREATE DATABASE name TEMPLATE template``, which PostgreSQL refuses while any other
    session is connected to the template (see ``postgres_sessions_end``). The template is
    this xdist worker's own test database, so ending those sessions touches nobody else."""
    import psycopg2

    for attempt in range(attempts):
        postgres_sessions_end(name=template)
        try:
            postgres_admin(sql=f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return
        except psycopg2.errors.ObjectInUse:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def _postgres_url(*, name: str) -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


@dataclass(frozen=True)
class HttpResult:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


def http_get(url: str, *, headers: dict[str, str] | None = None, timeout: float = 10) -> HttpResult:
    """GET without following redirects; any status is returned, never raised."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"loopback URLs only: {url}")
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - checked above
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return HttpResult(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return HttpResult(error.code, dict(error.headers), error.read())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_for(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    """Poll ``predicate`` until it returns a truthy value (returned) or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except OSError:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)

"""Statement and lock limits hold behind a real PgBouncer, and a migration that cannot get its
lock gives up instead of stalling the site's reads (PostgreSQL only)."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

from loadtests.servers import port_free
from tests.servers import postgres_admin, postgres_database_drop

REPO = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="PostgreSQL's statement_timeout, lock_timeout and PgBouncer",
    ),
]
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def _environ(**values: str) -> dict[str, str]:
    return {**os.environ, **values}


@pytest.fixture
def scratch_database():
    name = f"limits_{uuid.uuid4().hex[:10]}"
    role = f"probe_{uuid.uuid4().hex[:8]}"
    postgres_admin(sql=f"CREATE ROLE {role} LOGIN")
    postgres_admin(sql=f"CREATE DATABASE {name} OWNER {role}")
    yield name, role
    postgres_database_drop(name=name)
    postgres_admin(sql=f"DROP ROLE IF EXISTS {role}")


def _pgbouncer(*, database: str, role: str, pool_mode: str):
    """PgBouncer from Debian's package, in front of the shared PostgreSQL."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not os.path.exists(binary):
        pytest.fail("pgbouncer is not installed (.ci/run installs Debian's package)")
    workdir = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    port = port_free()  # pgbouncer binds by number
    (workdir / "users.txt").write_text(f'"{role}" ""\n')
    (workdir / "pgbouncer.ini").write_text(
        textwrap.dedent(
            f"""
            [databases]
            {database} = host=127.0.0.1 port=5432 dbname={database}
            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = trust
            auth_file = {workdir}/users.txt
            pool_mode = {pool_mode}
            logfile = {workdir}/pgbouncer.log
            pidfile = {workdir}/pgbouncer.pid
            """
        )
    )
    shutil.chown(workdir, user="postgres")
    for path in workdir.iterdir():
        shutil.chown(path, user="postgres")
    # PgBouncer refuses to run as root; -u drops to the postgres user.
    process = subprocess.Popen(
        [binary, "-u", "postgres", str(workdir / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail(f"pgbouncer did not listen: {(workdir / 'pgbouncer.log').read_text()}")
    return process, port, workdir


def _stop(process) -> None:
    process.send_signal(2)  # SIGINT: PgBouncer's immediate shutdown
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


SLEEP_PROBE = """
import django
django.setup()
from django.db import OperationalError, connection
try:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [{seconds}])
    print("completed")
except OperationalError as error:
    print("cancelled" if getattr(error.__cause__, "pgcode", "") == "57014" else repr(error))
"""


def _django(code: str, *, database_url: str, **env) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=_environ(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="cms.settings", **env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def test_pgbouncer_refuses_the_startup_option_the_limits_no_longer_use(scratch_database):
    database, role = scratch_database
    process, port, _ = _pgbouncer(database=database, role=role, pool_mode="transaction")
    try:
        with pytest.raises(psycopg2.OperationalError, match="unsupported startup parameter"):
            psycopg2.connect(
                host="127.0.0.1",
                port=port,
                user=role,
                dbname=database,
                options="-c statement_timeout=300",
            )
    finally:
        _stop(process)


def test_session_limits_are_enforced_through_pgbouncer_in_session_mode(scratch_database):
    database, role = scratch_database
    process, port, _ = _pgbouncer(database=database, role=role, pool_mode="session")
    try:
        url = f"postgres://{role}@127.0.0.1:{port}/{database}"
        limited = _django(
            SLEEP_PROBE.format(seconds=3), database_url=url, DATABASE_STATEMENT_TIMEOUT_MS="300"
        )
        unlimited = _django(
            SLEEP_PROBE.format(seconds=0.5), database_url=url, DATABASE_STATEMENT_TIMEOUT_MS="0"
        )
    finally:
        _stop(process)
    assert (limited, unlimited) == ("cancelled", "completed")


def test_the_role_carries_the_limit_through_pgbouncer_in_transaction_mode(scratch_database):
    database, role = scratch_database
    # Stored on the role over a direct connection (what migrate_online does in the Job)...
    store = (
        "import django\ndjango.setup()\nfrom django.db import connection\n"
        "from serving.database_session import database_role_limits_store\n"
        "database_role_limits_store(connection=connection, statement_timeout_ms=300)\n"
        "print('stored')"
    )
    assert _django(store, database_url=f"postgres://{role}@127.0.0.1:5432/{database}") == "stored"
    process, port, _ = _pgbouncer(database=database, role=role, pool_mode="transaction")
    try:
        # ...the app, which sets nothing per session in transaction mode, is still bounded.
        outcome = _django(
            SLEEP_PROBE.format(seconds=3),
            database_url=f"postgres://{role}@127.0.0.1:{port}/{database}",
            DATABASE_POOL_MODE="transaction",
            DATABASE_STATEMENT_TIMEOUT_MS="300",
        )
    finally:
        _stop(process)
    assert outcome == "cancelled"


def _manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=_environ(DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_migration_that_cannot_get_its_lock_gives_up_and_reads_resume(scratch_database):
    database, role = scratch_database
    postgres_admin(sql=f"ALTER ROLE {role} SUPERUSER")  # migrations create extensions and functions
    url = f"postgres://{role}@127.0.0.1:5432/{database}"
    assert _manage("migrate", "-v", "0", database_url=url).returncode == 0
    # Step one migration back: re-applying it is an ALTER TABLE (ACCESS EXCLUSIVE).
    assert _manage("migrate", "wagtailembeds", "0008", "-v", "0", database_url=url).returncode == 0

    holder = psycopg2.connect(dbname=database, **PG)  # a long transaction that read the table
    holder.cursor().execute("SELECT count(*) FROM wagtailembeds_embed")
    migration = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "migrate_online",
            "--lock-timeout-ms",
            "1500",
            "--attempts",
            "2",
            "--backoff",
            "0.2",
            "-v",
            "0",
        ],
        cwd=REPO,
        env=_environ(DATABASE_URL=url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_lock_waiter(database=database, table="wagtailembeds_embed")
        # A reader arriving now queues behind the migration's ACCESS EXCLUSIVE request...
        read = threading.Event()

        def reader():
            with psycopg2.connect(dbname=database, **PG) as conn, conn.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM wagtailembeds_embed")
                read.set()

        thread = threading.Thread(target=reader, daemon=True)
        thread.start()
        # ...and is served once the migration gives up, while the long transaction still
        # holds its lock: the site never waits on the migration longer than its lock timeout.
        thread.join(timeout=120)
        assert read.is_set()
        assert holder.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_INTRANS
        _, stderr = migration.communicate(timeout=120)
    finally:
        holder.rollback()
        holder.close()
        migration.kill()
    assert migration.returncode != 0
    assert "retrying" in stderr and "could not get its lock" in stderr

    # With the long transaction gone, the same command applies it.
    done = _manage("migrate_online", "--lock-timeout-ms", "1500", "-v", "0", database_url=url)
    assert done.returncode == 0, done.stderr[-2000:]
    with psycopg2.connect(dbname=database, **PG) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'wagtailembeds_embed' AND column_name = 'cache_until'"
        )
        assert cursor.fetchone()
        cursor.execute(
            "SELECT setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole "
            "WHERE r.rolname = %s",
            [role],
        )
        assert cursor.fetchone()[0] == ["statement_timeout=30000"]
    conn.close()


def _wait_for_lock_waiter(*, database: str, table: str) -> None:
    conn = psycopg2.connect(dbname=database, **PG)
    conn.autocommit = True
    with conn:
        for _ in range(600):
            with conn.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
                    [table],
                )
                if cursor.fetchone():
                    return
            time.sleep(0.05)
    pytest.fail("the migration never queued for its lock")

"""Statement and lock time limits on PostgreSQL, set in ways connection poolers accept.

The limits used to travel as a libpq startup option (``options=-c statement_timeout=…``).
PgBouncer refuses that parameter (``unsupported startup parameter: options``), and with
``ignore_startup_parameters = options`` it connects but silently drops the limit. So:

- on a direct connection, RDS Proxy or PgBouncer in session mode, each new connection runs
  one ``set_config`` for its session (``database_session_limits_apply``);
- behind PgBouncer in transaction mode no session state survives a transaction, so the limits
  live on the role (``ALTER ROLE … IN DATABASE … SET``), which PostgreSQL applies to every
  server session the pooler opens (``database_role_limits_store``, run by
  ``manage.py migrate_online``).

https://www.pgbouncer.org/features.html#sql-feature-map-for-pooling-modes
https://www.postgresql.org/docs/current/sql-alterrole.html
"""

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper


def database_session_limits() -> dict[str, int]:
    """The limits in milliseconds, by PostgreSQL setting name (0: none)."""
    return {
        "statement_timeout": settings.DATABASE_STATEMENT_TIMEOUT_MS,
        "lock_timeout": settings.DATABASE_LOCK_TIMEOUT_MS,
    }


def database_session_limits_apply(*, connection: BaseDatabaseWrapper) -> None:
    """Set the limits for this connection's session (one round trip)."""
    limits = database_session_limits()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, false), "
            "set_config('lock_timeout', %s, false)",
            [str(limits["statement_timeout"]), str(limits["lock_timeout"])],
        )


def database_role_limits_store(*, connection: BaseDatabaseWrapper, statement_timeout_ms: int):
    """Make the statement limit the default of every session this role opens on this database.

    A role may set its own defaults. Sessions already open keep theirs; the pooler's new
    server connections (and every pod's after a restart) get the stored value.
    """
    with connection.cursor() as cursor:
        # ALTER ROLE takes no bind parameters; both values are ours (an int and the role and
        # database names quoted by PostgreSQL itself).
        cursor.execute("SELECT quote_ident(current_user), quote_ident(current_database())")
        role, database = cursor.fetchone()
        cursor.execute(
            f"ALTER ROLE {role} IN DATABASE {database} "
            f"SET statement_timeout = {int(statement_timeout_ms)}"
        )


def connection_created_receiver(sender, connection: BaseDatabaseWrapper, **kwargs) -> None:
    if connection.vendor != "postgresql" or settings.DATABASE_POOL_MODE == "transaction":
        return
    database_session_limits_apply(connection=connection)

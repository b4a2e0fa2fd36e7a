"""Apply migrations without stalling the live site (the chart's migrate Job runs this).

A migration that needs a lock the site holds (``ALTER TABLE`` wants ACCESS EXCLUSIVE) waits
in the lock queue, and every read of that table queues behind it: a site-wide stall for as
long as the longest open transaction. So this command:

- gives each statement a ``lock_timeout`` (``--lock-timeout-ms``, default
  ``DATABASE_LOCK_TIMEOUT_MS`` or 5 s): a migration that cannot get its lock gives up, rolls
  back (each migration is one transaction on PostgreSQL) and reads resume;
- retries a timed-out migration with exponential backoff (``--attempts``, ``--backoff``), and
  fails the Job, naming the cause, when every attempt timed out;
- lifts the request ``statement_timeout`` for itself (an index build may take minutes), and
  stores that timeout on the role for every later session, where a transaction pooler cannot
  drop it (serving/database_session.py).

Run it on a direct connection (or a session-mode pooler): its own session settings must hold
for its whole run. https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT
"""

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection

from serving.database_session import database_role_limits_store, database_session_limits_apply

LOCK_NOT_AVAILABLE = "55P03"  # https://www.postgresql.org/docs/current/errcodes-appendix.html


def _lock_timed_out(error: Exception) -> bool:
    return getattr(error.__cause__, "pgcode", None) == LOCK_NOT_AVAILABLE


class Command(BaseCommand):
    help = "Apply migrations with a lock timeout and retries, then store the statement timeout."

    def add_arguments(self, parser):
        parser.add_argument(
            "--lock-timeout-ms",
            type=int,
            default=settings.DATABASE_LOCK_TIMEOUT_MS or 5_000,
            help="How long one statement may wait for a lock (default 5000).",
        )
        parser.add_argument("--attempts", type=int, default=5, help="Tries per run (default 5).")
        parser.add_argument(
            "--backoff", type=float, default=2.0, help="First retry delay in seconds, doubled."
        )

    def handle(self, *args, lock_timeout_ms, attempts, backoff, verbosity, **options):
        app_statement_timeout_ms = settings.DATABASE_STATEMENT_TIMEOUT_MS
        postgresql = connection.vendor == "postgresql"
        settings.DATABASE_STATEMENT_TIMEOUT_MS = 0
        settings.DATABASE_LOCK_TIMEOUT_MS = lock_timeout_ms
        for attempt in range(1, attempts + 1):
            connection.close()
            if postgresql:
                connection.ensure_connection()
                database_session_limits_apply(connection=connection)
            try:
                call_command("migrate", interactive=False, verbosity=verbosity)
                break
            except OperationalError as error:
                if not _lock_timed_out(error):
                    raise
                if attempt == attempts:
                    raise CommandError(
                        f"a migration could not get its lock within {lock_timeout_ms} ms in "
                        f"{attempts} attempts; reads were never blocked longer than that. "
                        "Find the long transaction (pg_stat_activity) or retry later."
                    ) from error
                delay = backoff * 2 ** (attempt - 1)
                self.stderr.write(
                    f"lock timeout (attempt {attempt}/{attempts}), retrying in {delay:g} s"
                )
                time.sleep(delay)
        if postgresql:
            database_role_limits_store(
                connection=connection, statement_timeout_ms=app_statement_timeout_ms
            )
            self.stdout.write(f"statement_timeout {app_statement_timeout_ms} ms stored on the role")

"""Putting a test database back to the rows its migrations left, after a transactional
test's flush emptied it.

A transactional test ends with a flush that empties every table: the permissions and
groups Wagtail's migrations create, its root page, locale and collection. Django's
serialized rollback restores them only at the start of a test that asks for it, so a plain
test that ran after one in the same pytest-xdist worker (another file) found no
``Moderators`` group. The root conftest notes each flush (``database_flushed``); the next
plain test, or module-wide data built once, first restores (``migrated_rows_ensure``)."""

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections


def migrated_rows_restore() -> None:
    """Each database back to what its migrations created (permissions, groups, Wagtail's
    root page, locale, collection and site), from the copy pytest-django keeps when a
    collected test asks for serialized rollback, as the whole suite does.

    Emptied first: a flush without serialized rollback re-creates the content types and
    permissions itself, and the copy's rows would collide with them. The rows come back
    with their own ids, so the sequences move past them, as ``loaddata`` does. The caller
    unblocks database access (``django_db_blocker.unblock()``)."""
    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            call_command(
                "flush",
                database=connection.alias,
                interactive=False,
                inhibit_post_migrate=True,
                verbosity=0,
            )
            connection.creation.deserialize_db_from_string(contents)
            statements = connection.ops.sequence_reset_sql(
                no_style(), apps.get_models(include_auto_created=True)
            )
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


_flushed = False


def database_flushed() -> None:
    """A transactional test has ended: its flush emptied the tables."""
    global _flushed
    _flushed = True


def migrated_rows_ensure() -> None:
    """The migrated rows, restored if a flush emptied them since the last restore. Not
    inside an open transaction (a module's data built once): PostgreSQL cannot empty
    tables with pending deferred checks, and that module restored before opening it."""
    global _flushed
    if not _flushed or connections["default"].in_atomic_block:
        return
    migrated_rows_restore()
    _flushed = False

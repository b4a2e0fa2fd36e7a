"""Putting a test database back to the rows its migrations left, after a transactional
test's flush emptied it."""

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

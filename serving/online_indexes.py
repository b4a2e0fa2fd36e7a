"""Index migrations that never block writes: ``CREATE INDEX CONCURRENTLY`` on PostgreSQL.

A plain ``CREATE INDEX`` holds a SHARE lock for the whole build, so every insert and update of
the table waits (minutes on a large page table). Built concurrently, the table stays
writable; the price is that the migration cannot run in a transaction (``atomic = False``)
and that a failed build leaves an INVALID index behind, which these operations drop before
trying again. SQLite (the embedded default) builds the same indexes plainly.
https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
"""

from django.db.migrations.operations import AddIndex
from django.db.migrations.operations.base import Operation


def _invalid_index_drop(schema_editor, *, name: str) -> None:
    """Drop a half-built index a timed-out or interrupted concurrent build left behind."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_index JOIN pg_class ON pg_class.oid = pg_index.indexrelid "
            "WHERE pg_class.relname = %s AND NOT pg_index.indisvalid",
            [name],
        )
        if cursor.fetchone():
            schema_editor.execute(
                f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(name)}"
            )


class AddIndexOnline(AddIndex):
    """``AddIndex`` built concurrently on PostgreSQL; the migration must set ``atomic = False``."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.add_index(model, self.index)
            return
        _invalid_index_drop(schema_editor, name=self.index.name)
        schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.remove_index(model, self.index)
            return
        schema_editor.remove_index(model, self.index, concurrently=True)


class CreateIndexOnline(Operation):
    """An index on a table without a model of ours (Wagtail's, or an auto-created through
    table), or on an expression: raw SQL, concurrent on PostgreSQL.

    ``definition`` follows the table name (``"(title)"``, ``"USING gin ((title || body))"``);
    ``postgresql_only`` skips other databases (for PostgreSQL-specific index methods).
    """

    reversible = True
    reduces_to_sql = False

    def __init__(self, *, name, table, definition, where="", postgresql_only=False):
        self.name = name
        self.table = table
        self.definition = definition
        self.where = where
        self.postgresql_only = postgresql_only

    def deconstruct(self):
        kwargs = {"name": self.name, "table": self.table, "definition": self.definition}
        if self.where:
            kwargs["where"] = self.where
        if self.postgresql_only:
            kwargs["postgresql_only"] = True
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label, state):
        pass  # no model state: the index lives only in the database

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        postgresql = schema_editor.connection.vendor == "postgresql"
        if self.postgresql_only and not postgresql:
            return
        if postgresql:
            _invalid_index_drop(schema_editor, name=self.name)
        where = f" WHERE {self.where}" if self.where else ""
        schema_editor.execute(
            f"CREATE INDEX {'CONCURRENTLY ' if postgresql else ''}IF NOT EXISTS {self.name} "
            f"ON {self.table} {self.definition}{where}"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        postgresql = schema_editor.connection.vendor == "postgresql"
        if self.postgresql_only and not postgresql:
            return
        concurrently = "CONCURRENTLY " if postgresql else ""
        schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {self.name}")

    def describe(self):
        return f"Create index {self.name} on {self.table} (concurrently on PostgreSQL)"

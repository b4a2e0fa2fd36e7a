from io import StringIO

from django.core.management import call_command


def test_no_missing_migrations(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_blocklist_keeps_the_table_and_migration_history_of_existing_databases():
    """The serving app keeps the ``cms`` label its model was created under, so a database
    migrated before the move finds its table and its recorded migration unchanged."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    model = apps.get_model("cms", "BlockedNetwork")
    graph = MigrationLoader(None, ignore_no_migrations=True).graph

    assert model.__module__ == "serving.models"
    assert model._meta.db_table == "cms_blockednetwork"
    assert ("cms", "0001_blocked_network") in graph.leaf_nodes()

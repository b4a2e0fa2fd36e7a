"""A GIN index for Wagtail's PostgreSQL full-text search (``?search=``).

Wagtail's database search backend matches ``(title || body) @@ query`` on
``wagtailsearch_indexentry``. Wagtail indexes ``title`` and ``body`` separately, and
PostgreSQL uses an index only for the exact expression, so every search scanned the whole
index table (60 ms at 10,000 posts, in the search and again in its count). An index on the
concatenation turns both into an index lookup. PostgreSQL only; SQLite uses FTS5.
"""

from django.db import migrations

INDEX = "blog_search_title_body"


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry "
            "USING gin ((title || body))"
        )


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0003_page_parents_index"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(index_create, index_drop, elidable=False)]

"""A partial index on the pages that have children (the API's hidden-branch lookup).

Every public read first lists the roots of hidden branches: unpublished or expired pages
*with children* (``api.selectors.pages_hidden_roots``). Without an index that is a scan of the
whole page table (7 ms at 10,000 posts, on every request); only sections have children,
so an index of those rows alone is a few entries.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0002_api_filter_indexes"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS blog_page_parents_path "
            "ON wagtailcore_page (path) WHERE numchild > 0",
            reverse_sql="DROP INDEX IF EXISTS blog_page_parents_path",
        ),
    ]

"""A partial index on the pages that have children (the API's hidden-branch lookup).

Every public read first lists the roots of hidden branches: unpublished or expired pages
*with children* (``api.selectors.pages_hidden_roots``). Without an index that is a scan of the
whole page table (7 ms at 10,000 posts, on every request); only sections have children,
so an index of those rows alone is a few entries.
"""

from django.db import migrations

from serving.online_indexes import CreateIndexOnline


class Migration(migrations.Migration):
    atomic = False  # built concurrently on PostgreSQL

    dependencies = [
        ("blog", "0002_api_filter_indexes"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        CreateIndexOnline(
            name="blog_page_parents_path",
            table="wagtailcore_page",
            definition="(path)",
            where="numchild > 0",
        ),
    ]

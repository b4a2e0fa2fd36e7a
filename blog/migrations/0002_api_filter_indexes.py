"""Indexes for the API's filters and orderings (no model changes).

- posts by tag: ``blog_blogposttag (tag_id, content_object_id)``;
- a post's authors in byline order: ``blog_blogpostauthor (post_id, sort_order)``;
- posts by category: ``blog_blogpostpage_categories (category_id, blogpostpage_id)``
  (the auto-created through table has no model to declare it on);
- ordering by title and last publish: ``wagtailcore_page (title)``, ``(last_published_at)``
  (these live on Wagtail's page table, which indexes only ``first_published_at``).

``publication_date`` already has ascending and descending indexes (0001); slugs of
authors, categories and tags are unique, so indexed.
"""

from django.db import migrations, models

from serving.online_indexes import AddIndexOnline, CreateIndexOnline


class Migration(migrations.Migration):
    # Built concurrently on PostgreSQL, which cannot run in a transaction.
    atomic = False

    dependencies = [
        ("blog", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        AddIndexOnline(
            model_name="blogposttag",
            index=models.Index(fields=["tag", "content_object"], name="blog_posttag_tag_post"),
        ),
        AddIndexOnline(
            model_name="blogpostauthor",
            index=models.Index(fields=["post", "sort_order"], name="blog_postauthor_post_order"),
        ),
        CreateIndexOnline(
            name="blog_postcategories_cat_post",
            table="blog_blogpostpage_categories",
            definition="(category_id, blogpostpage_id)",
        ),
        CreateIndexOnline(name="blog_page_title", table="wagtailcore_page", definition="(title)"),
        CreateIndexOnline(
            name="blog_page_last_published",
            table="wagtailcore_page",
            definition="(last_published_at)",
        ),
    ]

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


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="blogposttag",
            index=models.Index(fields=["tag", "content_object"], name="blog_posttag_tag_post"),
        ),
        migrations.AddIndex(
            model_name="blogpostauthor",
            index=models.Index(fields=["post", "sort_order"], name="blog_postauthor_post_order"),
        ),
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS blog_postcategories_cat_post "
            "ON blog_blogpostpage_categories (category_id, blogpostpage_id)",
            reverse_sql="DROP INDEX IF EXISTS blog_postcategories_cat_post",
        ),
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS blog_page_title ON wagtailcore_page (title)",
            reverse_sql="DROP INDEX IF EXISTS blog_page_title",
        ),
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS blog_page_last_published "
            "ON wagtailcore_page (last_published_at)",
            reverse_sql="DROP INDEX IF EXISTS blog_page_last_published",
        ),
    ]

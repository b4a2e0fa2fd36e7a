"""A new database gets the site's page tree: a HomePage as the default site's root, with
the 'Blog' index beneath it, in place of the "Welcome" placeholder Wagtail's own
migrations leave (Wagtail's project template makes its home page the same way). Editors
can write posts, and the API answers, before any content is imported.

A database that already has other pages (a home made by ``seed_demo`` or by hand, or
pages beneath the placeholder) is left as it is.
"""

from django.db import migrations

HOME = {"title": "Home", "slug": "home", "intro": "Writing from the team."}
INDEX = {"title": "Blog", "slug": "blog", "intro": "Everything we have written."}


def home_and_blog_index_create(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    page_model = apps.get_model("wagtailcore", "Page")
    site_model = apps.get_model("wagtailcore", "Site")
    home_model = apps.get_model("blog", "HomePage")
    index_model = apps.get_model("blog", "BlogIndexPage")
    root = page_model.objects.filter(depth=1).first()
    pages = page_model.objects.filter(depth__gt=1)
    placeholder = pages.first()
    if (
        root is None
        or pages.count() != 1
        or placeholder.content_type.model != "page"
        or placeholder.path != root.path + "0001"
    ):
        return
    path, locale_id = root.path + "0002", placeholder.locale_id  # the next sibling's path
    home = home_model.objects.create(
        **HOME,
        draft_title=HOME["title"],
        content_type=content_types.objects.get_for_model(home_model),
        path=path,
        depth=2,
        numchild=1,
        url_path=f"/{HOME['slug']}/",
        locale_id=locale_id,
        live=True,
    )
    index_model.objects.create(
        **INDEX,
        draft_title=INDEX["title"],
        content_type=content_types.objects.get_for_model(index_model),
        path=path + "0001",
        depth=3,
        numchild=0,
        url_path=f"/{HOME['slug']}/{INDEX['slug']}/",
        locale_id=locale_id,
        live=True,
    )
    site_model.objects.filter(root_page=placeholder).update(root_page=home)
    placeholder.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0005_image_placeholders_and_rendition_requests"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(home_and_blog_index_create, migrations.RunPython.noop),
    ]

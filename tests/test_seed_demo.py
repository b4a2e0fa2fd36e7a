"""The demo-content command: deterministic, idempotent, extendable."""

import pytest
from django.core.management import call_command
from wagtail.models import Site

from blog.models import Author, BlogIndexPage, BlogPostPage, Category, HomePage

# Each test seeds the demo blog (images, renditions, authors, posts) at least once.
pytestmark = pytest.mark.slow


def _titles():
    return list(BlogPostPage.objects.order_by("slug").values_list("slug", "title"))


def test_seed_demo_builds_a_whole_blog(db):
    call_command("seed_demo", posts=5, seed=3)
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert BlogIndexPage.objects.count() == 1
    assert BlogPostPage.objects.live().count() == 5
    assert Author.objects.count() == 8
    assert Category.objects.count() == 6
    post = BlogPostPage.objects.first()
    assert post.post_authors.count() >= 1
    assert post.categories.count() >= 1
    assert post.tags.count() >= 2
    assert post.featured_image is not None
    assert post.publication_date is not None
    assert {block.block_type for block in post.body} >= {"heading", "paragraph"}


def test_seed_demo_is_idempotent_and_extends(db):
    call_command("seed_demo", posts=4, seed=3)
    first = _titles()
    call_command("seed_demo", posts=4, seed=3)
    assert _titles() == first
    call_command("seed_demo", posts=6, seed=3)
    assert _titles()[:4] == first[:4] or set(first) <= set(_titles())
    assert BlogPostPage.objects.count() == 6
    assert Author.objects.count() == 8


def test_seed_demo_is_deterministic_for_a_seed(db, django_db_blocker):
    call_command("seed_demo", posts=3, seed=3)
    titles = _titles()
    BlogPostPage.objects.all().delete()
    call_command("seed_demo", posts=3, seed=3)
    assert _titles() == titles

"""Shared fixtures: a real site tree, snippets and images in the test database.

The database and cache are whatever the environment names: PostgreSQL and Redis when
DATABASE_URL and REDIS_URL are set (CI), SQLite and local memory otherwise.
"""

import io

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from blog.demo_content import demo_site_ensure
from blog.models import Author, BlogPostAuthor, BlogPostPage, Category
from serving.ip_blocklist import blocked_networks_cache_prime


def _caches_clear():
    # Every alias: the API response cache and the per-process renditions cache too, so
    # no test sees another's entries (ids repeat across tests).
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    _caches_clear()
    # The table of blocked networks is empty at the start of every test; say so in the
    # cache, as a warm production cache would, so no request counts the lookup.
    blocked_networks_cache_prime(cidrs=())
    yield
    _caches_clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def site_tree(db):
    """(home, blog_index) wired to the default site."""
    return demo_site_ensure()


@pytest.fixture
def blog_index(site_tree):
    return site_tree[1]


@pytest.fixture
def image(db):
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (40, 90, 160)).save(buffer, format="JPEG")
    img = get_image_model()(title="Test image")
    img.file = ImageFile(io.BytesIO(buffer.getvalue()), name="test.jpg")
    img.save()
    return img


@pytest.fixture
def author(db):
    return Author.objects.create(name="Ada Lovelace")


@pytest.fixture
def category(db):
    return Category.objects.create(name="Engineering")


@pytest.fixture
def make_post(blog_index, author, category):
    """Create a live post beneath the blog index; keyword arguments override fields."""

    def _make(*, title="A post", live=True, body=None, tags=("python",), **fields):
        post = BlogPostPage(
            title=title,
            intro=fields.pop("intro", "An introduction."),
            body=body
            if body is not None
            else [{"type": "paragraph", "value": "<p>Hello world, this is a post.</p>"}],
            live=False,
            **fields,
        )
        post.post_authors = [BlogPostAuthor(author=author, sort_order=0)]
        post.categories = [category]
        post.tags.add(*tags)
        blog_index.add_child(instance=post)
        if live:
            post.save_revision().publish()
        else:
            post.save_revision()
        post.refresh_from_db()
        return post

    return _make

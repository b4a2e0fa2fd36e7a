"""Shared fixtures: a real site tree, snippets and images in the test database.

The database and cache are whatever the environment names: PostgreSQL and Redis when
DATABASE_URL and REDIS_URL are set (CI), SQLite and local memory otherwise.
"""

import pytest
from django.conf import settings
from django.core.cache import caches

from blog.demo_content import demo_site_ensure
from blog.models import Author, Category
from serving.ip_blocklist import blocked_networks_cache_prime
from tests.factories import image_make, post_make


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
    return image_make(
        title="Test image", color=(40, 90, 160), image_format="JPEG", file_name="test.jpg"
    )


@pytest.fixture
def author(db):
    return Author.objects.create(name="Ada Lovelace")


@pytest.fixture
def category(db):
    return Category.objects.create(name="Engineering")


@pytest.fixture
def make_post(blog_index, author, category):
    """Create a live post beneath the blog index; keyword arguments override fields."""

    def _make(**fields):
        return post_make(blog_index=blog_index, author=author, category=category, **fields)

    return _make

"""Fixtures for the API tests: a published blog with every kind of block and reference.

The blog (posts with images, a document, an embed, two authors, site settings) takes
seconds to build, so it is built once per module, in a transaction that stays open
across the module's tests and is rolled back at its end; each test runs inside it in a
savepoint of its own (pytest-django's usual per-test transaction), as Django's
``setUpTestData`` does. Each test gets deep copies of the objects, so what one test
changes in Python never reaches the next. Within a module, the tests that use the blog
run after the others, which therefore never see it.
"""

import copy

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from blog.models import Author, Category
from tests.databases import migrated_rows_ensure
from tests.factories import (
    blog_build,
    document_make,
    image_make,
    second_author_make,
    site_settings_make,
    stored_embed_make,
)
from tests.servers import app_server, live_database_url


def pytest_collection_modifyitems(items):
    """Within each module, the tests that use ``blog`` run last (see the docstring)."""
    module_order: dict = {}
    for item in items:
        module_order.setdefault(item.module, len(module_order))
    items.sort(
        key=lambda item: (module_order[item.module], "blog" in getattr(item, "fixturenames", ()))
    )


@pytest.fixture(autouse=True)
def _views_without_the_response_cache(settings):
    """These tests pin what the views answer (content, privacy, query counts). They change
    data inside a test transaction that never commits, so the response cache in front of
    the views, which invalidates on commit, is off here; tests/perf covers it."""
    settings.API_CACHE_ENABLED = False


@pytest.fixture
def api(db):
    """A client that sends no credentials; responses are decoded with ``.json()``."""
    return Client()


@pytest.fixture(scope="module")
def blog_dataset(django_db_setup, django_db_blocker, tmp_path_factory):
    """The module's blog, in a transaction rolled back after the module's last test."""
    media = tmp_path_factory.mktemp("blog-media")
    with django_db_blocker.unblock():
        migrated_rows_ensure()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(MEDIA_ROOT=media):
                dataset = blog_build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    dataset["media_root"] = media
    yield dataset
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def _shared(request, name: str):
    """This test's copy of the module's object ``name`` when the test uses the blog."""
    if "blog" not in request.fixturenames:
        return None
    return copy.deepcopy(request.getfixturevalue("blog_dataset")[name])


@pytest.fixture
def blog(blog_dataset, db, settings):
    """Three live posts (one with every block), a draft and a category of its own."""
    settings.MEDIA_ROOT = blog_dataset["media_root"]
    return copy.deepcopy(blog_dataset["blog"])


# The fixtures below are the blog's own objects in a test that uses it, new ones otherwise.
@pytest.fixture
def author(request, db):
    return _shared(request, "author") or Author.objects.create(name="Ada Lovelace")


@pytest.fixture
def category(request, db):
    return _shared(request, "category") or Category.objects.create(name="Engineering")


@pytest.fixture
def image(request, db):
    return _shared(request, "image") or image_make(
        title="Test image", color=(40, 90, 160), image_format="JPEG", file_name="test.jpg"
    )


@pytest.fixture
def document(request, db):
    return _shared(request, "document") or document_make()


@pytest.fixture
def stored_embed(request, db):
    return _shared(request, "stored_embed") or stored_embed_make()


@pytest.fixture
def second_author(request, db):
    return _shared(request, "second_author") or second_author_make()


@pytest.fixture
def site_settings(request, site_tree):
    return _shared(request, "site_settings") or site_settings_make(blog_index=site_tree[1])


@pytest.fixture
def blog_committed(transactional_db):
    """The blog committed, for a server in another process (transactional tests only)."""
    return blog_build()["blog"]


@pytest.fixture
def gunicorn(blog_committed, tmp_path):
    """gunicorn serving the committed blog; its base URL. The schema's server URL
    (WAGTAILAPI_BASE_URL) defaults to 127.0.0.1:$PORT, the port the kernel chose."""
    with app_server(
        env={
            "DATABASE_URL": live_database_url(tmp_path=tmp_path),
            "DATABASE_CONN_MAX_AGE": "0",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "LOG_LEVEL": "warning",
        },
        log_dir=tmp_path,
        ready_path="/api/v2/schema/",
    ) as server:
        yield server.url

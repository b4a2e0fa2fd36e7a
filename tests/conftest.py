"""Shared fixtures: a real site tree, snippets and images in the test database.

The database and cache are whatever the environment names: PostgreSQL and Redis when
DATABASE_URL and REDIS_URL are set (CI), SQLite and local memory otherwise.
"""

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches

from blog.demo_content import demo_site_ensure, wagtail_roots_ensure
from blog.models import Author, Category
from cachetags import store as cache_store
from cachetags.tokens import tokens_pending_discard
from serving.ip_blocklist import blocked_networks_cache_prime
from serving.redis_breaker import redis_breakers_reset
from tests import durations, run_shared
from tests.caches import caches_empty, epoch_prime
from tests.databases import database_flushed, migrated_rows_ensure
from tests.factories import image_make, post_make
from tests.servers import postgres_database_drop, postgres_sessions_end


def pytest_configure(config):
    """Settings each test process needs before its first test.

    - A pytest-xdist worker gets a cache key prefix of its own (``<prefix>-gw0``...), for
      itself and the servers it starts, so workers sharing a Redis database never see or
      delete each other's keys. pytest-django gives each worker its own test database.
    - STATIC_ROOT names an existing, empty directory: without ``collectstatic`` WhiteNoise
      serves through the finders, and warns on every request about a missing root.
    - Passwords set here are hashed with MD5, as Django's testing docs advise: the
      production hasher (PBKDF2) is deliberately slow and is not what the tests test. It
      stays listed, so hashes made by the servers and commands tests start still verify.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        prefix = f"{os.environ.get('CACHE_KEY_PREFIX', 'blog')}-{worker}"
        os.environ["CACHE_KEY_PREFIX"] = prefix
        for alias, params in settings.CACHES.items():
            if "KEY_PREFIX" in params:
                params["KEY_PREFIX"] = prefix
            with contextlib.suppress(AttributeError):
                del caches[alias]  # a backend made before now kept the old prefix
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    _serialized_rows_restored_onto_empty_tables()
    static_root = Path(tempfile.mkdtemp(prefix="blog-test-static-"))
    config.add_cleanup(lambda: shutil.rmtree(static_root, ignore_errors=True))
    settings.STATIC_ROOT = static_root
    os.environ["STATIC_ROOT"] = str(static_root)
    run_shared.run_directory_make(config)
    if config.getoption("--store-durations"):
        config.pluginmanager.register(durations.DurationsRecorder(), "durations-recorder")


def pytest_addoption(parser):
    parser.addoption(
        "--store-durations",
        action="store_true",
        help="record each module's seconds in tests/durations.json (the run order)",
    )


def pytest_collection_modifyitems(config, items):
    """Modules run longest first (``tests/durations.py``)."""
    durations.longest_first(items)


def _serialized_rows_restored_onto_empty_tables() -> None:
    """Serialized rollback reloads the migrations' rows (content types, Wagtail's root
    page, site, groups, the default workflow) with their original ids. Two things broke it:

    - It assumes the last flush left every table empty; a write that lands after a flush
      (a request a live server was still answering, a worker stopping late) breaks that.
      So each reload flushes first, without the post-migrate handlers, as the test
      teardown's own flush does.
    - Wagtail's ``Task.__init__`` looks up its content type, and creates it when missing.
      Building the default workflow's task before the content types are reloaded, with a
      cold content-type cache, made that row under a new id, and the reload then failed on
      its unique name. So the content types go in first, and the cache is emptied of the
      ids the flush removed.
    """
    import json

    from django.contrib.contenttypes.models import ContentType
    from django.core import serializers
    from django.core.management import call_command
    from django.db.backends.base.creation import BaseDatabaseCreation

    reload = BaseDatabaseCreation.deserialize_db_from_string
    if getattr(reload, "content_types_first", False):
        return

    def deserialize_db_from_string(self, data):
        alias = self.connection.alias
        call_command(
            "flush",
            database=alias,
            interactive=False,
            verbosity=0,
            reset_sequences=False,  # the reloaded rows keep their ids; new ones follow them
            inhibit_post_migrate=True,
        )
        content_types = [
            row for row in json.loads(data) if row["model"] == "contenttypes.contenttype"
        ]
        for row in serializers.deserialize("python", content_types, using=alias):
            row.save(using=alias)
        ContentType.objects.clear_cache()
        return reload(self, data)

    deserialize_db_from_string.content_types_first = True
    BaseDatabaseCreation.deserialize_db_from_string = deserialize_db_from_string


@pytest.fixture(scope="session", autouse=True)
def _renditions_encoded_once_per_input():
    """Each rendition file is encoded once per test process for the same input.

    Fixtures make the same images again and again (one colour, one size, under many
    names), and saving an image makes its ~20 renditions (``blog.images``): encoding them
    was most of many tests' set-up. The encoder is deterministic, so the file made for the
    same original bytes, filter and focal point is reused, byte for byte, under the name
    Wagtail gives it for this image (``<name, cut to fit>.<filter and format>``).
    Everything around the encoding (which renditions exist, their rows and files, the
    queries) runs as it does in production; servers and commands that tests start encode
    for real.
    """
    import hashlib
    import os
    from io import BytesIO

    from django.core.files import File
    from wagtail.images.models import AbstractImage

    generate = AbstractImage.generate_rendition_file
    encoded: dict[tuple, tuple[bytes, str]] = {}

    def generate_once(self, filter, *, source=None):
        # Only the original's bytes in memory are keyed: Wagtail's ``create_renditions``
        # passes them as a ``File`` around a ``BytesIO``.
        in_memory = getattr(source, "file", source)
        if not hasattr(in_memory, "getvalue"):
            return generate(self, filter, source=source)
        stem = os.path.splitext(os.path.basename(self.file.name))[0]
        original = hashlib.sha256(in_memory.getvalue()).digest()
        # A stem with a dot would blur where Wagtail's extension starts: key on the name.
        named = self.file.name if "." in stem else ""
        key = (original, named, filter.spec, filter.get_cache_key(self))
        if key not in encoded:
            made = generate(self, filter, source=source)
            made.seek(0)
            encoded[key] = (made.read(), made.name)
        data, name = encoded[key]
        if not named:  # the name Wagtail gives it for this image
            extension = name.split(".", 1)[1]
            name = f"{stem[: 59 - len(extension)]}.{extension}"
        return File(BytesIO(data), name=name)

    AbstractImage.generate_rendition_file = generate_once
    yield
    AbstractImage.generate_rendition_file = generate


def pytest_xdist_setupnodes(config, specs):
    """Before the workers start, the controller migrates one PostgreSQL database for them
    all: each worker's test database is then a copy (``CREATE DATABASE ... TEMPLATE``,
    under a second), where each migrating its own cost about 10 s of CPU per worker. The
    worker still runs ``migrate`` on its copy, which finds nothing to apply."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    test = database.setdefault("TEST", {})
    name, template = database["NAME"], f"{test.get('NAME') or 'test_' + database['NAME']}_template"
    connection = connections["default"]
    test_name = test.get("NAME")
    test["NAME"] = template
    try:
        with config.stash[blocking_manager_key].unblock():
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    finally:
        connection.close()
        test["NAME"] = test_name
        database["NAME"] = connection.settings_dict["NAME"] = name
    config.stash[_TEMPLATE_KEY] = template


def pytest_configure_node(node):
    run_shared.run_directory_hand_over(node)
    template = node.config.stash.get(_TEMPLATE_KEY, None)
    if template:
        node.workerinput["database_template"] = template


def pytest_sessionfinish(session):
    template = session.config.stash.get(_TEMPLATE_KEY, None)
    if template:
        postgres_database_drop(name=template)


_TEMPLATE_KEY = pytest.StashKey[str]()


@pytest.fixture(scope="session")
def django_db_modify_db_settings_xdist_suffix(request):
    """Each pytest-xdist worker's own test database: ``test_<name>_gw0``...

    pytest-django's own version recognises SQLite by Django's engine path only; behind
    django-prometheus's wrapper it takes the SQLite file path for a database name and
    fails. SQLite's test database lives in each worker's memory and needs no suffix.
    """
    workerinput = getattr(request.config, "workerinput", {})
    worker = workerinput.get("workerid")
    if not worker:
        return
    for database in settings.DATABASES.values():
        test = database.setdefault("TEST", {})
        if database["ENGINE"].endswith("sqlite3") or test.get("MIRROR"):
            continue
        test["NAME"] = f"{test.get('NAME') or 'test_' + database['NAME']}_{worker}"
        if workerinput.get("database_template"):
            test["TEMPLATE"] = workerinput["database_template"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's test databases, dropped at the end without the warning "database ...
    is being accessed by other users": a server the worker's last test stopped may still
    hold a session on its test database for a moment."""
    yield
    for database in settings.DATABASES.values():
        test = database.get("TEST", {})
        if database["ENGINE"].endswith("postgresql") and not test.get("MIRROR"):
            postgres_sessions_end(name=database["NAME"])


def _caches_reachable() -> None:
    """Close every circuit breaker of this process and forget pending token replacements:
    a test that made Redis fail (or hang) leaves the breakers open for their cool-down, and
    the next test in the same pytest-xdist worker would read nothing from the cache."""
    cache_store.breaker.reset()
    redis_breakers_reset()
    tokens_pending_discard()


@pytest.fixture(autouse=True)
def _clear_cache():
    _caches_reachable()
    caches_empty()
    # The table of blocked networks is empty at the start of every test; say so in the
    # cache, as a warm production cache would, so no request counts the lookup.
    blocked_networks_cache_prime(cidrs=())
    # Redis knows the change epoch once anything changed or was computed; a value no
    # database holds, so no response a test computes can answer for another.
    epoch_prime(value="none")
    yield
    caches_empty()
    _caches_reachable()


@pytest.fixture(autouse=True)
def _migrated_rows(request):
    """Every test that uses the database finds what the migrations created: after a
    transactional test's flush, the next plain test restores them (``tests/databases.py``)
    outside its own transaction."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    if transactional:
        # Asking for the database here would reorder the test's own teardown.
        yield
        database_flushed()
        return
    if marker is None and "db" not in request.fixturenames:
        yield
        return
    with request.getfixturevalue("django_db_blocker").unblock():
        migrated_rows_ensure()
    request.getfixturevalue("db")
    wagtail_roots_ensure()
    yield


@pytest.fixture(autouse=True)
def _environment_kept():
    """Whatever a test sets in os.environ (running gunicorn's config file in-process sets
    PROMETHEUS_MULTIPROC_DIR, then its directory is removed) never reaches the servers and
    commands later tests start."""
    before = dict(os.environ)
    yield
    if os.environ != before:
        os.environ.clear()
        os.environ.update(before)


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
        return post_make(
            blog_index=blog_index,
            author=author,
            category=fields.pop("category", category),
            **fields,
        )

    return _make

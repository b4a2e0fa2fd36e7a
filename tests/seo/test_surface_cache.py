"""The surfaces are cached, refreshed once a publish, unpublish, move or delete commits,
and keep answering from the database when the cache is down."""

import feedparser
import pytest
from wagtail.models import Page

from blog.models import Category
from cachetags import store
from loadtests.servers import port_free

SURFACES = ("/feeds/rss/", "/feeds/atom/", "/sitemap.xml", "/robots.txt")


def _titles(client, path="/feeds/rss/") -> list[str]:
    return [entry.title for entry in feedparser.parse(client.get(path).content).entries]


@pytest.mark.parametrize("path", SURFACES)
def test_a_warm_surface_is_served_without_the_database(
    client, make_post, django_assert_num_queries, path
):
    make_post()
    first = client.get(path)
    with django_assert_num_queries(0):
        second = client.get(path)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Cache-Control"] == "public, max-age=300"
    assert second["Cache-Tag"] == "all,ep:pages"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run on-commit hooks at the end of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_publishing_refreshes_the_feeds_once_it_commits(client, make_post, committed):
    with committed():
        make_post(title="First", slug="first")
    assert _titles(client) == ["First"]
    with committed():
        make_post(title="Second", slug="second")
        # Until the commit, readers keep the surface that matches the committed rows.
        assert _titles(client) == ["First"]
    assert _titles(client) == ["Second", "First"]


def test_unpublishing_and_deleting_refresh_the_feeds(client, make_post, committed):
    with committed():
        first = make_post(title="First", slug="first")
        second = make_post(title="Second", slug="second")
    assert _titles(client) == ["Second", "First"]
    with committed():
        second.unpublish()
    assert _titles(client) == ["First"]
    with committed():
        Page.objects.get(pk=first.pk).delete()
    assert _titles(client) == []


def test_moving_a_page_refreshes_the_sitemap(client, make_post, site_tree, committed):
    _home, index = site_tree
    with committed():
        post = make_post(slug="wanderer")
    assert "/blog/wanderer/" in client.get("/sitemap.xml").content.decode()
    with committed():
        other = index.add_sibling(instance=type(index)(title="News", slug="news"))
        post.move(other, pos="last-child")
    body = client.get("/sitemap.xml").content.decode()
    assert "/news/wanderer/" in body
    assert "/blog/wanderer/" not in body


def test_renaming_a_category_refreshes_its_feed(client, make_post, category, committed):
    with committed():
        make_post()
    assert "Engineering" in client.get("/feeds/category/engineering/rss/").content.decode()
    Category.objects.filter(pk=category.pk).update(name="Platform")  # no signal: still cached
    assert "Engineering" in client.get("/feeds/category/engineering/rss/").content.decode()
    category.refresh_from_db()
    with committed():
        category.save()  # an edit in the admin sends post_save
    assert "Platform" in client.get("/feeds/category/engineering/rss/").content.decode()


def test_a_rolled_back_change_leaves_the_surfaces_as_they_were(client, make_post, committed):
    from django.db import transaction

    with committed():
        make_post(title="Kept", slug="kept")
    assert _titles(client) == ["Kept"]

    class Rollback(Exception):
        pass

    try:
        with committed(), transaction.atomic():
            make_post(title="Never published", slug="never")
            raise Rollback
    except Rollback:
        pass
    assert _titles(client) == ["Kept"]


def test_query_string_noise_is_served_from_the_same_entry(
    client, make_post, django_assert_num_queries
):
    make_post()
    warm = client.get("/feeds/rss/")
    with django_assert_num_queries(0):
        for noise in ("?utm_source=newsletter", "?p=2", "?p=abc"):
            assert client.get(f"/feeds/rss/{noise}").content == warm.content


def test_sitemap_page_numbers_are_normalised_and_bad_ones_never_cached(
    client, make_post, django_assert_num_queries
):
    make_post()
    warm = client.get("/sitemap.xml")
    with django_assert_num_queries(0):
        assert client.get("/sitemap.xml?p=1").content == warm.content
        assert client.get("/sitemap.xml?p=001").content == warm.content
    for _ in range(2):
        assert client.get("/sitemap.xml?p=abc").status_code == 400


def test_surfaces_answer_from_the_database_when_redis_is_down(client, make_post, settings):
    make_post(title="Still here")
    dead = port_free()  # nothing listens there
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{dead}/0",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.1,
                "SOCKET_TIMEOUT": 0.1,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    settings.CACHES["api"] = settings.CACHES["default"]
    settings.DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    store.breaker.reset()
    for path in SURFACES:
        assert client.get(path).status_code == 200, path
    assert _titles(client) == ["Still here"]


@pytest.mark.parametrize("path", SURFACES)
def test_head_is_answered_like_get_without_a_body(client, make_post, path):
    make_post()
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]

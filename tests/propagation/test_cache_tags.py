"""Every change path names the right cache tags: each cached response that depends on the
change carries (in its ``Cache-Tag`` header) a tag that the change's ``cache.invalidated``
event names, and it is a miss with the new content afterwards."""

import re

import pytest
from wagtail.models import Page

from cachetags.vocabulary import (
    HEADER_TAGS_MAX,
    TAG_LENGTH_MAX,
    tag_object,
    tags_for_api_path,
    tags_header_value,
)


@pytest.fixture(autouse=True)
def _no_re_warming(settings):
    """A changed response must be a miss here; re-warming would render it at once
    (tests/propagation/test_rewarm.py)."""
    settings.API_REWARM_ENABLED = False


def tags_of(response) -> set[str]:
    return set(response["Cache-Tag"].split(","))


def invalidated(receiver) -> set[str]:
    return {tag for event in receiver.events("cache.invalidated") for tag in event["data"]["tags"]}


@pytest.fixture
def warm(client):
    """GET each path twice (the second a hit) and return the responses' tags."""

    def _warm(*paths: str) -> dict[str, set[str]]:
        tags = {}
        for path in paths:
            client.get(path)
            response = client.get(path)
            assert response.status_code == 200, path
            assert response["X-Cache" if path.startswith("/api/") else "Cache-Tag"], path
            tags[path] = tags_of(response)
        return tags

    return _warm


def assert_reached(*, client, receiver, tags: dict[str, set[str]], changed: str) -> None:
    names = invalidated(receiver)
    for path, response_tags in tags.items():
        assert response_tags & names, f"{path} ({response_tags}) missed by {names}"
        response = client.get(path)
        if path.startswith("/api/"):
            assert response["X-Cache"] == "miss", path
    assert changed in client.get(next(iter(tags))).content.decode()


def test_the_header_names_the_tags_of_a_listing_and_a_detail(client, make_post):
    post = make_post()
    listing = client.get("/api/v2/pages/?type=blog.BlogPostPage")
    detail = client.get(f"/api/v2/pages/{post.pk}/")
    assert listing["Cache-Tag"] == "all,ep:pages"
    assert detail["Cache-Tag"] == f"all,ep:pages:{post.pk}"
    assert client.get(f"/api/v2/pages/{post.pk}/")["Cache-Tag"] == detail["Cache-Tag"]  # hit


def test_surrogate_key_is_space_separated(client, make_post, settings):
    settings.CACHE_TAG_HEADER = "Surrogate-Key"
    post = make_post()
    assert client.get(f"/api/v2/pages/{post.pk}/")["Surrogate-Key"] == f"all ep:pages:{post.pk}"


def test_an_odd_path_segment_becomes_a_short_safe_tag_the_same_everywhere():
    odd = "ünïcode, with\r\nnewlines and " + "x" * 300
    _endpoint, tags = tags_for_api_path(path=f"/api/v2/authors/{odd}/", prefix="/api/v2/")
    assert tags[1] == tag_object(endpoint="authors", key=odd)
    assert tags[1].startswith("ep:authors:h") and len(tags[1]) <= TAG_LENGTH_MAX
    assert all(re.fullmatch(r"[A-Za-z0-9:._~-]+", tag) for tag in tags)


def test_a_header_keeps_the_broad_tags_when_there_are_too_many():
    many = [f"ep:pages:{n}" for n in range(100)] + ["all", "ep:pages"]
    value = tags_header_value(tags=many).split(",")
    assert len(value) == HEADER_TAGS_MAX
    assert value[:2] == ["all", "ep:pages"]


def test_publishing_reaches_the_listing_the_detail_and_the_sitemap(
    client, subscribed, make_post, committed, warm
):
    post = make_post(title="Before")
    tags = warm(
        f"/api/v2/pages/{post.pk}/",
        "/api/v2/pages/?type=blog.BlogPostPage",
        "/sitemap.xml",
        "/feeds/rss/",
    )
    with committed():
        post.title = "After publish"
        post.save_revision().publish()
    assert_reached(client=client, receiver=subscribed, tags=tags, changed="After publish")


def test_unpublishing_reaches_the_listing_and_the_detail(
    client, subscribed, make_post, committed, warm
):
    keep = make_post(title="Kept", slug="kept")
    gone = make_post(title="Going", slug="going")
    tags = warm(f"/api/v2/pages/{gone.pk}/", "/api/v2/pages/?type=blog.BlogPostPage")
    with committed():
        gone.unpublish()
    names = invalidated(subscribed)
    assert all(t & names for t in tags.values())
    assert client.get(f"/api/v2/pages/{gone.pk}/").status_code == 404
    titles = [
        i["title"] for i in client.get("/api/v2/pages/?type=blog.BlogPostPage").json()["items"]
    ]
    assert titles == [keep.title]


def test_moving_reaches_the_page_and_its_old_listing(
    client, subscribed, make_post, committed, warm, site_tree
):
    _home, index = site_tree
    post = make_post(title="Wanderer", slug="wanderer")
    tags = warm(f"/api/v2/pages/{post.pk}/", "/sitemap.xml")
    with committed():
        other = index.add_sibling(instance=type(index)(title="News", slug="news"))
        post.refresh_from_db()
        post.move(other, pos="last-child")
    assert_reached(client=client, receiver=subscribed, tags=tags, changed="/news/wanderer/")


def test_deleting_reaches_the_detail_and_the_listing(
    client, subscribed, make_post, committed, warm
):
    post = make_post(title="Doomed", slug="doomed")
    tags = warm(f"/api/v2/pages/{post.pk}/", "/api/v2/pages/?type=blog.BlogPostPage")
    with committed():
        Page.objects.get(pk=post.pk).delete()
    names = invalidated(subscribed)
    assert all(t & names for t in tags.values())
    assert client.get(f"/api/v2/pages/{post.pk}/").status_code == 404


def test_an_author_change_reaches_its_posts_and_its_own_detail(
    client, subscribed, make_post, author, committed, warm
):
    post = make_post(title="Bylined")
    tags = warm(f"/api/v2/pages/{post.pk}/", "/api/v2/pages/?type=blog.BlogPostPage")
    with committed():
        author.name = "Ada King"
        author.save()
    assert_reached(client=client, receiver=subscribed, tags=tags, changed="Ada King")


def test_a_category_change_reaches_its_posts_and_feeds(
    client, subscribed, make_post, category, committed, warm
):
    post = make_post(title="Categorised")
    tags = warm(f"/api/v2/pages/{post.pk}/", "/feeds/rss/")
    with committed():
        category.name = "Platform"
        category.save()
    assert_reached(client=client, receiver=subscribed, tags=tags, changed="Platform")

"""RSS 2.0 and Atom feeds, read back with a real feed parser (feedparser)."""

from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from wagtail.models import PageViewRestriction

from blog.models import Category
from cachetags.commit import tags_invalidate_now
from tests.paths import FRONTEND

START = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


def _feed(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, response.content
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


@pytest.fixture
def three_posts(make_post):
    return [
        make_post(
            title=f"Post {n}",
            slug=f"post-{n}",
            publication_date=START + timedelta(days=n),
            tags=("python", f"only-{n}"),
        )
        for n in range(3)
    ]


def test_rss_lists_latest_posts_with_frontend_links(client, three_posts):
    response, feed = _feed(client, "/feeds/rss/")
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert feed.version == "rss20"
    assert feed.feed.title == "Demo blog"
    assert feed.feed.link == f"{FRONTEND}/"
    assert [entry.title for entry in feed.entries] == ["Post 2", "Post 1", "Post 0"]
    newest = feed.entries[0]
    assert newest.link == f"{FRONTEND}/blog/post-2/"
    assert newest.id == f"{FRONTEND}/blog/post-2/"
    assert newest.summary == "An introduction."
    assert newest.author == "Ada Lovelace"
    assert datetime(*newest.published_parsed[:6], tzinfo=UTC) == START + timedelta(days=2)
    assert {tag.term for tag in newest.tags} == {"Engineering", "python", "only-2"}
    assert "testserver" not in response.content.decode(), "never the API host"


def test_atom_lists_the_same_posts(client, three_posts):
    response, feed = _feed(client, "/feeds/atom/")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["Post 2", "Post 1", "Post 0"]
    assert feed.entries[0].link == f"{FRONTEND}/blog/post-2/"
    assert feed.entries[0].author_detail.href == f"{FRONTEND}/authors/ada-lovelace/"
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == [f"{FRONTEND}/feeds/atom/"]


def test_titles_with_markup_characters_are_escaped_once(client, make_post):
    make_post(title="Fish & chips <fast>", slug="fish")
    for path in ("/feeds/rss/", "/feeds/atom/"):
        _, feed = _feed(client, path)
        assert feed.entries[0].title == "Fish & chips <fast>"


def test_seo_title_and_description_are_used(client, make_post):
    make_post(title="Plain", seo_title="Marketing title", search_description="Marketing text.")
    _, feed = _feed(client, "/feeds/rss/")
    assert feed.entries[0].title == "Marketing title"
    assert feed.entries[0].summary == "Marketing text."


def test_drafts_unpublished_and_private_posts_are_left_out(client, make_post):
    make_post(title="Public", slug="public")
    make_post(title="Draft", slug="draft", live=False)
    make_post(title="Withdrawn", slug="withdrawn").unpublish()
    private = make_post(title="Private", slug="private")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    _, feed = _feed(client, "/feeds/rss/")
    assert [entry.title for entry in feed.entries] == ["Public"]


def test_feed_length_follows_seo_feed_items(client, three_posts, settings):
    settings.SEO_FEED_ITEMS = 2
    _, feed = _feed(client, "/feeds/rss/")
    assert [entry.title for entry in feed.entries] == ["Post 2", "Post 1"]


def test_category_feed_holds_only_that_category(client, make_post, three_posts):
    design = Category.objects.create(name="Design", description="Interfaces and type.")
    other = make_post(title="Designed", slug="designed")
    other.categories = [design]
    other.save_revision().publish()
    for path in ("/feeds/category/design/rss/", "/feeds/category/design/atom/"):
        _, feed = _feed(client, path)
        assert [entry.title for entry in feed.entries] == ["Designed"]
        assert feed.feed.title == "Demo blog: Design"
        assert feed.feed.link == f"{FRONTEND}/categories/design/"
        assert feed.feed.get("subtitle", feed.feed.get("description")) == "Interfaces and type."


def test_tag_feed_holds_only_that_tag(client, three_posts):
    for path in ("/feeds/tag/only-1/rss/", "/feeds/tag/only-1/atom/"):
        _, feed = _feed(client, path)
        assert [entry.title for entry in feed.entries] == ["Post 1"]
        assert feed.feed.link == f"{FRONTEND}/tags/only-1/"
    _, feed = _feed(client, "/feeds/tag/python/rss/")
    assert len(feed.entries) == 3


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/feeds/category/nope/rss/", "No category with the slug 'nope'."),
        ("/feeds/tag/nope/atom/", "No tag with the slug 'nope'."),
    ],
)
def test_unknown_category_or_tag_is_a_404_with_a_message(client, site_tree, path, message):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"message": message}


def test_writing_to_a_feed_is_a_405_with_a_message(client, site_tree):
    response = client.post("/feeds/rss/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {"message": "Method POST is not allowed; use GET."}


def test_empty_blog_gives_a_valid_empty_feed(client, site_tree):
    _, feed = _feed(client, "/feeds/atom/")
    assert feed.entries == []


@pytest.mark.parametrize("posts", [2, 6])
def test_feed_query_count_does_not_grow_with_posts(
    client, make_post, django_assert_num_queries, posts
):
    for n in range(posts):
        make_post(title=f"Post {n}", slug=f"post-{n}")
    client.get("/feeds/rss/")  # warms Wagtail's cache of site root paths
    tags_invalidate_now(tags=["all"])  # so the next request renders afresh
    # site, view restrictions, site settings, posts, authors, categories, tags
    with django_assert_num_queries(7):
        response = client.get("/feeds/rss/")
    assert len(feedparser.parse(response.content).entries) == posts

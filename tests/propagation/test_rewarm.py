"""Re-warming: after a publish, the hottest responses it invalidated are rendered again by
the outbox (``propagation.tasks.cache_rewarm``, ``api.rewarm``), so the first reader of the
changed post and of the listings gets a cache hit.

Here the outbox runs the way the embedded default runs it (the immediate backend, once the
change has committed); ``tests/propagation/test_outbox_worker.py`` runs the same tasks in
the real ``db_worker``.
"""

import pytest

from api.rewarm import rewarm_hot, rewarm_urls
from cachetags.commit import tags_invalidate_now

LISTING = "/api/v2/pages/?type=blog.BlogPostPage"


@pytest.fixture
def two_posts(make_post):
    return make_post(title="Before the edit"), make_post(title="Read often")


def test_after_a_publish_the_first_reader_of_the_post_and_the_listing_gets_a_hit(
    client, two_posts, committed, django_assert_num_queries
):
    post, _ = two_posts
    assert client.get(LISTING)["X-Cache"] == "miss"  # readers made the listing hot
    post.title = "After the edit"
    with committed():
        post.save_revision().publish()
    with django_assert_num_queries(0):
        detail = client.get(f"/api/v2/pages/{post.pk}/")
        listing = client.get(LISTING)
    assert (detail.status_code, detail["X-Cache"]) == (200, "hit")
    assert detail.json()["title"] == "After the edit"
    assert listing["X-Cache"] == "hit"
    assert "After the edit" in [item["title"] for item in listing.json()["items"]]


def test_rendering_for_re_warming_does_not_make_a_url_hotter(client, two_posts, committed):
    post, _ = two_posts
    client.get(LISTING)
    assert dict(rewarm_hot(endpoint="pages")) == {"testserver": LISTING}
    for title in ("One", "Two"):
        post.title = title
        with committed():
            post.save_revision().publish()
    # Two publishes re-rendered the listing; only the reader's miss counted.
    assert rewarm_hot(endpoint="pages") == [("testserver", LISTING)]
    assert client.get(LISTING)["X-Cache"] == "hit"


def test_later_pages_of_a_listing_are_not_re_warmed(client, two_posts, committed):
    post, _ = two_posts
    client.get(LISTING + "&limit=1&offset=1")
    assert rewarm_hot(endpoint="pages") == []
    post.title = "Edited"
    with committed():
        post.save_revision().publish()
    assert client.get(LISTING + "&limit=1&offset=1")["X-Cache"] == "miss"


def test_the_changed_detail_comes_first_then_hot_listings_then_hot_details(
    client, two_posts, settings
):
    post, other = two_posts
    for _ in range(2):  # the listings miss twice: hotter than the detail
        client.get(LISTING)
        client.get(LISTING + "&search=nothing")
        tags_invalidate_now(tags=["ep:pages"])
    client.get(f"/api/v2/pages/{other.pk}/")
    tags = ["ep:pages", f"ep:pages:{post.pk}", f"ep:pages:{other.pk}"]
    urls = rewarm_urls(tags=tags, first=[f"ep:pages:{post.pk}"])
    assert urls[0] == ("testserver", f"/api/v2/pages/{post.pk}/")
    search = "/api/v2/pages/?search=nothing&type=blog.BlogPostPage"  # parameters sorted
    assert set(urls[1:3]) == {("testserver", LISTING), ("testserver", search)}
    assert urls[3:] == [("testserver", f"/api/v2/pages/{other.pk}/")]
    settings.API_REWARM_LISTINGS = 1
    settings.API_REWARM_DETAILS = 1
    assert len(rewarm_urls(tags=tags, first=[f"ep:pages:{post.pk}"])) == 2


def test_with_re_warming_off_the_first_reader_after_a_publish_misses(
    client, two_posts, committed, settings
):
    settings.API_REWARM_ENABLED = False
    post, _ = two_posts
    client.get(LISTING)
    post.title = "Cold"
    with committed():
        post.save_revision().publish()
    assert client.get(LISTING)["X-Cache"] == "miss"
    assert client.get(f"/api/v2/pages/{post.pk}/")["X-Cache"] == "miss"


def test_re_warming_in_process_leaves_the_callers_request_context_as_it_was(
    client, two_posts, committed
):
    """A re-warm render sends no ``request_finished`` (it would close the task's database
    connection), so it must not leave its request id behind for the log lines of the work
    that ran it: the task worker's next task, or the editor's own request."""
    from serving.request_id import request_context_current

    post, _ = two_posts
    client.get(LISTING)
    assert request_context_current() is None
    post.title = "Logged under nobody else's id"
    with committed():
        post.save_revision().publish()
    assert request_context_current() is None
    assert client.get(LISTING)["X-Cache"] == "hit"  # re-warming ran, in this process

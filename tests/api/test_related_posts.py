"""``related_posts``: picked first, then the newest sharing a category; never the post
itself, never a hidden post; bounded; three queries for any number of posts."""

from datetime import timedelta

from django.utils import timezone

from api.related import RELATED_POSTS_LIMIT
from blog.models import Category, RelatedPost
from tests.paths import API

POSTS = f"{API}/pages/"


def _dated(make_post, title, days_ago, **fields):
    post = make_post(title=title, **fields)
    post.publication_date = timezone.now() - timedelta(days=days_ago)
    post.save_revision().publish()
    return post


def test_picked_posts_come_first_then_the_newest_sharing_a_category(api, make_post, image):
    current = _dated(make_post, "Current", 10)
    old = _dated(make_post, "Old", 30)
    _dated(make_post, "Newer", 1, featured_image=image)
    _dated(make_post, "Newest", 0)
    other = Category.objects.create(name="Elsewhere")
    unrelated = _dated(make_post, "Unrelated", 0)
    unrelated.categories = [other]
    unrelated.save_revision().publish()
    RelatedPost.objects.create(post=current, page=old, sort_order=0)

    data = api.get(f"{POSTS}{current.pk}/").json()

    titles = [item["title"] for item in data["related_posts"]]
    assert titles == ["Old", "Newest", "Newer"]
    card = data["related_posts"][2]
    assert card["html_url"] == "https://www.example.com/blog/newer/"
    assert card["html_path"] == "/blog/newer/"
    assert card["featured_image"]["id"] == image.pk
    assert card["featured_image"]["srcset"]
    # A card's image: what the card renders, not the image's crops and original.
    assert set(card["featured_image"]) == {"id", "alt", "width", "height", "srcset", "placeholder"}
    assert data["related_posts"][0]["featured_image"] is None


def test_related_posts_are_bounded_and_skip_hidden_posts(api, make_post):
    current = _dated(make_post, "Current", 50)
    for number in range(RELATED_POSTS_LIMIT + 3):
        _dated(make_post, f"Sibling {number}", number)
    draft = make_post(title="Draft", live=False)
    RelatedPost.objects.create(post=current, page=draft, sort_order=0)

    related = api.get(f"{POSTS}{current.pk}/").json()["related_posts"]

    assert len(related) == RELATED_POSTS_LIMIT
    assert [item["title"] for item in related] == [f"Sibling {n}" for n in range(4)]
    assert all(item["id"] not in (current.pk, draft.pk) for item in related)


def test_listings_offer_related_posts_through_fields(api, make_post):
    first = _dated(make_post, "First", 2)
    second = _dated(make_post, "Second", 1)
    items = api.get(
        POSTS, {"type": "blog.BlogPostPage", "fields": "_,title,related_posts(title)"}
    ).json()["items"]
    by_title = {item["title"]: item["related_posts"] for item in items}
    assert by_title == {"First": [{"title": "Second"}], "Second": [{"title": "First"}]}
    assert first.pk != second.pk
    # Not part of the lean default card.
    assert "related_posts" not in api.get(POSTS, {"type": "blog.BlogPostPage"}).json()["items"][0]


def test_related_posts_cost_three_queries_for_any_number_of_posts(
    api, make_post, django_assert_num_queries
):
    params = {"type": "blog.BlogPostPage", "fields": "_,title,related_posts(title)"}
    counts = []
    for total in (2, 12):
        while len(api.get(POSTS, {"type": "blog.BlogPostPage"}).json()["items"]) < total:
            _dated(make_post, "Post", 3)
        api.get(POSTS, params)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            api.get(POSTS, params)
        counts.append(len(captured))
    assert counts[0] == counts[1]
    without = {"type": "blog.BlogPostPage", "fields": "_,title,categories"}
    api.get(POSTS, without)
    # picks, the newest per category, the suggested posts
    with django_assert_num_queries(counts[0] - 3):
        api.get(POSTS, without)

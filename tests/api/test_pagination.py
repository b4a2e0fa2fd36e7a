"""Listing ``meta``: total_count, page, pages, limit, and next/previous links that keep the
request's other parameters, on every listing endpoint (``api.pagination``)."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.paths import API

POSTS = f"{API}/pages/"
META_KEYS = {"total_count", "page", "pages", "limit", "next", "previous"}


def _get(api, url, params=None):
    response = api.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def _follow(api, url: str) -> dict:
    """GET an absolute ``next``/``previous`` link with the test client."""
    parts = urlsplit(url)
    return _get(api, parts.path, dict(parse_qsl(parts.query)))


def test_following_next_visits_every_post_once_and_previous_walks_back(api, blog, settings):
    first = _get(api, POSTS, {"type": "blog.BlogPostPage", "limit": 2, "fields": "title"})

    assert first["meta"]["page"] == 1 and first["meta"]["pages"] == 2
    assert first["meta"]["previous"] is None
    assert first["meta"]["next"].startswith(f"{settings.WAGTAILAPI_BASE_URL}{POSTS}?")
    second = _follow(api, first["meta"]["next"])
    assert second["meta"]["page"] == 2 and second["meta"]["next"] is None
    assert dict(parse_qsl(urlsplit(second["meta"]["previous"]).query)) == {
        "type": "blog.BlogPostPage",
        "limit": "2",
        "fields": "title",
    }
    ids = [item["id"] for listing in (first, second) for item in listing["items"]]
    assert sorted(ids) == sorted(post.pk for post in (blog["first"], blog["full"], blog["third"]))
    assert _follow(api, second["meta"]["previous"]) == first


def test_page_parameter_is_offset_in_pages_and_its_links_use_page(api, blog, settings):
    by_offset = _get(api, POSTS, {"type": "blog.BlogPostPage", "limit": 1, "offset": 1})
    by_page = _get(api, POSTS, {"type": "blog.BlogPostPage", "limit": 1, "page": 2})

    assert by_page["items"] == by_offset["items"]
    listing = f"{settings.WAGTAILAPI_BASE_URL}{POSTS}?type=blog.BlogPostPage&limit=1"
    assert by_page["meta"] == {
        "total_count": 3,
        "page": 2,
        "pages": 3,
        "limit": 1,
        "next": f"{listing}&page=3",
        "previous": listing,
    }


def test_a_page_between_pages_counts_from_its_first_item(api, blog):
    meta = _get(api, POSTS, {"type": "blog.BlogPostPage", "limit": 2, "offset": 1})["meta"]

    assert (meta["page"], meta["pages"]) == (1, 2)
    assert meta["previous"].endswith("limit=2")  # offset 0: the listing without offset
    assert meta["next"] is None  # 1 + 2 covers all three posts


def test_limit_zero_counts_only(api, blog):
    data = _get(api, POSTS, {"type": "blog.BlogPostPage", "limit": 0})

    assert data["items"] == []
    assert data["meta"] == {
        "total_count": 3,
        **{"page": 1, "pages": 1, "limit": 0, "next": None, "previous": None},
    }


def test_an_empty_listing_is_page_1_of_1(api, blog):
    meta = _get(api, POSTS, {"type": "blog.BlogPostPage", "tag": "nothing-has-this"})["meta"]

    assert meta == {
        "total_count": 0,
        **{"page": 1, "pages": 1, "limit": 20, "next": None, "previous": None},
    }


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (POSTS, {}),
        (POSTS, {"search": "post"}),
        (f"{API}/images/", {}),
        (f"{API}/documents/", {}),
        (f"{API}/authors/", {}),
        (f"{API}/categories/", {}),
        (f"{API}/tags/", {}),
        (f"{API}/redirects/", {}),
    ],
)
def test_every_listing_has_the_pagination_meta(api, blog, image, document, url, params):
    meta = _get(api, url, {**params, "limit": 1})["meta"]

    assert set(meta) == META_KEYS
    assert meta["limit"] == 1 and meta["page"] == 1 and meta["previous"] is None
    assert meta["pages"] == max(1, meta["total_count"])
    assert (meta["next"] is None) == (meta["total_count"] <= 1)
    if meta["next"]:
        assert _follow(api, meta["next"])["meta"]["page"] == 2


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "2", "offset": "1"}, "page: give page or offset, not both"),
        ({"page": "0"}, "page must be an integer from 1 to 1000001"),
        ({"page": "x"}, "page must be an integer from 1 to 1000001"),
        (
            {"page": "20002", "limit": "100"},
            "page: (page - 1) * limit cannot be higher than 1000000",
        ),
    ],
)
def test_bad_page_is_400_naming_it(api, site_tree, params, message):
    response = api.get(POSTS, params)

    assert response.status_code == 400
    assert response.json() == {"message": message}

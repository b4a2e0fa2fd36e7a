"""Exact SQL query counts: constant whatever the page size (no N+1 anywhere).

Each test warms the response once (renditions are generated on first use, and Wagtail
caches site root paths), then pins the count of the second, identical request.
"""

import pytest

from tests.factories import rich_body
from tests.paths import API

POSTS = f"{API}/pages/"

# With the response cache off (as here) nothing derived is kept either: site, hidden
# sections, count, ids, posts, authors, categories, tags, SEO settings, site settings,
# ancestors (breadcrumbs), images, renditions, and related posts (picks, the newest per
# category, the suggested posts). (tests/perf/test_fragments.py pins what a
# response-cache miss costs with Redis.)
LISTING_ALL_FIELDS = 16
# ...plus linked pages, documents and stored embeds when bodies refer to them
LISTING_WITH_REFERENCES = LISTING_ALL_FIELDS + 3


@pytest.fixture
def many_posts(blog, make_post, image, document, stored_embed):
    def make(count: int):
        for number in range(count):
            make_post(
                title=f"Bulk {number}",
                featured_image=image,
                tags=("python", f"bulk-{number}"),
                body=rich_body(
                    image=image,
                    link_page_id=blog["first"].pk,
                    document_id=document.pk,
                    embed_url=stored_embed.url,
                    cta_page_id=blog["third"].pk,
                ),
            )

    return make


def _warm_then_count(api, django_assert_num_queries, url, params, expected):
    first = api.get(url, params)
    assert first.status_code in (200, 302), first.content
    with django_assert_num_queries(expected):
        response = api.get(url, params)
    assert response.content == first.content
    return response


def test_listing_and_search_cost_the_same_for_1_and_20_posts(
    api, django_assert_num_queries, many_posts
):
    full = {"type": "blog.BlogPostPage", "fields": "*", "limit": 20, "tag": "python"}
    default = {"type": "blog.BlogPostPage", "limit": 20, "tag": "python"}
    search = {"search": "bulk", "type": "blog.BlogPostPage", "fields": "*", "limit": 20}

    for count in (1, 20):
        many_posts(count if count == 1 else count - 1)
        response = _warm_then_count(
            api, django_assert_num_queries, POSTS, full, LISTING_WITH_REFERENCES
        )
        assert len(response.json()["items"]) == min(count + 2, 20)  # and two python posts
        # site, hidden, count, ids, posts, authors, categories, tags, images, renditions
        _warm_then_count(api, django_assert_num_queries, POSTS, default, 10)
        # the full listing's, with one ranking query (its length is the count) in place of
        # the count and the ids
        response = _warm_then_count(
            api, django_assert_num_queries, POSTS, search, LISTING_WITH_REFERENCES - 1
        )
        assert len(response.json()["items"]) == count


def test_listing_without_references_skips_their_queries(api, django_assert_num_queries, blog):
    params = {"type": "blog.BlogPostPage", "fields": "*", "tag": "django"}

    _warm_then_count(api, django_assert_num_queries, POSTS, params, LISTING_ALL_FIELDS)


def test_listing_of_plain_pages(api, django_assert_num_queries, blog):
    # site, hidden, count, ids, pages (locale joined)
    _warm_then_count(api, django_assert_num_queries, POSTS, {}, 5)


def test_detail(api, django_assert_num_queries, blog):
    # site, hidden, page type, page (with its locale), authors, categories, tags, SEO
    # settings, site settings, ancestors (breadcrumbs and parent), linked pages, documents,
    # images, renditions, embeds, related posts (picks, the newest per category, the posts)
    _warm_then_count(api, django_assert_num_queries, f"{POSTS}{blog['full'].pk}/", {}, 18)


def test_find(api, django_assert_num_queries, blog):
    # site, hidden, page by url_path
    _warm_then_count(
        api, django_assert_num_queries, f"{POSTS}find/", {"html_path": "/blog/full-post/"}, 3
    )

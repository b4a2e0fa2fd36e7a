"""Listing items stored per page (``api.fragments``): reused after a publish, never stale."""

import pytest

from api import caching
from blog.models import Author
from tests.caches import uncached_content

LIST = "/api/v2/pages/?type=blog.BlogPostPage&fields=*"


def test_a_listing_invalidated_by_a_publish_reads_unchanged_posts_without_rendering(
    client, posts, settings, django_assert_num_queries
):
    first = client.get(LIST)
    assert first["X-Cache"] == "miss"
    caching.api_cache_tags_invalidate(tags=["ep:pages"])  # what any publish does to listings
    # site, hidden sections and the count (both kept until the next change), ids, rows:
    # no prefetch, no rendering
    with django_assert_num_queries(5):
        again = client.get(LIST)
    assert again["X-Cache"] == "miss"
    assert again.content == first.content == uncached_content(client, settings, LIST)


def test_a_response_cache_miss_costs_seven_queries(
    client, blog_index, make_post, image, django_assert_num_queries
):
    """Another page of a listing already read: the site, the count, the hidden sections,
    the SEO settings, the image and the category's newest posts are kept (``api.kept``);
    the posts on this page are new to the cache."""
    for number in range(4):
        make_post(title=f"Post {number}", featured_image=image, tags=("python", f"t{number}"))
    client.get(f"{LIST}&limit=2&offset=0")
    # ids, posts, authors, categories, tags, ancestors, and the editors' picks for
    # related_posts, whatever the page length.
    with django_assert_num_queries(7):
        response = client.get(f"{LIST}&limit=2&offset=2")
    assert response["X-Cache"] == "miss"
    assert [item["title"] for item in response.json()["items"]] == ["Post 1", "Post 0"]


def test_a_detail_miss_after_another_detail_costs_seven_queries(
    client, blog_index, make_post, image, django_assert_num_queries
):
    """The image and the category's newest posts were kept by the first detail."""
    posts = [make_post(title=f"Post {n}", featured_image=image) for n in range(2)]
    client.get(f"/api/v2/pages/{posts[0].pk}/")
    # page type, page, authors, categories, tags, ancestors, related_posts' picks
    with django_assert_num_queries(7):
        response = client.get(f"/api/v2/pages/{posts[1].pk}/")
    assert response["X-Cache"] == "miss"
    assert response.json()["title"] == "Post 1"


def test_a_detail_miss_sharing_nothing_kept_costs_eleven_queries(
    client, blog_index, make_post, image, django_assert_num_queries
):
    from blog.models import Category
    from tests.factories import image_make

    first = make_post(title="Post 0", featured_image=image)
    other = image_make(title="Other", color=(9, 9, 9), image_format="JPEG", file_name="o.jpg")
    second = make_post(
        title="Post 1", featured_image=other, category=Category.objects.create(name="Other")
    )
    client.get(f"/api/v2/pages/{first.pk}/")
    # the seven above, plus images and renditions, the category's newest posts and those
    # posts (then kept)
    with django_assert_num_queries(11):
        response = client.get(f"/api/v2/pages/{second.pk}/")
    assert response["X-Cache"] == "miss"


def test_a_new_post_is_rendered_and_the_others_are_reused(
    client, posts, make_post, committed, settings
):
    client.get(LIST)
    with committed():
        make_post(title="Fourth post", tags=("python",))
    listing = client.get(LIST)
    assert listing["X-Cache"] == "miss"
    assert listing.json()["items"][0]["title"] == "Fourth post"
    assert listing.content == uncached_content(client, settings, LIST)


def test_an_edited_post_is_never_served_from_its_old_item(client, posts, committed, settings):
    client.get(LIST)
    post = posts[1]
    post.title = "Second post, revised"
    post.intro = "A new introduction."
    with committed():
        post.save_revision().publish()
    item = next(i for i in client.get(LIST).json()["items"] if i["id"] == post.pk)
    assert item["title"] == "Second post, revised"
    assert item["intro"] == "A new introduction."
    assert client.get(LIST).content == uncached_content(client, settings, LIST)


def test_an_author_edit_reaches_every_listing_item_that_shows_the_author(
    client, posts, committed, settings
):
    client.get(LIST)
    author = Author.objects.get()
    author.name = "Renamed Author"
    with committed():
        author.save()
    items = client.get(LIST).json()["items"]
    assert {a["name"] for item in items for a in item["authors"]} == {"Renamed Author"}
    assert client.get(LIST).content == uncached_content(client, settings, LIST)


@pytest.mark.parametrize("fields", ["title", "authors(name)", "*"])
def test_each_field_selection_has_its_own_items(client, posts, settings, fields):
    client.get(f"{LIST}")
    caching.api_cache_tags_invalidate(tags=["ep:pages"])
    url = f"/api/v2/pages/?type=blog.BlogPostPage&fields={fields}"
    assert client.get(url).content == uncached_content(client, settings, url)


def test_the_assembled_listing_is_byte_for_byte_what_drf_renders(client, posts):
    from rest_framework.renderers import JSONRenderer

    for url in (LIST, "/api/v2/pages/", f"{LIST}&search=post"):
        response = client.get(url)
        assert response["Content-Type"] == "application/json"
        assert JSONRenderer().render(response.json(), renderer_context={"indent": None}) == (
            response.content
        )


def test_paging_through_a_search_ranks_the_matches_once(client, posts, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    search = "/api/v2/pages/?type=blog.BlogPostPage&search=post&limit=1"
    first = client.get(f"{search}&offset=0").json()
    assert first["meta"]["total_count"] == 3
    with CaptureQueriesContext(connection) as queries:
        second = client.get(f"{search}&offset=1")
    assert second["X-Cache"] == "miss"
    assert not [q["sql"] for q in queries.captured_queries if "wagtailsearch" in q["sql"]]
    assert second.content == uncached_content(client, settings, f"{search}&offset=1")
    assert second.json()["meta"]["total_count"] == 3
    assert second.json()["items"][0]["id"] != first["items"][0]["id"]


def test_a_publish_reranks_searches(client, posts, make_post, committed):
    search = "/api/v2/pages/?type=blog.BlogPostPage&search=post"
    assert client.get(search).json()["meta"]["total_count"] == 3
    with committed():
        make_post(title="Fourth post", tags=("python",))
    assert client.get(f"{search}&limit=2").json()["meta"]["total_count"] == 4


def test_another_site_over_the_same_pages_has_its_own_items(client, posts, settings):
    from wagtail.models import Site

    default = Site.objects.get(is_default_site=True)
    Site.objects.create(
        hostname="other.example", port=80, root_page=default.root_page, site_name="Other"
    )
    client.get(f"{LIST}")
    caching.api_cache_tags_invalidate(tags=["ep:pages"])
    url = f"{LIST}&site=other.example"
    response = client.get(url)
    assert response.content == uncached_content(client, settings, url)
    assert response.content != client.get(LIST).content


def test_an_avatar_change_reaches_the_bylines_of_the_authors_posts(
    client, posts, image, committed, settings
):
    author = Author.objects.get()
    author.avatar = image
    with committed():
        author.save()
    bylines = f"{LIST},authors(*)"  # cards carry the short author form unless asked
    client.get(bylines)
    client.get(f"/api/v2/pages/{posts[0].pk}/")
    image.title = "A new portrait"
    with committed():
        image.save()
    items = client.get(bylines).json()["items"]
    assert {a["avatar"]["title"] for item in items for a in item["authors"]} == {"A new portrait"}
    detail = client.get(f"/api/v2/pages/{posts[0].pk}/").json()
    assert detail["authors"][0]["avatar"]["title"] == "A new portrait"
    assert client.get(LIST).content == uncached_content(client, settings, LIST)


def test_a_change_to_the_sites_default_social_image_reaches_every_seo_object(
    client, posts, image, committed, settings
):
    from wagtail.models import Site
    from wagtailseo.models import SeoSettings

    seo = SeoSettings.for_site(Site.objects.get(is_default_site=True))
    seo.struct_org_logo = image
    with committed():
        seo.save()
    url = f"/api/v2/pages/{posts[0].pk}/"
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"
    client.get(LIST)
    image.title = "Renamed logo"
    with committed():
        image.save()
    assert client.get(url)["X-Cache"] == "miss"  # the post shows the logo only through SEO
    assert client.get(LIST).content == uncached_content(client, settings, LIST)


def test_a_search_with_more_matches_than_kept_pages_like_wagtail(
    client, posts, settings, monkeypatch
):
    from api import pagination

    monkeypatch.setattr(pagination, "SEARCH_IDS_MAX", 2)  # the three posts are "too many"
    search = "/api/v2/pages/?type=blog.BlogPostPage&search=post&limit=1"
    for offset in (1, 2):  # ranked and kept as "too many", then that verdict read back
        url = f"{search}&offset={offset}"
        response = client.get(url)
        assert response["X-Cache"] == "miss"
        assert response.json()["meta"]["total_count"] == 3
        assert response.content == uncached_content(client, settings, url)

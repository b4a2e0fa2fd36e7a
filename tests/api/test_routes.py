"""``/api/v2/path/`` resolves every public frontend URL in one request: pages, blog index
pages, tag, category and author pages (with their posts and seo), redirects, JSON 404s."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import image_make
from tests.paths import API

PATH = f"{API}/path/"
# A tag route with the response cache off (as here): the site, the tag, the listing and
# what its default cards show. A card selection without authors, categories and tags skips
# their three queries; it never costs more.
TAXONOMY_ROUTE_QUERIES = 15
TAXONOMY_ROUTE_QUERIES_WITH_CARD_SELECTION = TAXONOMY_ROUTE_QUERIES - 3


def _route(api, html_path, **params):
    return api.get(PATH, {"html_path": html_path, **params})


def test_a_tag_page_has_the_tag_its_posts_and_seo(api, blog):
    response = _route(api, "/tags/python/")
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "tag"
    assert data["tag"]["slug"] == "python"
    assert data["tag"]["html_path"] == "/tags/python/"
    titles = {item["title"] for item in data["posts"]["items"]}
    assert "First post" in titles and "Secret draft" not in titles
    assert data["posts"]["meta"]["page"] == 1
    assert data["posts"]["meta"]["total_count"] == len(data["posts"]["items"])
    assert data["seo"]["canonical_url"] == "https://www.example.com/tags/python/"
    assert data["seo"]["title"].startswith("Posts tagged python")
    assert data["seo"]["json_ld"][0]["@type"] == "CollectionPage"


@pytest.mark.parametrize(
    ("html_path", "kind", "slug"),
    [
        ("/categories/engineering/", "category", "engineering"),
        ("/authors/ada-lovelace/", "author", "ada-lovelace"),
    ],
)
def test_category_and_author_pages_resolve(api, blog, html_path, kind, slug):
    data = _route(api, html_path).json()
    assert data["type"] == kind
    assert data[kind]["slug"] == slug
    assert data["posts"]["items"]
    assert data["seo"]["canonical_url"] == "https://www.example.com" + html_path


def test_the_blog_index_comes_with_the_page_of_posts_the_path_names(
    api, blog, blog_index, make_post
):
    blog_index.posts_per_page = 2
    blog_index.save_revision().publish()
    for number in range(3):
        make_post(title=f"Extra {number}")
    first = _route(api, "/blog/").json()
    assert first["type"] == "page"
    assert first["page"]["id"] == blog_index.pk
    assert first["posts"]["meta"]["page"] == 1
    assert len(first["posts"]["items"]) == 2
    pages = first["posts"]["meta"]["pages"]
    second = _route(api, "/blog/?page=2").json()
    assert second["posts"]["meta"]["page"] == 2
    for key in ("total_count", "pages", "limit"):
        assert second["posts"]["meta"][key] == first["posts"]["meta"][key]
    # The listing's own links: the API URLs of the neighbouring pages of posts.
    assert second["posts"]["meta"]["previous"].endswith("&limit=2")
    assert first["posts"]["meta"]["next"] == second["posts"]["meta"]["previous"] + "&offset=2"
    assert {i["id"] for i in second["posts"]["items"]}.isdisjoint(
        {i["id"] for i in first["posts"]["items"]}
    )
    past = _route(api, f"/blog/?page={pages + 1}")
    assert past.status_code == 404 and "message" in past.json()


@pytest.mark.parametrize(
    ("html_path", "status"),
    [
        ("/tags/no-such-tag/", 404),
        ("/authors/nobody/", 404),
        ("/nowhere/", 404),
        ("/blog/?page=0", 400),
        ("/blog/?page=x", 400),
        ("/blog/?sort=new", 400),
        ("/blog/first-post/?page=2", 404),
    ],
)
def test_unknown_routes_and_bad_pages_are_json_errors(api, blog, html_path, status):
    response = _route(api, html_path)
    assert response.status_code == status
    assert set(response.json()) == {"message"}


def test_a_taxonomy_route_costs_a_fixed_number_of_queries(api, blog, make_post):
    def count() -> int:
        _route(api, "/tags/python/")
        with CaptureQueriesContext(connection) as captured:
            assert _route(api, "/tags/python/").status_code == 200
        return len(captured)

    few = count()
    for number in range(5):
        make_post(title=f"More {number}", tags=("python",))
    assert count() == few


CARDS = "_,title,html_path,featured_image(alt,srcset(320,640))"


def test_posts_in_fields_selects_the_cards_and_the_rest_the_page(api, blog, make_post, image):
    make_post(title="Pictured", tags=("python",), featured_image=image)

    index = _route(api, "/blog/", fields=f"_,title,posts({CARDS})").json()
    tag = _route(api, "/tags/python/", fields=f"posts({CARDS})").json()

    assert set(index["page"]) == {"title"}
    for data in (index, tag):
        items = data["posts"]["items"]
        assert items and all(
            set(item) <= {"id", "meta", "title", "featured_image"} for item in items
        )
        assert all(set(item["meta"]) == {"html_path"} for item in items)
        pictured = next(item for item in items if item["title"] == "Pictured")
        assert set(pictured["featured_image"]) == {"alt", "srcset"}
        assert {entry["width"] for entry in pictured["featured_image"]["srcset"]} == {320, 640}
    assert tag["tag"]["slug"] == "python" and tag["seo"]["title"].startswith("Posts tagged")


def test_default_answers_are_unchanged_by_a_bare_or_absent_posts_selection(api, blog):
    for html_path in ("/blog/", "/tags/python/", "/"):
        default = _route(api, html_path)
        bare = _route(api, html_path, fields="posts")
        assert default.status_code == bare.status_code == 200
        assert bare.json() == default.json(), html_path
    # A card's image shows every srcset width unless the selection names some.
    card = _route(api, "/blog/").json()["posts"]["items"][0]
    assert "srcset" in (card.get("featured_image") or {"srcset": []})


def test_a_card_selection_on_a_route_without_a_listing_is_ignored(api, blog):
    plain = _route(api, "/blog/full-post/", fields="_,title").json()
    selected = _route(api, "/blog/full-post/", fields=f"_,title,posts({CARDS})").json()

    assert selected == plain
    assert "posts" not in selected


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ("posts(nope)", "fields: posts(...): unknown fields: nope"),
        ("-posts", "fields: a route's posts cannot be left out"),
        ("posts(featured_image(srcset(123)))", "unknown nested field '123' of"),
        ("posts(featured_image(alt(x)))", "'featured_image.alt' takes no nested selection"),
        ("posts(title", "fields error"),
    ],
)
def test_a_bad_card_selection_is_a_400_naming_fields(api, blog, fields, message):
    for html_path in ("/blog/", "/tags/python/"):
        response = _route(api, html_path, fields=fields)
        assert response.status_code == 400, (html_path, response.content)
        assert response.json()["message"].startswith("fields"), response.json()
        assert message in response.json()["message"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (None, TAXONOMY_ROUTE_QUERIES),
        (f"posts({CARDS})", TAXONOMY_ROUTE_QUERIES_WITH_CARD_SELECTION),
    ],
)
def test_a_taxonomy_route_with_a_card_selection_costs_no_more_than_the_default(
    api, blog, make_post, image, django_assert_num_queries, fields, expected
):
    for number in range(3):
        make_post(title=f"Card {number}", tags=("python",), featured_image=image)
    params = {"fields": fields} if fields else {}
    first = _route(api, "/tags/python/", **params)
    assert first.status_code == 200
    with django_assert_num_queries(expected):
        assert _route(api, "/tags/python/", **params).content == first.content


def test_an_image_with_none_of_the_selected_widths_keeps_its_narrowest_entries(
    api, blog, make_post
):
    small = image_make(title="Small", size=(200, 120), image_format="JPEG", file_name="s.jpg")
    make_post(title="Small picture", tags=("python",), featured_image=small)

    data = _route(api, "/tags/python/", fields="posts(title,featured_image(srcset(640)))")

    card = next(item for item in data.json()["posts"]["items"] if item["title"] == "Small picture")
    srcset = card["featured_image"]["srcset"]
    assert srcset and {entry["width"] for entry in srcset} == {200}
